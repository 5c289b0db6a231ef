#pragma once
// Cobb angles by the AASCE 2019 challenge reference method (the organisers' MATLAB script), computed from the
// landmarks exactly as stored (original-image pixels, no repair) so that it reproduces angles.csv.
#include <array>
#include <vector>

#include "keybot/core/geometry.hpp"

namespace keybot {

// In angles.csv column order. The reference method's first output is the largest angle between any two
// vertebra mid-lines (the main curve), the second the upper curve, the third the lower curve. The dataset
// README labels the columns PT, MT, TL (kCobbColumnLabels); the values follow the method, so column 1 is
// always the largest.
struct CobbAngles {
    double main = 0.0;   // degrees
    double upper = 0.0;
    double lower = 0.0;
    bool s_shaped = false;  // the method's isS() decision, useful when debugging mismatches
    std::array<double, 3> columns() const { return {main, upper, lower}; }
};

inline constexpr const char* kCobbColumnLabels[3] = {"PT", "MT", "TL"};

// points: 4 per vertebra (top-left, top-right, bottom-left, bottom-right), top to bottom, at least 3 vertebrae.
// image_height: in the same pixel units (the method compares curve positions with it). Throws keybot::Error on a
// bad point count.
CobbAngles cobb_angles(const std::vector<Point>& points, double image_height);

}  // namespace keybot
