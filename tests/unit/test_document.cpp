#include <doctest/doctest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "keybot/core/document.hpp"
#include "keybot/core/error.hpp"

using keybot::AnnotatedPoint;
using keybot::Document;
using keybot::Provenance;

namespace {

Document sample() {
    Document d(keybot::aasce_spine(), {"case 1 A.jpg", 800, 2000});
    std::vector<AnnotatedPoint> pts;
    for (int i = 0; i < 68; ++i) pts.push_back({10.0 + i, 20.5 + 2 * i, Provenance::predicted, i / 100.0});
    d.set_points(pts);
    d.set_provenance(5, Provenance::flagged);
    d.move_point(6, 1.25, 2.5, Provenance::model_corrected);
    d.clear_history();
    return d;
}

}  // namespace

TEST_CASE("provenance names round-trip") {
    for (auto p : {Provenance::predicted, Provenance::flagged, Provenance::model_corrected, Provenance::user_placed,
                   Provenance::user_confirmed})
        CHECK(keybot::provenance_from_string(keybot::to_string(p)) == p);
    CHECK(std::string(keybot::to_string(Provenance::user_confirmed)) == "user_confirmed");
    CHECK_THROWS_AS(keybot::provenance_from_string("guessed"), keybot::Error);
}

TEST_CASE("document is schema-sized and checks indices") {
    Document d(keybot::aasce_spine());
    CHECK(d.points().size() == 68);
    CHECK_THROWS_AS(d.point(68), keybot::Error);
    CHECK_THROWS_AS(d.move_point(-1, 0, 0), keybot::Error);
    CHECK_THROWS_AS(d.set_points(std::vector<AnnotatedPoint>(67)), keybot::Error);
    CHECK_FALSE(d.can_undo());
}

TEST_CASE("undo restores exactly, redo reapplies, a new edit clears redo") {
    Document d = sample();
    const auto original = d.points();
    d.move_point(3, 100, 200);
    CHECK(d.point(3).provenance == Provenance::user_placed);
    d.set_provenance(3, Provenance::user_confirmed);
    const auto after_two = d.points();
    CHECK(d.undo_depth() == 2);

    REQUIRE(d.undo());
    REQUIRE(d.undo());
    CHECK(d.points() == original);
    CHECK_FALSE(d.undo());
    REQUIRE(d.redo());
    REQUIRE(d.redo());
    CHECK(d.points() == after_two);
    CHECK_FALSE(d.redo());

    d.undo();
    CHECK(d.can_redo());
    d.move_point(0, 1, 1);
    CHECK_FALSE(d.can_redo());
    d.undo();
    d.undo();
    CHECK(d.points() == original);
}

TEST_CASE("history is capped") {
    Document d(keybot::aasce_spine());
    for (std::size_t i = 0; i < Document::kMaxHistory + 5; ++i) d.move_point(0, static_cast<double>(i), 0);
    CHECK(d.undo_depth() == Document::kMaxHistory);
}

TEST_CASE("JSON round trip keeps everything") {
    const Document d = sample();
    const std::string text = keybot::to_json(d);
    const auto j = nlohmann::json::parse(text);
    CHECK(j["schema_version"] == 1);
    CHECK(j["schema"] == "aasce_spine_68");
    CHECK(j["points"][5]["provenance"] == "flagged");
    CHECK(j["points"][0]["name"] == "T1_top_left");
    const Document back = keybot::document_from_json(text);
    CHECK(back.image() == d.image());
    CHECK(back.points() == d.points());
    CHECK_FALSE(back.can_undo());
    CHECK(keybot::document_from_json(text, keybot::aasce_spine()).points() == d.points());
}

