#pragma once
// Calibration by a line of known length: the user draws a line over something whose real length is known (a
// ruler, a marker of known size) and gives that length; the image then has an isotropic "user" pixel spacing
// and the side panel shows mm. Windowless: the `calibrate` command and the unit tests use it.
#include "keybot/core/document.hpp"
#include "keybot/core/geometry.hpp"

namespace keybot::app {

constexpr double kMinCalibrationPx = 2.0;     // a shorter line cannot be measured on the image
// Longer than any radiograph's field. With kMinCalibrationPx it keeps the spacing below the 1000 mm per px that
// the document readers accept, so a calibrated annotation always loads again.
constexpr double kMaxCalibrationMm = 1000.0;

// The spacing that makes the line a-b (image px) `mm` long: mm / length for rows and columns alike, type "user".
// Throws keybot::Error with the reason (nothing is changed): an end not finite or far off the image (the bounds
// points may have, document.hpp), ends closer than kMinCalibrationPx, mm not within (0, kMaxCalibrationMm].
PixelSpacing calibrated_spacing(Point a, Point b, double mm, const ImageInfo& image);

}  // namespace keybot::app
