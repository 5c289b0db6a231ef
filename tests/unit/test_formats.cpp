// Exchange formats (formats.hpp): AASCE CSV rows and COCO keypoints JSON round trips, format detection and
// clear errors on malformed input.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "keybot/core/error.hpp"
#include "keybot/core/formats.hpp"
#include "test_errors.hpp"
#include "test_support.hpp"

using namespace keybot;
using test::error_of;

namespace {

Document sample_document() {
    Document d(aasce_spine(), ImageInfo{"spine 01.jpg", 1000, 2500});
    const auto spine = test::synthetic_spine(10.0, -12.0, 480.0, 200.0, 120.0);
    std::vector<AnnotatedPoint> pts;
    for (std::size_t i = 0; i < spine.size(); ++i) {
        const Provenance prov = i % 5 == 0 ? Provenance::user_placed : i % 7 == 0 ? Provenance::flagged : Provenance::predicted;
        pts.push_back({spine[i].x + 0.123456789, spine[i].y - 0.3, prov, (i % 10) / 10.0});
    }
    d.set_points(pts);
    return d;
}

void check_near(const std::vector<AnnotatedPoint>& a, const std::vector<AnnotatedPoint>& b, double tol) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].x == doctest::Approx(b[i].x).epsilon(tol));
        CHECK(a[i].y == doctest::Approx(b[i].y).epsilon(tol));
    }
}

}  // namespace

TEST_CASE("AASCE row: 136 normalised values x1..x68, y1..y68 that convert back to the pixels") {
    const Document d = sample_document();
    const std::string row = aasce_landmarks_row(d);
    CHECK(row.back() == '\n');
    CHECK(std::count(row.begin(), row.end(), ',') == 135);
    CHECK(aasce_filenames_row(d) == "spine 01.jpg\n");
    // The first value is x1 / width.
    CHECK(std::stod(row.substr(0, row.find(','))) == doctest::Approx(d.points()[0].x / 1000.0));
    const auto back = points_from_aasce_row(row, aasce_spine(), 1000, 2500);
    check_near(back, d.points(), 1e-12);
    for (const auto& p : back) CHECK(p.provenance == Provenance::user_confirmed);
    const auto via_import = import_annotation(row, aasce_spine(), d.image());
    CHECK(via_import.format == AnnotationFormat::aasce_csv);
    check_near(via_import.points, d.points(), 1e-12);
}

TEST_CASE("AASCE row: malformed input gives a clear error") {
    const Schema& s = aasce_spine();
    CHECK(error_of([&] { points_from_aasce_row("", s, 10, 10); }).find("empty") != std::string::npos);
    CHECK(error_of([&] { points_from_aasce_row("0.1,0.2,0.3\n", s, 10, 10); }).find("expected one row of 136 values") != std::string::npos);
    CHECK(error_of([&] { points_from_aasce_row("x1,x2\n", s, 10, 10); }).find("not a number") != std::string::npos);
    std::string big;
    for (int i = 0; i < 136; ++i) big += (i ? "," : "") + std::string(i == 3 ? "12.5" : "0.5");
    CHECK(error_of([&] { points_from_aasce_row(big, s, 10, 10); }).find("not a normalised coordinate") != std::string::npos);
    CHECK(error_of([&] { points_from_aasce_row(big, s, 0, 0); }).find("image size") != std::string::npos);
    Document unsized(s);
    CHECK_THROWS_AS(aasce_landmarks_row(unsized), Error);
}

TEST_CASE("COCO: one annotation per vertebra, round trip keeps points and provenance") {
    const Document d = sample_document();
    const std::string text = to_coco_json(d);
    const auto root = nlohmann::json::parse(text);
    REQUIRE(root["images"].size() == 1);
    CHECK(root["images"][0]["width"] == 1000);
    CHECK(root["annotations"].size() == 17);
    CHECK(root["annotations"][0]["group"] == "T1");
    CHECK(root["annotations"][16]["group"] == "L5");
    CHECK(root["annotations"][0]["keypoints"].size() == 12);
    CHECK(root["annotations"][0]["num_keypoints"] == 4);
    CHECK(root["categories"][0]["keypoints"].size() == 4);
    const Document back = document_from_coco(text, aasce_spine());
    CHECK(back.image() == d.image());
    CHECK(back.points() == d.points());  // doubles written by nlohmann round-trip exactly
    CHECK_FALSE(back.can_undo());
    const auto imported = import_annotation(text, aasce_spine(), d.image());
    CHECK(imported.format == AnnotationFormat::coco_json);
    CHECK(imported.points == d.points());
}