TEST_CASE("JSON keeps pixel spacing and DICOM UIDs, and refuses bad ones") {
    Document d = sample();
    keybot::ImageInfo info = d.image();
    info.spacing = {0.143, 0.15, "estimated"};
    info.study_uid = "1.2.3";
    info.sop_instance_uid = "1.2.3.4.5";
    Document with(keybot::aasce_spine(), info);
    with.set_points(d.points());
    const std::string text = keybot::to_json(with);
    const auto j = nlohmann::json::parse(text);
    CHECK(j["image"]["pixel_spacing"]["type"] == "estimated");
    CHECK(j["image"]["dicom"]["study_uid"] == "1.2.3");
    CHECK_FALSE(j["image"]["dicom"].contains("series_uid"));
    CHECK(keybot::document_from_json(text).image() == info);
    CHECK_FALSE(nlohmann::json::parse(keybot::to_json(d))["image"].contains("pixel_spacing"));  // none: not written

    auto with_image = [&](const std::string& from, const std::string& to) {
        std::string t = text;
        t.replace(t.find(from), from.size(), to);
        return t;
    };
    CHECK_THROWS_WITH_AS(keybot::document_from_json(with_image("\"estimated\"", "\"guessed\"")),
                         doctest::Contains("pixel_spacing.type"), keybot::Error);
    CHECK_THROWS_WITH_AS(keybot::document_from_json(with_image("0.143", "-1")), doctest::Contains("between 0 and 1000 mm"), keybot::Error);
    CHECK_THROWS_WITH_AS(keybot::document_from_json(with_image("\"1.2.3\"", "\"Smith^John\"")),
                         doctest::Contains("not a DICOM UID"), keybot::Error);
}

TEST_CASE("restore_history checks every state and replaces both stacks only when all are valid") {
    Document d(keybot::aasce_spine(), {"x.png", 100, 100});
    const std::vector<AnnotatedPoint> good(68, AnnotatedPoint{10, 10, Provenance::predicted, 0.0});
    const Document::State state{good, {}};
    d.restore_history({state, state}, {state});
    CHECK(d.undo_depth() == 2);
    CHECK(d.can_redo());
    std::vector<AnnotatedPoint> far = good;
    far[3].x = 1e9;  // far outside the 100 px image
    CHECK_THROWS_WITH_AS(d.restore_history({state}, {{far, {}}}), doctest::Contains("history: point 4 (T1_bottom_right)"), keybot::Error);
    CHECK_THROWS_AS(d.restore_history({{std::vector<AnnotatedPoint>(3), {}}}, {}), keybot::Error);
    CHECK_THROWS_WITH_AS(d.restore_history({{good, {2000, 2000, "user"}}}, {}), doctest::Contains("not a pixel spacing"), keybot::Error);
    CHECK(d.undo_depth() == 2);  // unchanged after a refusal
}

TEST_CASE("a new pixel spacing is one undo step; undo and redo restore spacing and points together") {
    Document d = sample();
    const auto points = d.points();
    const keybot::PixelSpacing calibrated{0.5, 0.5, "user"};
    d.set_spacing(calibrated);
    CHECK(d.image().spacing == calibrated);
    CHECK(d.points() == points);
    d.move_point(0, 5, 5);
    REQUIRE(d.undo());
    CHECK(d.image().spacing == calibrated);  // undoing the edit keeps the spacing it was made with
    REQUIRE(d.undo());
    CHECK_FALSE(d.image().spacing.known());
    CHECK(d.image().spacing.type == "none");
    CHECK(d.points() == points);
    REQUIRE(d.redo());
    CHECK(d.image().spacing == calibrated);
    CHECK(d.undo_stack().back().spacing.type == "none");
    d.set_spacing({});  // back to none: also a step
    CHECK(d.undo_depth() == 2);

    const auto depth = d.undo_depth();
    for (const keybot::PixelSpacing& bad : {keybot::PixelSpacing{0.0, 0.5, "user"}, keybot::PixelSpacing{1000.0, 1000.0, "user"},
                                            keybot::PixelSpacing{std::nan(""), 0.5, "user"}})
        CHECK_THROWS_WITH_AS(d.set_spacing(bad), doctest::Contains("not a pixel spacing"), keybot::Error);
    CHECK(d.undo_depth() == depth);  // nothing recorded for a refused spacing
}

