// Pixel spacing of a DICOM image and how it was obtained (dicom.hpp), after Cornerstone's rules for projection
// radiographs (DICOM PS3.3 10.7.1.3). Plain C++, no GDCM.
#include <cmath>
#include <set>

#include "keybot/core/dicom.hpp"

namespace keybot {

namespace {

// Storage classes of projection radiographs: CR, DX, MG, IO (presentation and processing), XA, RF.
bool is_projection(const std::string& sop_class) {
    static const std::set<std::string> kProjection = {
        "1.2.840.10008.5.1.4.1.1.1",     "1.2.840.10008.5.1.4.1.1.1.1", "1.2.840.10008.5.1.4.1.1.1.1.1",
        "1.2.840.10008.5.1.4.1.1.1.2",   "1.2.840.10008.5.1.4.1.1.1.2.1", "1.2.840.10008.5.1.4.1.1.1.3",
        "1.2.840.10008.5.1.4.1.1.1.3.1", "1.2.840.10008.5.1.4.1.1.12.1", "1.2.840.10008.5.1.4.1.1.12.2"};
    return kProjection.count(sop_class) > 0;
}

bool valid(const std::vector<double>& s) {
    return s.size() >= 2 && std::isfinite(s[0]) && std::isfinite(s[1]) && s[0] > 0 && s[1] > 0 && s[0] < 1e3 && s[1] < 1e3;
}

PixelSpacing make(const std::vector<double>& s, double divide_by, const char* type) {
    PixelSpacing p;
    p.row_mm = s[0] / divide_by;
    p.col_mm = s[1] / divide_by;
    p.type = type;
    return p;
}

}  // namespace

PixelSpacing choose_spacing(const SpacingAttributes& a) {
    const bool ps = valid(a.pixel_spacing), ips = valid(a.imager_pixel_spacing);
    const bool magnification = std::isfinite(a.magnification) && a.magnification > 0.0;
    auto projective = [&] {
        return magnification ? make(a.imager_pixel_spacing, a.magnification, "estimated")
                             : make(a.imager_pixel_spacing, 1.0, "detector");
    };
    if (!is_projection(a.sop_class_uid)) {
        if (ps) return make(a.pixel_spacing, 1.0, "calibrated");  // cross-sectional: in the patient
        if (ips) return projective();
        return {};
    }
    if (ps && !ips) return make(a.pixel_spacing, 1.0, a.calibration_type.empty() ? "unknown" : "calibrated");
    if (ps && ips) {
        const bool same = std::abs(a.pixel_spacing[0] - a.imager_pixel_spacing[0]) < 1e-6 &&
                          std::abs(a.pixel_spacing[1] - a.imager_pixel_spacing[1]) < 1e-6;
        if (a.calibration_type.empty() && (same || magnification)) return projective();
        return make(a.pixel_spacing, 1.0, "calibrated");  // corrected for magnification or calibrated
    }
    if (ips) return projective();
    return {};
}

}  // namespace keybot