TEST_CASE("COCO: the pixel spacing and its type travel with the image; a bad one is refused") {
    const Document plain = sample_document();
    CHECK_FALSE(nlohmann::json::parse(to_coco_json(plain))["images"][0].contains("pixel_spacing"));  // none: not written
    ImageInfo info = plain.image();
    info.spacing = {0.143, 0.139, "detector"};
    Document d(aasce_spine(), info);
    d.set_points(plain.points());
    const std::string text = to_coco_json(d);
    const auto root = nlohmann::json::parse(text);
    CHECK(root["images"][0]["pixel_spacing"]["row_mm"] == 0.143);
    CHECK(root["images"][0]["pixel_spacing"]["col_mm"] == 0.139);
    CHECK(root["images"][0]["pixel_spacing"]["type"] == "detector");
    CHECK(document_from_coco(text, aasce_spine()).image().spacing == info.spacing);
    auto edited = root;
    edited["images"][0]["pixel_spacing"]["type"] = "guessed";
    CHECK(error_of([&] { document_from_coco(edited.dump(), aasce_spine()); }).find("images[0].pixel_spacing.type") !=
          std::string::npos);
    edited["images"][0]["pixel_spacing"] = {{"row_mm", 0}, {"col_mm", 0.1}, {"type", "user"}};
    CHECK(error_of([&] { document_from_coco(edited.dump(), aasce_spine()); }).find("between 0 and 1000 mm") != std::string::npos);
}

TEST_CASE("COCO: a single annotation with all 68 keypoints and shuffled per-vertebra annotations are read") {
    const Document d = sample_document();
    auto root = nlohmann::json::parse(to_coco_json(d));
    // Shuffle the per-vertebra annotations: the "group" names put them back in place.
    auto anns = root["annotations"];
    std::reverse(anns.begin(), anns.end());
    root["annotations"] = anns;
    CHECK(document_from_coco(root.dump(), aasce_spine()).points() == d.points());
    // One annotation with 68 x 3 numbers (no keybot fields -> the fallback provenance).
    nlohmann::json kp = nlohmann::json::array();
    for (const auto& p : d.points()) { kp.push_back(p.x); kp.push_back(p.y); kp.push_back(2); }
    root["annotations"] = {{{"id", 7}, {"image_id", root["images"][0]["id"]}, {"category_id", 1}, {"keypoints", kp}}};
    const Document one = document_from_coco(root.dump(), aasce_spine(), Provenance::user_placed);
    for (int i = 0; i < 68; ++i) CHECK((one.points()[i].x == d.points()[i].x && one.points()[i].y == d.points()[i].y));
    CHECK(one.points()[3].provenance == Provenance::user_placed);
}

TEST_CASE("COCO and import: malformed input gives a clear error") {
    const Schema& s = aasce_spine();
    const Document d = sample_document();
    auto root = nlohmann::json::parse(to_coco_json(d));
    CHECK(error_of([&] { document_from_coco("{", s); }).find("COCO JSON is malformed") != std::string::npos);
    CHECK(error_of([&] { document_from_coco("[]", s); }).find("top level") != std::string::npos);
    auto r = root; r.erase("images");
    CHECK(error_of([&] { document_from_coco(r.dump(), s); }).find("missing field 'images'") != std::string::npos);
    r = root; r["annotations"].erase(r["annotations"].begin());
    CHECK(error_of([&] { document_from_coco(r.dump(), s); }).find("expected 17 annotations") != std::string::npos);
    r = root; r["annotations"][2]["keypoints"].erase(r["annotations"][2]["keypoints"].begin());
    CHECK(error_of([&] { document_from_coco(r.dump(), s); }).find("must hold 12 numbers") != std::string::npos);
    r = root; r["annotations"][2]["keypoints"][1] = "x";
    CHECK(error_of([&] { document_from_coco(r.dump(), s); }).find("must be a number") != std::string::npos);
    r = root; r["annotations"][2]["keypoints"][2] = 0;
    CHECK(error_of([&] { document_from_coco(r.dump(), s); }).find("visibility 0") != std::string::npos);
    r = root; r["annotations"][3]["group"] = "T1";
    CHECK(error_of([&] { document_from_coco(r.dump(), s); }).find("annotated twice") != std::string::npos);
    r = root; r["annotations"][3]["keybot_provenance"][0] = "guessed";
    CHECK(error_of([&] { document_from_coco(r.dump(), s); }).find("keybot_provenance") != std::string::npos);

    // Import: empty text, wrong image size, bad KeyBot JSON.
    CHECK(error_of([&] { import_annotation("  \n", s, d.image()); }).find("empty") != std::string::npos);
    const ImageInfo other{"x.png", 640, 480};
    CHECK(error_of([&] { import_annotation(to_coco_json(d), s, other); }).find("made for a 1000 x 2500 image") != std::string::npos);
    CHECK(error_of([&] { import_annotation(to_json(d), s, other); }).find("open image is 640 x 480") != std::string::npos);
    CHECK(error_of([&] { import_annotation("{\"schema_version\": 1}", s, d.image()); }).find("annotation JSON") != std::string::npos);
    const auto ok = import_annotation(to_json(d), s, d.image());
    CHECK(ok.format == AnnotationFormat::keybot_json);
    CHECK(ok.points == d.points());
}
