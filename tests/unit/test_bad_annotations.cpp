// Annotation and landmark input found bad by the reliability sweep (issue #12): huge or deep imports, numbers
// beyond double, absurd coordinates, non-decimal CSV values and degenerate landmark rows.
#include <doctest/doctest.h>

#include <chrono>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "keybot/core/aasce.hpp"
#include "keybot/core/cobb.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/formats.hpp"
#include "keybot/core/spine_repair.hpp"
#include "test_errors.hpp"
#include "test_support.hpp"

using namespace keybot;
using test::error_of;

namespace {

Document sample() {
    Document d(aasce_spine(), ImageInfo{"spine.png", 600, 1400});
    std::vector<AnnotatedPoint> pts;
    for (const Point& p : test::synthetic_spine(10.0, -10.0)) pts.push_back({p.x, p.y, Provenance::predicted, 0.25});
    d.set_points(pts);
    return d;
}

// 136 AASCE values, 0.5 each, with value k (0-based) replaced by `cell`.
std::string aasce_row_with(std::size_t k, const std::string& cell) {
    std::string row;
    for (std::size_t i = 0; i < 136; ++i) row += (i ? "," : "") + (i == k ? cell : std::string("0.5"));
    return row + "\n";
}

}  // namespace

TEST_CASE("10 MB of garbage is refused at once, with a short message") {
    const ImageInfo image{"spine.png", 600, 1400};
    std::mt19937 rng(7);
    std::string garbage(10 * 1024 * 1024, ' ');
    for (char& c : garbage) c = static_cast<char>('!' + rng() % 90);
    for (const std::string& text : {garbage, "{\"a\": \"" + garbage + "\"}", std::string(10 * 1024 * 1024, '7')}) {
        const auto start = std::chrono::steady_clock::now();
        const std::string e = error_of([&] { import_annotation(text, aasce_spine(), image); });
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500));
        CHECK(e.find("more than the limit of 4 MiB") != std::string::npos);
        CHECK(e.size() < 200);
    }
    // Under the size limit: a long bad token, deep nesting, a non-JSON start. Messages stay short.
    const std::string token = "{\"schema_version\": " + std::string(3'000'000, 't') + "}";
    std::string e = error_of([&] { import_annotation(token, aasce_spine(), image); });
    CHECK(e.find("annotation JSON is malformed at byte ") != std::string::npos);
    CHECK(e.size() < 300);
    e = error_of([&] { document_from_json(std::string(1'000'000, '['), aasce_spine()); });
    CHECK(e.find("nested more than 64 levels") != std::string::npos);
    e = error_of([&] { document_from_coco(std::string(100'000, '[') + std::string(100'000, ']'), aasce_spine()); });
    CHECK(e.find("COCO JSON: nested more than 64 levels") != std::string::npos);
    e = error_of([&] { import_annotation("<svg>" + std::string(100'000, 'x'), aasce_spine(), image); });
    CHECK(e.find("not KeyBot JSON, COCO JSON or an AASCE row") != std::string::npos);
    CHECK(e.size() < 200);
    // An AASCE row with a 1 MB cell.
    e = error_of([&] { import_annotation(aasce_row_with(3, std::string(1'000'000, '9') + "x"), aasce_spine(), image); });
    CHECK(e.find("not a number") != std::string::npos);
    CHECK(e.size() < 300);
}

TEST_CASE("numbers beyond double (1e400) give keybot::Error from every JSON reader") {
    const Document d = sample();
    std::string keybot_json = to_json(d);
    const auto at = keybot_json.find("\"error_probability\": 0.25");
    REQUIRE(at != std::string::npos);
    keybot_json.replace(at, 25, "\"error_probability\": 1e400");
    CHECK(error_of([&] { document_from_json(keybot_json, aasce_spine()); }).find("number overflow") != std::string::npos);
    CHECK(error_of([&] { document_from_json(keybot_json); }).find("number overflow") != std::string::npos);
    CHECK(error_of([&] { import_annotation(keybot_json, aasce_spine(), d.image()); }).find("number overflow") != std::string::npos);

    std::string coco = to_coco_json(d);
    const auto kp = coco.find("\"keypoints\": [");
    REQUIRE(kp != std::string::npos);
    coco.insert(kp + 14, "-1e400,");
    CHECK(error_of([&] { document_from_coco(coco, aasce_spine()); }).find("COCO JSON: [json.exception.out_of_range.406]") != std::string::npos);
    CHECK(error_of([&] { import_annotation(coco, aasce_spine(), d.image()); }).find("number overflow") != std::string::npos);
}

TEST_CASE("coordinates far outside the image are refused by the KeyBot JSON and COCO readers") {
    const Document d = sample();
    auto j = nlohmann::json::parse(to_json(d));
    j["points"][0]["x"] = -1e300;
    CHECK(error_of([&] { document_from_json(j.dump(), aasce_spine()); }) ==
          "annotation JSON: point 1 (T1_top_left) has x = -1e+300, outside [-0.5, 1.5] x the image width (600 px)");
    // The margin: -0.5 x width is accepted, a little beyond is not (600 px wide, 1400 px high).
    j["points"][0]["x"] = -300.0;
    CHECK(document_from_json(j.dump(), aasce_spine()).points()[0].x == -300.0);
    j["points"][0]["x"] = -300.5;
    CHECK(error_of([&] { document_from_json(j.dump(), aasce_spine()); }).find("has x = -300.5") != std::string::npos);
    j["points"][0]["x"] = 10.0;
    j["points"][67]["y"] = 2100.5;
    CHECK(error_of([&] { document_from_json(j.dump(), aasce_spine()); }).find("point 68 (L5_bottom_right) has y = 2100.5, outside [-0.5, 1.5] x the image height (1400 px)") != std::string::npos);
    // Image size unknown (0): an absolute bound.
    j["points"][67]["y"] = 50.0;
    j["image"]["width"] = 0;
    j["points"][3]["x"] = 2e6;
    CHECK(error_of([&] { document_from_json(j.dump(), aasce_spine()); }).find("beyond +-1e+06") != std::string::npos);
    // Image sizes that do not fit an int (get<int>() would wrap them).
    j["points"][3]["x"] = 1.0;
    j["image"]["width"] = 4294967896LL;
    CHECK(error_of([&] { document_from_json(j.dump(), aasce_spine()); }).find("must be within 0..32768") != std::string::npos);

    auto c = nlohmann::json::parse(to_coco_json(d));
    c["annotations"][16]["keypoints"][9] = 1e300;  // L5: x, y, v per corner; bottom_right's x
    CHECK(error_of([&] { document_from_coco(c.dump(), aasce_spine()); }) ==
          "COCO JSON: point 68 (L5_bottom_right) has x = 1e+300, outside [-0.5, 1.5] x the image width (600 px)");
    c = nlohmann::json::parse(to_coco_json(d));
    c["images"][0]["height"] = -5;
    CHECK(error_of([&] { document_from_coco(c.dump(), aasce_spine()); }).find("width/height' must be integers") != std::string::npos);
}

TEST_CASE("landmark CSV: nan, inf, hex floats and huge values are refused, naming row and column") {
    for (const std::string cell : {"nan", "inf", "-inf", "0x1p-2", "1e400", "0.5.5x"}) {
        CAPTURE(cell);
        const std::string e = error_of([&] { parse_number_rows("0.1,0.2\n0.3," + cell + "\n", "landmarks.csv"); });
        CHECK(e == "landmarks.csv row 2, column 2: '" + cell + "' is not a number (a finite decimal is expected)");
    }
    CHECK(parse_number_rows("1e2, -0.25 ,+3\n", "x")[0] == std::vector<double>{100.0, -0.25, 3.0});
    // 1e308 is a finite double but no normalised coordinate.
    std::vector<double> row(136, 0.5);
    row[70] = 1e308;
    CHECK(error_of([&] { aasce_points_from_row(row, 100, 100); }) ==
          "value 71 (y3 = 1e+308) is not a normalised coordinate (expected about 0..1)");
    CHECK(error_of([&] { import_annotation(aasce_row_with(70, "1e308"), aasce_spine(), ImageInfo{"a", 10, 10}); })
              .find("not a normalised coordinate") != std::string::npos);
}

TEST_CASE("degenerate landmarks: Cobb angles refuse rather than return NaN") {
    const std::string e = error_of([] { cobb_angles(std::vector<Point>(68), 1000.0); });  // an all-zero row
    CHECK(e == "Cobb angles undefined: vertebra 1 has its left and right side mid-points at the same place");
    // The repair flags the same row, so `keybot eval` skips it as unrepairable (median width 0 hid it before).
    const SpineRepair zero = repair_spine(std::vector<Point>(68));
    REQUIRE_FALSE(zero.ok());
    CHECK(zero.issues[0].problem == RepairProblem::degenerate_vertebra);
    auto spine = test::synthetic_spine(5.0, -5.0);
    spine[4 * 3 + 1] = spine[4 * 3 + 0];  // vertebra 4: right corners onto the left ones
    spine[4 * 3 + 3] = spine[4 * 3 + 2];
    CHECK(error_of([&] { cobb_angles(spine, 1000.0); }).find("vertebra 4") != std::string::npos);
    spine = test::synthetic_spine(5.0, -5.0);
    spine[9].y = std::nan("");
    CHECK(error_of([&] { cobb_angles(spine, 1000.0); }) == "Cobb angles: point 10 is not finite");
}
