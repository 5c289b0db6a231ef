#pragma once
// The end vertebrae of the three Cobb curves, found with exactly the reference method of cobb.hpp (pairwise
// mid-line angles, argmax pairs, the same S-shape decision), so the annotator can draw which vertebrae each
// angle of cobb_angles() is measured between.
#include <vector>

#include "keybot/core/cobb.hpp"
#include "keybot/core/geometry.hpp"

namespace keybot {

struct CobbCurve {
    int top = 0;          // vertebra index (0 = first vertebra, e.g. T1), top <= bottom
    int bottom = 0;
    double angle = 0.0;   // degrees, equal to the matching cobb_angles() value
};

struct CobbEnds {
    CobbAngles angles;     // identical to cobb_angles(points, image_height)
    CobbCurve main, upper, lower;
};

// Same input rules as cobb_angles() (4 points per vertebra, at least 3 vertebrae; keybot::Error otherwise).
CobbEnds cobb_end_vertebrae(const std::vector<Point>& points, double image_height);

// The mid-line of vertebra v used by the method: from the left-side mid-point (tl+bl)/2 to the right-side
// mid-point (tr+br)/2.
void vertebra_midline(const std::vector<Point>& points, int vertebra, Point* left, Point* right);

}  // namespace keybot