TEST_CASE("JSON round trip with another schema table") {
    const keybot::Schema tiny{"tiny_test", {"a", "b", "c"}, {}, {}, {{0, 2}}, {}};
    Document d(tiny, {"x.png", 3, 4});
    d.move_point(2, 1.5, 2.5, Provenance::user_placed);
    const Document back = keybot::document_from_json(keybot::to_json(d), tiny);
    CHECK(back.points() == d.points());
    CHECK_THROWS_WITH_AS(keybot::document_from_json(keybot::to_json(d)), doctest::Contains("unknown schema"), keybot::Error);
}

TEST_CASE("malformed annotation JSON gives a clear error") {
    const auto good = nlohmann::json::parse(keybot::to_json(sample()));
    auto expect_error = [](const nlohmann::json& j, const char* fragment) {
        CAPTURE(fragment);
        CHECK_THROWS_WITH_AS(keybot::document_from_json(j.dump(), keybot::aasce_spine()), doctest::Contains(fragment), keybot::Error);
    };
    CHECK_THROWS_WITH_AS(keybot::document_from_json("{\"schema_version\": 1,", keybot::aasce_spine()),
                         doctest::Contains("malformed"), keybot::Error);
    CHECK_THROWS_WITH_AS(keybot::document_from_json("", keybot::aasce_spine()), doctest::Contains("malformed"), keybot::Error);
    expect_error(nlohmann::json::array(), "top level must be an object");

    using nlohmann::json;
    const std::vector<std::pair<void (*)(json&), const char*>> cases = {
        {[](json& j) { j.erase("schema_version"); }, "missing field 'schema_version'"},
        {[](json& j) { j["schema_version"] = 2; }, "unsupported schema_version"},
        {[](json& j) { j["schema_version"] = "1"; }, "unsupported schema_version"},
        {[](json& j) { j["schema"] = "cephalometric"; }, "expected 'aasce_spine_68'"},
        {[](json& j) { j.erase("image"); }, "missing field 'image'"},
        {[](json& j) { j["image"]["width"] = "800"; }, "'image.width' must be an integer"},
        {[](json& j) { j.erase("points"); }, "missing field 'points'"},
        {[](json& j) { j["points"] = 5; }, "'points' must be an array"},
        {[](json& j) { j["points"].erase(j["points"].size() - 1); }, "67 points"},
        {[](json& j) { j["points"][3] = 7; }, "'points[3]' must be an object"},
        {[](json& j) { j["points"][3]["x"] = "12"; }, "'points[3].x' must be a number"},
        {[](json& j) { j["points"][4].erase("y"); }, "missing field 'points[4].y'"},
        {[](json& j) { j["points"][4]["provenance"] = "guessed"; }, "unknown provenance 'guessed'"},
        {[](json& j) { j["points"][4]["provenance"] = 3; }, "'points[4].provenance' must be a string"},
        {[](json& j) { j["points"][4]["error_probability"] = 1.5; }, "within [0,1]"},
        {[](json& j) { j["points"][4]["name"] = "L5_top_left"; }, "expected 'T2_top_left'"},
    };
    for (const auto& [mutate, fragment] : cases) {
        json j = good;
        mutate(j);
        expect_error(j, fragment);
    }
}

TEST_CASE("keep_inside_image: user positions stay within the image, so a saved document always loads again") {
    using namespace keybot;
    const ImageInfo image{"x.png", 100, 50};
    CHECK(keep_inside_image({10.5, 20.25}, image) == Point{10.5, 20.25});
    CHECK(keep_inside_image({-300.0, 70.0}, image) == Point{0.0, 49.0});
    CHECK(keep_inside_image({1e300, -1e300}, image) == Point{99.0, 0.0});
    CHECK(keep_inside_image({std::nan(""), 3.0}, image) == Point{0.0, 3.0});
    CHECK(keep_inside_image({-5.0, 7.0}, ImageInfo{}) == Point{-5.0, 7.0});  // size unknown: unchanged
    // Every kept position passes the readers' range check.
    const Point far = keep_inside_image({-1e6, 1e6}, image);
    CHECK(coordinate_in_range(far.x, image.width));
    CHECK(coordinate_in_range(far.y, image.height));
}
