// End vertebrae of the Cobb curves: the reference method of cobb.cpp, keeping the vertebra indices it picks.
// The angles are recomputed here from the same formulas; cobb_end_vertebrae() then takes the angle values
// from cobb_angles() itself so the two can never disagree.
#include "keybot/core/cobb_ends.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "keybot/core/error.hpp"

namespace keybot {
namespace {


std::size_t argmax_row(const std::vector<std::vector<double>>& m, std::size_t r, std::size_t first, std::size_t last) {
    std::size_t best = first;  // first maximum, like MATLAB max()
    for (std::size_t j = first; j <= last; ++j)
        if (m[r][j] > m[r][best]) best = j;
    return best;
}

CobbCurve curve(std::size_t a, std::size_t b, double angle_deg) {
    return {int(std::min(a, b)), int(std::max(a, b)), angle_deg};
}

}  // namespace

void vertebra_midline(const std::vector<Point>& pts, int v, Point* left, Point* right) {
    if (v < 0 || 4 * std::size_t(v) + 3 >= pts.size()) throw Error("vertebra index " + std::to_string(v) + " out of range");
    *left = midpoint(pts[4 * v], pts[4 * v + 2]);
    *right = midpoint(pts[4 * v + 1], pts[4 * v + 3]);
}

CobbEnds cobb_end_vertebrae(const std::vector<Point>& pts, double image_height) {
    CobbEnds out;
    out.angles = cobb_angles(pts, image_height);  // validates the input
    const std::size_t nv = pts.size() / 4;
    std::vector<Point> axis(nv), bottom_mid(nv);
    for (std::size_t v = 0; v < nv; ++v) {
        const Point tl = pts[4 * v], tr = pts[4 * v + 1], bl = pts[4 * v + 2], br = pts[4 * v + 3];
        axis[v] = midpoint(tr, br) - midpoint(tl, bl);
        bottom_mid[v] = midpoint(bl, br);
    }
    std::vector<std::vector<double>> angle(nv, std::vector<double>(nv));
    for (std::size_t i = 0; i < nv; ++i)
        for (std::size_t j = 0; j < nv; ++j)
            angle[i][j] = std::acos(std::clamp(dot(axis[i], axis[j]) / (norm(axis[i]) * norm(axis[j])), -1.0, 1.0));
    std::vector<std::size_t> pos1(nv);
    std::size_t pos2 = 0;
    for (std::size_t i = 0; i < nv; ++i) {
        pos1[i] = argmax_row(angle, i, 0, nv - 1);
        if (angle[i][pos1[i]] > angle[pos2][pos1[pos2]]) pos2 = i;
    }
    const std::size_t partner = pos1[pos2];
    out.main = curve(pos2, partner, out.angles.main);
    if (!out.angles.s_shaped) {
        out.upper = curve(0, pos2, out.angles.upper);
        out.lower = curve(partner, nv - 1, out.angles.lower);
    } else if (bottom_mid[pos2].y + bottom_mid[partner].y < image_height) {
        out.upper = curve(pos2, argmax_row(angle, pos2, 0, pos2), out.angles.upper);
        out.lower = curve(partner, argmax_row(angle, partner, partner, nv - 1), out.angles.lower);
    } else {
        const std::size_t p = argmax_row(angle, pos2, 0, pos2);
        out.upper = curve(pos2, p, out.angles.upper);
        out.lower = curve(p, argmax_row(angle, p, 0, p), out.angles.lower);
    }
    return out;
}

}  // namespace keybot
