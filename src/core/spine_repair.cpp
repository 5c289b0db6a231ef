#include "keybot/core/spine_repair.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "keybot/core/error.hpp"

namespace keybot {
namespace {

using Quad = std::array<Point, 4>;  // tl, tr, bl, br

// Thresholds relative to the row's median vertebra, chosen on the AASCE training rows where the defective rows
// are separated from the rest by a wide margin (see the report in the AASCE tests).
constexpr double kMaxSpreadToWidth = 4.0;       // largest corner distance / median vertebra width
constexpr double kMinCornerGapToWidth = 0.05;   // smallest corner distance / median width
constexpr double kMinAreaToMedian = 0.10;       // quad area / median quad area
constexpr double kMinSpacingToMedian = 0.20;    // centre distance to the next vertebra / median spacing
constexpr double kMaxEdgeAngleDeg = 45.0;       // angle between top and bottom edge

Point centre(const Quad& q) { return (q[0] + q[1] + q[2] + q[3]) * 0.25; }
double width(const Quad& q) { return 0.5 * (distance(q[0], q[1]) + distance(q[2], q[3])); }
double area(const Quad& q) {  // polygon tl, tr, br, bl (shoelace); may be signed
    const Point ring[4] = {q[0], q[1], q[3], q[2]};
    double a = 0.0;
    for (int i = 0; i < 4; ++i) a += cross(ring[i], ring[(i + 1) % 4]);
    return 0.5 * a;
}
double angle_deg(Point a, Point b) {
    const double c = dot(a, b) / (norm(a) * norm(b));
    return std::acos(std::clamp(std::isfinite(c) ? c : 1.0, -1.0, 1.0)) * 180.0 / 3.14159265358979323846;
}
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

template <typename... Args>
std::string format(const char* fmt, Args... args) {
    char buf[160];
    std::snprintf(buf, sizeof buf, fmt, args...);
    return buf;
}

// Corner order following `down` (unit vector along the spine at this vertebra).
Quad order_corners(const Quad& stored, Point down) {
    const Point c = centre(stored);
    std::array<Point, 4> ring = stored;  // clockwise on screen (y down): tl, tr, br, bl for some rotation
    std::sort(ring.begin(), ring.end(), [&](Point a, Point b) {
        return std::atan2(a.y - c.y, a.x - c.x) < std::atan2(b.y - c.y, b.x - c.x);
    });
    Quad best = stored;
    double best_score = -1e300;
    for (int k = 0; k < 4; ++k) {
        const Quad q = {ring[k], ring[(k + 1) % 4], ring[(k + 3) % 4], ring[(k + 2) % 4]};
        // Cosine, not dot product: with the raw length a flat vertebra would prefer its long side as "height".
        const Point axis = midpoint(q[2], q[3]) - midpoint(q[0], q[1]);
        const double score = norm(axis) > 0.0 ? dot(axis, down) / norm(axis) : -1.0;
        if (score > best_score + 1e-9 || (std::fabs(score - best_score) <= 1e-9 && q == stored)) {
            best_score = score;
            best = q;
        }
    }
    return best;
}

void check_quads(const std::vector<Quad>& quads, std::vector<RepairIssue>& issues) {
    std::vector<double> widths, areas, spacing;
    for (std::size_t v = 0; v < quads.size(); ++v) {
        widths.push_back(width(quads[v]));
        areas.push_back(std::fabs(area(quads[v])));
        if (v + 1 < quads.size()) spacing.push_back(distance(centre(quads[v]), centre(quads[v + 1])));
    }
    const double w = median(widths), a = median(areas), s = median(spacing);
    for (std::size_t v = 0; v < quads.size(); ++v) {
        const Quad& q = quads[v];
        const int iv = static_cast<int>(v);
        double far = 0.0, near = 1e300;
        for (int i = 0; i < 4; ++i)
            for (int j = i + 1; j < 4; ++j) {
                far = std::max(far, distance(q[i], q[j]));
                near = std::min(near, distance(q[i], q[j]));
            }
        if (far > kMaxSpreadToWidth * w)
            issues.push_back({RepairProblem::spread_vertebra, iv, format("corners spread over %.0f px (median vertebra width %.0f px)", far, w)});
        if (near < kMinCornerGapToWidth * w || near == 0.0)  // == 0: also when the median itself is 0 (all-zero row)
            issues.push_back({RepairProblem::degenerate_vertebra, iv, format("two corners %.1f px apart (median width %.0f px)", near, w)});
        else if (std::fabs(area(q)) < kMinAreaToMedian * a)
            issues.push_back({RepairProblem::degenerate_vertebra, iv, format("area %.0f px^2, median %.0f px^2", std::fabs(area(q)), a)});
        const double edges = angle_deg(q[1] - q[0], q[3] - q[2]);
        if (edges > kMaxEdgeAngleDeg)
            issues.push_back({RepairProblem::absurd_geometry, iv, format("top and bottom edges %.0f deg from parallel", edges)});
        if (v + 1 < quads.size()) {
            const double gap = distance(centre(q), centre(quads[v + 1]));
            if (gap < kMinSpacingToMedian * s)
                issues.push_back({RepairProblem::repeated_vertebra, iv + 1,
                                  format("centre %.1f px from the previous vertebra (median spacing %.0f px)", gap, s)});
        }
    }
}

}  // namespace

const char* to_string(RepairProblem problem) {
    switch (problem) {
        case RepairProblem::spread_vertebra: return "spread_vertebra";
        case RepairProblem::degenerate_vertebra: return "degenerate_vertebra";
        case RepairProblem::repeated_vertebra: return "repeated_vertebra";
        case RepairProblem::absurd_geometry: return "absurd_geometry";
    }
    return "unknown";
}

std::string SpineRepair::summary() const {
    if (issues.empty()) return "ok";
    std::string s;
    for (const auto& i : issues) {
        if (!s.empty()) s += "; ";
        s += std::string(to_string(i.problem)) + " at vertebra " + std::to_string(i.vertebra + 1) + ": " + i.reason;
    }
    return s;
}

SpineRepair repair_spine(const std::vector<Point>& points) {
    if (points.size() % 4 != 0 || points.size() < 12)
        throw Error("spine repair needs 4 points per vertebra and at least 3 vertebrae, got " + std::to_string(points.size()));
    const std::size_t nv = points.size() / 4;
    std::vector<Quad> quads(nv);
    for (std::size_t v = 0; v < nv; ++v) quads[v] = {points[4 * v], points[4 * v + 1], points[4 * v + 2], points[4 * v + 3]};

    SpineRepair out;
    std::vector<Quad> sorted = quads;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Quad& a, const Quad& b) { return centre(a).y < centre(b).y; });
    for (std::size_t v = 0; v < nv; ++v) out.reordered |= sorted[v] != quads[v];

    for (std::size_t v = 0; v < nv; ++v) {
        const Point prev = centre(sorted[v == 0 ? 0 : v - 1]), next = centre(sorted[std::min(v + 1, nv - 1)]);
        Point down = next - prev;
        down = norm(down) > 0.0 ? down * (1.0 / norm(down)) : Point{0.0, 1.0};
        const Quad fixed = order_corners(sorted[v], down);
        out.corner_fixes += fixed != sorted[v];
        sorted[v] = fixed;
    }
    check_quads(sorted, out.issues);
    for (const Quad& q : sorted) out.points.insert(out.points.end(), q.begin(), q.end());
    return out;
}

}  // namespace keybot
