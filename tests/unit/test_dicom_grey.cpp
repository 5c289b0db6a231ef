// The DICOM grey-level chain and spacing rules (dicom.hpp) on hand-made attributes; expected values are worked
// out by hand from DICOM PS3.3 C.11.2.1.2 and 10.7.1.3, not taken from the code.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "keybot/core/dicom.hpp"

using keybot::DicomInfo;
using keybot::VoiPreset;

namespace {

DicomInfo with_window(double c, double w, const char* function) {
    DicomInfo info;
    VoiPreset p;
    p.kind = VoiPreset::Kind::window;
    p.center = c;
    p.width = w;
    info.voi_presets.push_back(p);
    info.voi_function = function;
    keybot::add_full_range_preset(info);
    return info;
}

}  // namespace

TEST_CASE("VOI LINEAR window: the standard's ramp from c-0.5-(w-1)/2 to c-0.5+(w-1)/2") {
    const DicomInfo info = with_window(100, 11, "LINEAR");  // ramp 94.5 .. 104.5
    CHECK(keybot::voi_value(info, 0, 94.5) == 0.0);
    CHECK(keybot::voi_value(info, 0, 99.5) == doctest::Approx(0.5));
    CHECK(keybot::voi_value(info, 0, 102.0) == doctest::Approx(0.75));
    CHECK(keybot::voi_value(info, 0, 104.5) == doctest::Approx(1.0));
    CHECK(keybot::voi_value(info, 0, 1e6) == 1.0);
    CHECK(keybot::voi_value(info, 0, -1e6) == 0.0);
}

TEST_CASE("VOI LINEAR_EXACT and SIGMOID") {
    const DicomInfo exact = with_window(100, 10, "LINEAR_EXACT");
    CHECK(keybot::voi_value(exact, 0, 95) == 0.0);
    CHECK(keybot::voi_value(exact, 0, 100) == doctest::Approx(0.5));
    CHECK(keybot::voi_value(exact, 0, 104) == doctest::Approx(0.9));
    const DicomInfo sigmoid = with_window(100, 10, "SIGMOID");
    CHECK(keybot::voi_value(sigmoid, 0, 100) == doctest::Approx(0.5));
    CHECK(keybot::voi_value(sigmoid, 0, 105) == doctest::Approx(0.8807970779778823));  // 1 / (1 + e^-2)
    CHECK(keybot::voi_value(sigmoid, 0, 95) == doctest::Approx(0.11920292202211755));
}

TEST_CASE("VOI LUT, full range, inversion and the modality stage") {
    DicomInfo info;
    keybot::DicomLut lut;
    lut.first_mapped = 10;
    lut.bits = 8;
    lut.data = {0, 51, 102, 255};
    info.voi_luts.push_back(lut);
    VoiPreset p;
    p.kind = VoiPreset::Kind::lut;
    p.lut = 0;
    info.voi_presets.push_back(p);
    keybot::add_full_range_preset(info);
    info.range_low = 100;
    info.range_high = 300;
    CHECK(keybot::voi_value(info, 0, 5) == 0.0);                          // below the first mapped value
    CHECK(keybot::voi_value(info, 0, 11) == doctest::Approx(0.2));        // 51 / 255
    CHECK(keybot::voi_value(info, 0, 1000) == 1.0);                       // past the end: last entry
    CHECK(keybot::voi_value(info, 1, 150) == doctest::Approx(0.25));      // full range 100..300
    info.inverted = true;
    CHECK(keybot::voi_value(info, 1, 150) == doctest::Approx(0.75));
    CHECK(keybot::voi_value(info, 0, 11) == doctest::Approx(0.8));

    DicomInfo m;
    m.rescale_slope = 0.684;
    m.rescale_intercept = 200;
    CHECK(keybot::modality_value(m, 1000) == doctest::Approx(884.0));
    keybot::DicomLut modality_lut;
    modality_lut.first_mapped = -2;
    modality_lut.data = {7, 8, 9};
    m.modality_luts.push_back(modality_lut);
    CHECK(keybot::modality_value(m, -1) == 8.0);  // the LUT replaces slope/intercept
}

TEST_CASE("apply_voi gives the same grey levels as voi_value, pixel by pixel") {
    keybot::DicomImage d;
    d.info = with_window(100, 41, "LINEAR");
    d.info.inverted = true;
    d.modality.width = 7;
    d.modality.height = 1;
    d.modality.pixels = {0, 79.5, 85, 99.5, 110, 119.5, 500};
    const keybot::Image out = keybot::apply_voi(d, 0);
    CHECK(out.max_value == 1.0f);
    const double expected[7] = {1.0, 1.0, 1.0 - 5.5 / 40, 0.5, 1.0 - 30.5 / 40, 0.0, 0.0};  // ramp 79.5 .. 119.5
    for (int i = 0; i < 7; ++i) CHECK(out.pixels[i] == doctest::Approx(expected[i]).epsilon(1e-6));
}

TEST_CASE("pixel spacing and its type follow the projection-radiograph rules") {
    const std::string cr = "1.2.840.10008.5.1.4.1.1.1", mr = "1.2.840.10008.5.1.4.1.1.4";
    keybot::SpacingAttributes a;
    a.sop_class_uid = cr;
    a.imager_pixel_spacing = {0.2, 0.1};
    keybot::PixelSpacing s = keybot::choose_spacing(a);
    CHECK(s.type == "detector");
    CHECK(s.row_mm == 0.2);
    CHECK(s.col_mm == 0.1);

    a.magnification = 1.25;
    s = keybot::choose_spacing(a);
    CHECK(s.type == "estimated");
    CHECK(s.row_mm == doctest::Approx(0.16));

    a.magnification = 0;
    a.pixel_spacing = {0.2, 0.1};  // the same as ImagerPixelSpacing: not calibrated
    CHECK(keybot::choose_spacing(a).type == "detector");
    a.pixel_spacing = {0.18, 0.09};  // differs: corrected or calibrated
    s = keybot::choose_spacing(a);
    CHECK(s.type == "calibrated");
    CHECK(s.row_mm == 0.18);

    keybot::SpacingAttributes only_ps;
    only_ps.sop_class_uid = cr;
    only_ps.pixel_spacing = {0.15, 0.15};
    CHECK(keybot::choose_spacing(only_ps).type == "unknown");
    only_ps.calibration_type = "GEOMETRY";
    CHECK(keybot::choose_spacing(only_ps).type == "calibrated");
    only_ps.sop_class_uid = mr;
    only_ps.calibration_type.clear();
    CHECK(keybot::choose_spacing(only_ps).type == "calibrated");

    keybot::SpacingAttributes none;
    none.sop_class_uid = cr;
    none.pixel_spacing = {-1, std::nan("")};  // garbage is ignored
    s = keybot::choose_spacing(none);
    CHECK(s.type == "none");
    CHECK_FALSE(s.known());
}

TEST_CASE("DICOM is recognised by its preamble or a raw data set's first element") {
    std::vector<std::uint8_t> file(140, 0);
    std::memcpy(file.data() + 128, "DICM", 4);
    CHECK(keybot::looks_like_dicom(file.data(), file.size()));
    const std::uint8_t raw[] = {0x08, 0x00, 0x05, 0x00, 'C', 'S', 0x0A, 0x00, 'I', 'S', 'O'};
    CHECK(keybot::looks_like_dicom(raw, sizeof raw));
    const std::uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0};
    CHECK_FALSE(keybot::looks_like_dicom(png, sizeof png));
    CHECK_FALSE(keybot::looks_like_dicom(file.data(), 100));
}
