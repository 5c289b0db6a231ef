#pragma once
// The physical size of a pixel and how it was obtained (DICOM's spacing attributes, or a user calibration).
#include <cmath>
#include <string>

namespace keybot {

// How the mm of a pixel were obtained; shown beside every mm figure.
//   detector   ImagerPixelSpacing: at the detector plane, not corrected for the X-ray's magnification
//   estimated  ImagerPixelSpacing / EstimatedRadiographicMagnificationFactor
//   calibrated PixelSpacing that differs from ImagerPixelSpacing or names a calibration type, or the
//              PixelSpacing of a cross-sectional modality (in the patient)
//   unknown    PixelSpacing alone on a projection radiograph: calibrated or not cannot be told
//   user       a length the user drew and measured (set by the app, never read from a file)
//   none       no spacing: figures stay in pixels
struct PixelSpacing {
    double row_mm = 0.0;  // between rows (vertical)
    double col_mm = 0.0;  // between columns (horizontal)
    std::string type = "none";
    bool known() const { return row_mm > 0.0 && col_mm > 0.0; }
};
bool operator==(const PixelSpacing& a, const PixelSpacing& b);

// Length in mm of the step (dx, dy) in image px (columns, rows); only meaningful when spacing.known().
inline double length_mm(const PixelSpacing& s, double dx, double dy) {
    const double x = dx * s.col_mm, y = dy * s.row_mm;
    return std::sqrt(x * x + y * y);
}

}  // namespace keybot
