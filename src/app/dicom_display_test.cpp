// The app's DICOM display state (app_state.hpp) on pydicom's CR spine file (MONOCHROME1, window 1600/2800,
// rescale 0.684/200, ImagerPixelSpacing 0.1): presets re-render the shown pixels, the window reads back in the
// file's units, the document carries the spacing and UIDs. Skipped without the file (.ci/setup unpacks it).
#include <doctest/doctest.h>

#include <filesystem>

#include "app_state.hpp"
#include "keybot/core/file_io.hpp"

using namespace keybot;
using namespace keybot::app;

namespace {
const std::string kCr = std::string(KEYBOT_PYDICOM_DIR_DEFAULT) + "/dicomdirtests/77654033/CR1/6154";
}

TEST_CASE("DICOM in the app: presets, window in file units, spacing and UIDs in the document" *
          doctest::skip(!std::filesystem::exists(kCr))) {
    AppState state;
    const auto bytes = read_file_bytes(kCr);
    REQUIRE(state.load_image(bytes.data(), bytes.size(), "6154.dcm"));
    const LoadedImage* img = state.image();
    REQUIRE(img->dicom);
    CHECK(state.active()->doc->image().spacing.type == "detector");
    CHECK(state.active()->doc->image().spacing.row_mm == doctest::Approx(0.1));
    CHECK(state.active()->doc->image().study_uid == "1.3.6.1.4.1.5962.1.1.0.0.0.1196527414.5534.0.1");

    // Preset 0 as opened: the full display window is the file's window, 1600 / 2800.
    double c = 0, w = 0;
    REQUIRE(window_in_file_units(*img, state.display(), &c, &w));
    CHECK(c == doctest::Approx(1600));
    CHECK(w == doctest::Approx(2800));
    // Narrowing the display to the middle half of the shown range halves the window around the same level.
    state.display().window_low = 0.25f;
    state.display().window_high = 0.75f;
    REQUIRE(window_in_file_units(*img, state.display(), &c, &w));
    CHECK(c == doctest::Approx(1600));
    CHECK(w == doctest::Approx(1400));

    // Preset 1 ("Full range"): the shown pixels span the data range, inverted; the window reads as that range.
    REQUIRE(state.set_voi_preset(1));
    img = state.image();
    CHECK(state.display().voi_preset == 1);
    REQUIRE(window_in_file_units(*img, state.display(), &c, &w));
    CHECK(w == doctest::Approx(img->dicom->info.max_value - img->dicom->info.min_value));
    CHECK(img->min_value == doctest::Approx(0.0f));
    CHECK(img->max_value == doctest::Approx(1.0f));
    CHECK_FALSE(state.set_voi_preset(2));  // out of range: refused, error recorded
    CHECK(state.error().find("2 VOI presets") != std::string::npos);
}

TEST_CASE("VOI presets are refused for non-DICOM images") {
    AppState state;
    // A 2x2 binary PGM.
    const std::string pgm = std::string("P5\n2 2\n255\n") + std::string("\x01\x02\x03\x04", 4);
    REQUIRE(state.load_image(reinterpret_cast<const std::uint8_t*>(pgm.data()), pgm.size(), "x.pgm"));
    CHECK_FALSE(state.set_voi_preset(0));
    double c, w;
    CHECK_FALSE(window_in_file_units(*state.image(), state.display(), &c, &w));
}
