// Calibration by a line of known length (calibration.hpp; the `calibrate` command's arithmetic and checks) and
// what the app keeps of it: the document's undo / redo, the KeyBot JSON export, the autosave with its history.
// Part of keybot_app_unit_tests; the commands themselves run in the scripted smoke test (smoke_test.cmake).
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "app_state.hpp"
#include "calibration.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"

using namespace keybot;
using namespace keybot::app;

namespace {

const ImageInfo kImage{"x.png", 100, 80};

// A 100 x 80 grey PGM opened in a fresh session.
void open_pgm(AppState& state) {
    const std::string pgm = "P5\n100 80\n255\n" + std::string(100 * 80, '\x40');
    REQUIRE(state.load_image(reinterpret_cast<const std::uint8_t*>(pgm.data()), pgm.size(), "x.pgm"));
}

}  // namespace

TEST_CASE("calibration: mm over the line's length in px, the same for rows and columns, type user") {
    // A 3-4-5 triangle: (10, 10) to (40, 50) is 30 across and 40 down, 50 px; 25 mm over 50 px = 0.5 mm per px.
    const double length = std::sqrt(30.0 * 30.0 + 40.0 * 40.0);
    REQUIRE(length == 50.0);
    const PixelSpacing s = calibrated_spacing({10, 10}, {40, 50}, 25.0, kImage);
    CHECK(s.row_mm == doctest::Approx(25.0 / length));
    CHECK(s.col_mm == doctest::Approx(0.5));
    CHECK(s.type == "user");
    CHECK(s.known());
    CHECK(length_mm(s, 30, 40) == doctest::Approx(25.0));  // the line measures what the user said
    // The ends may be given in either order; the bounds are inclusive where they say so.
    CHECK(calibrated_spacing({40, 50}, {10, 10}, 25.0, kImage) == s);
    CHECK(calibrated_spacing({0, 0}, {0, kMinCalibrationPx}, kMaxCalibrationMm, kImage).row_mm == doctest::Approx(500.0));
}

TEST_CASE("calibration refuses coinciding, non-finite or far-off ends and lengths that are not positive and sane") {
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    auto refused = [](Point a, Point b, double mm, const char* why) {
        CHECK_THROWS_WITH_AS(calibrated_spacing(a, b, mm, kImage), doctest::Contains(why), Error);
    };
    refused({20, 20}, {20, 20}, 10, "at least 2 px apart");
    refused({20, 20}, {21, 20}, 10, "1.00 px long");
    refused({nan, 20}, {40, 20}, 10, "finite image coordinates");
    refused({20, 20}, {inf, 20}, 10, "finite image coordinates");
    refused({20, 20}, {20, 1e9}, 10, "finite image coordinates");
    for (const double mm : {0.0, -5.0, nan, inf, kMaxCalibrationMm * 1.001})
        refused({10, 10}, {40, 50}, mm, "above 0 and at most 1000");
}

TEST_CASE("a calibration is one undo step of the open image, exported and autosaved with its history") {
    AppState state;
    open_pgm(state);
    Document& doc = *state.active()->doc;
    REQUIRE_FALSE(doc.image().spacing.known());  // a PGM has none
    const PixelSpacing user = calibrated_spacing({10, 10}, {40, 50}, 25.0, doc.image());
    doc.set_spacing(user);
    CHECK(doc.image().spacing == user);

    const auto exported = nlohmann::json::parse(to_json(doc));
    CHECK(exported["image"]["pixel_spacing"]["type"] == "user");
    CHECK(exported["image"]["pixel_spacing"]["row_mm"] == 0.5);
    CHECK(exported["image"]["pixel_spacing"]["col_mm"] == 0.5);
    CHECK(document_from_json(to_json(doc)).image().spacing == user);

    REQUIRE(doc.undo());
    CHECK_FALSE(doc.image().spacing.known());
    CHECK_FALSE(nlohmann::json::parse(to_json(doc))["image"].contains("pixel_spacing"));
    REQUIRE(doc.redo());
    CHECK(doc.image().spacing == user);

    // The autosave keeps the calibration and the step before it: a new session restores both.
    const std::string saved = autosave_json(*state.active());
    const std::string pgm = "P5\n100 80\n255\n" + std::string(100 * 80, '\x40');
    AppState second;
    REQUIRE(second.load_image(reinterpret_cast<const std::uint8_t*>(pgm.data()), pgm.size(), "x.pgm", saved));
    Document& back = *second.active()->doc;
    CHECK(back.image().spacing == user);
    CHECK(back.undo_stack() == doc.undo_stack());
    REQUIRE(back.undo());
    CHECK_FALSE(back.image().spacing.known());
    REQUIRE(back.redo());
    CHECK(back.image().spacing == user);

    // A history state with a spacing no document could hold drops the history, never the annotation.
    std::string broken = saved;
    const std::string none = "\"pixel_spacing\":null";
    REQUIRE(broken.find(none) != std::string::npos);
    broken.replace(broken.find(none), none.size(), "\"pixel_spacing\":{\"row_mm\":1,\"col_mm\":1,\"type\":\"guessed\"}");
    AppState third;
    REQUIRE(third.load_image(reinterpret_cast<const std::uint8_t*>(pgm.data()), pgm.size(), "x.pgm", broken));
    CHECK(third.active()->doc->image().spacing == user);
    CHECK_FALSE(third.active()->doc->can_undo());
}

TEST_CASE("DICOM: a calibration replaces the file's spacing until undone" *
          doctest::skip(!std::filesystem::exists(std::string(KEYBOT_PYDICOM_DIR_DEFAULT) + "/dicomdirtests/77654033/CR1/6154"))) {
    AppState state;
    const auto bytes = read_file_bytes(std::string(KEYBOT_PYDICOM_DIR_DEFAULT) + "/dicomdirtests/77654033/CR1/6154");
    REQUIRE(state.load_image(bytes.data(), bytes.size(), "6154.dcm"));
    Document& doc = *state.active()->doc;
    const PixelSpacing file = state.image()->info.spacing;  // what calibrate-clear goes back to
    REQUIRE(file.type == "detector");
    REQUIRE(doc.image().spacing == file);
    doc.set_spacing(calibrated_spacing({2, 2}, {2, 12}, 3.3, doc.image()));  // the file is 16 x 16 px
    CHECK(doc.image().spacing.row_mm == doctest::Approx(0.33));
    CHECK(nlohmann::json::parse(to_json(doc))["image"]["pixel_spacing"]["type"] == "user");
    CHECK(state.image()->info.spacing == file);  // the file's own stays known for clearing
    REQUIRE(doc.undo());
    CHECK(doc.image().spacing == file);
}
