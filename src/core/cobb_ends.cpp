// Vertebra mid-lines for drawing the Cobb curves. The end vertebrae themselves come out of the reference
// method in cobb.cpp (cobb_end_vertebrae), so angles and end vertebrae can never disagree.
#include "keybot/core/cobb_ends.hpp"

#include <string>

#include "keybot/core/error.hpp"

namespace keybot {

void vertebra_midline(const std::vector<Point>& pts, int v, Point* left, Point* right) {
    if (v < 0 || 4 * std::size_t(v) + 3 >= pts.size()) throw Error("vertebra index " + std::to_string(v) + " out of range");
    *left = midpoint(pts[4 * v], pts[4 * v + 2]);
    *right = midpoint(pts[4 * v + 1], pts[4 * v + 3]);
}

}  // namespace keybot
