#include "calibration.hpp"

#include <cstdio>
#include <string>

#include "keybot/core/error.hpp"

namespace keybot::app {

PixelSpacing calibrated_spacing(Point a, Point b, double mm, const ImageInfo& image) {
    for (const Point& p : {a, b})
        if (!coordinate_in_range(p.x, image.width) || !coordinate_in_range(p.y, image.height))
            throw Error("the line's ends must be finite image coordinates on or near the image");
    char text[160];
    const double length = distance(a, b);
    if (!(length >= kMinCalibrationPx)) {
        std::snprintf(text, sizeof text, "the line is %.2f px long: its ends must be at least %g px apart", length, kMinCalibrationPx);
        throw Error(text);
    }
    if (!(mm > 0.0 && mm <= kMaxCalibrationMm)) {
        std::snprintf(text, sizeof text, "the length must be a number of mm above 0 and at most %g", kMaxCalibrationMm);
        throw Error(text);
    }
    const double per_px = mm / length;
    return {per_px, per_px, "user"};
}

}  // namespace keybot::app
