// Port of the AASCE reference Cobb script. Details verified against the 481 training rows of angles.csv:
//  * isS() loops over mid-points 1..num-2 of the MATLAB code (0..num-3 here); a division by zero gives NaN,
//    which makes the MATLAB comparison "~=" true, i.e. S-shaped;
//  * the cosine is not clipped at 0 (angles above 90 deg occur in angles.csv), only to [-1,1] for rounding;
//  * MATLAB indexes mid_p_v(pos*2) 1-based, i.e. the BOTTOM edge mid-point of vertebra pos (0-based 2*pos+1).
#include "keybot/core/cobb.hpp"
#include "keybot/core/cobb_ends.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "keybot/core/error.hpp"

namespace keybot {
namespace {

constexpr double kRadToDeg = 180.0 / 3.14159265358979323846;

bool is_s_shaped(const std::vector<Point>& mid) {
    const std::size_t num = mid.size();
    const Point last = mid[num - 1];
    std::vector<double> ll;
    for (std::size_t i = 0; i + 2 < num; ++i)
        ll.push_back((mid[i].y - last.y) / (mid[0].y - last.y) - (mid[i].x - last.x) / (mid[0].x - last.x));
    double sum = 0.0, sum_abs = 0.0;
    for (double a : ll)
        for (double b : ll) {
            sum += a * b;
            sum_abs += std::fabs(a * b);
        }
    return !(std::fabs(sum - sum_abs) < 1e-4);  // NaN counts as S, like MATLAB's ~=
}

// Index of the first maximum in [first, last] of row r (MATLAB max() returns the first one).
std::size_t argmax(const std::vector<std::vector<double>>& m, std::size_t r, std::size_t first, std::size_t last) {
    std::size_t best = first;
    for (std::size_t j = first; j <= last; ++j)
        if (m[r][j] > m[r][best]) best = j;
    return best;
}

}  // namespace

CobbEnds cobb_end_vertebrae(const std::vector<Point>& pts, double image_height) {
    if (pts.size() % 4 != 0 || pts.size() < 12)
        throw Error("Cobb angles need 4 points per vertebra and at least 3 vertebrae, got " + std::to_string(pts.size()) + " points");
    for (std::size_t i = 0; i < pts.size(); ++i)
        if (!std::isfinite(pts[i].x) || !std::isfinite(pts[i].y))
            throw Error("Cobb angles: point " + std::to_string(i + 1) + " is not finite");
    const std::size_t nv = pts.size() / 4;
    std::vector<Point> edge_mid;  // top and bottom edge mid-points, 2 per vertebra
    std::vector<Point> axis;      // left-side mid-point to right-side mid-point, 1 per vertebra
    for (std::size_t v = 0; v < nv; ++v) {
        const Point tl = pts[4 * v], tr = pts[4 * v + 1], bl = pts[4 * v + 2], br = pts[4 * v + 3];
        edge_mid.push_back(midpoint(tl, tr));
        edge_mid.push_back(midpoint(bl, br));
        axis.push_back(midpoint(tr, br) - midpoint(tl, bl));
        // A zero-length mid-line has no direction: the angles would be NaN (or, after clamping, plausible-looking
        // garbage), so refuse rather than report a number.
        if (!(norm(axis.back()) > 0))
            throw Error("Cobb angles undefined: vertebra " + std::to_string(v + 1) +
                        " has its left and right side mid-points at the same place");
    }
    std::vector<std::vector<double>> angle(nv, std::vector<double>(nv));
    for (std::size_t i = 0; i < nv; ++i)
        for (std::size_t j = 0; j < nv; ++j)
            angle[i][j] = std::acos(std::clamp(dot(axis[i], axis[j]) / (norm(axis[i]) * norm(axis[j])), -1.0, 1.0));

    std::vector<std::size_t> pos1(nv);
    std::size_t pos2 = 0;
    for (std::size_t i = 0; i < nv; ++i) {
        pos1[i] = argmax(angle, i, 0, nv - 1);
        if (angle[i][pos1[i]] > angle[pos2][pos1[pos2]]) pos2 = i;
    }
    const std::size_t partner = pos1[pos2];

    // Each curve is the angle between two vertebrae's mid-lines; keep the pair so the annotator can draw it.
    CobbEnds out;
    auto curve = [&](std::size_t a, std::size_t b, double CobbAngles::*field) {
        out.angles.*field = angle[a][b] * kRadToDeg;
        return CobbCurve{int(std::min(a, b)), int(std::max(a, b)), out.angles.*field};
    };
    out.main = curve(pos2, partner, &CobbAngles::main);
    out.angles.s_shaped = is_s_shaped(edge_mid);
    if (!out.angles.s_shaped) {
        out.upper = curve(0, pos2, &CobbAngles::upper);
        out.lower = curve(partner, nv - 1, &CobbAngles::lower);
    } else if (edge_mid[2 * pos2 + 1].y + edge_mid[2 * partner + 1].y < image_height) {
        // Main curve in the upper half: the remaining curves lie above pos2 and below its partner.
        out.upper = curve(pos2, argmax(angle, pos2, 0, pos2), &CobbAngles::upper);
        out.lower = curve(partner, argmax(angle, partner, partner, nv - 1), &CobbAngles::lower);
    } else {
        // Main curve in the lower half: both remaining curves are searched above it.
        const std::size_t p = argmax(angle, pos2, 0, pos2);
        out.upper = curve(pos2, p, &CobbAngles::upper);
        out.lower = curve(p, argmax(angle, p, 0, p), &CobbAngles::lower);
    }
    return out;
}

CobbAngles cobb_angles(const std::vector<Point>& pts, double image_height) {
    return cobb_end_vertebrae(pts, image_height).angles;
}

}  // namespace keybot
