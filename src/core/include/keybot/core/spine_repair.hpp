#pragma once
// Repairs the storage defects of vertebra-corner landmarks (vertebrae out of order, corners swapped inside a
// vertebra) and flags rows whose geometry cannot be repaired. Works on any 4-corner-per-vertebra layout.
#include <string>
#include <vector>

#include "keybot/core/geometry.hpp"

namespace keybot {

enum class RepairProblem {
    spread_vertebra,      // a vertebra's corners lie far apart (corner from another vertebra / wrong place)
    degenerate_vertebra,  // near-coincident corners or near-zero area
    repeated_vertebra,    // the same vertebra annotated twice: two consecutive centres almost coincide
    absurd_geometry,      // top and bottom edges far from parallel (e.g. three corners on one side)
};
const char* to_string(RepairProblem problem);

struct RepairIssue {
    RepairProblem problem;
    int vertebra;        // index after sorting top to bottom
    std::string reason;  // human-readable, with the measured values
};

struct SpineRepair {
    std::vector<Point> points;  // repaired: vertebrae top to bottom, corners tl, tr, bl, br
    bool reordered = false;     // vertebrae were not stored top to bottom
    int corner_fixes = 0;       // vertebrae whose corner order was changed
    std::vector<RepairIssue> issues;  // empty when the repaired row is usable
    bool ok() const { return issues.empty(); }
    std::string summary() const;  // "ok" or the issues joined by "; "
};

// points: 4 per vertebra in pixels (a multiple of 4, at least 3 vertebrae; keybot::Error otherwise).
// Vertebrae are sorted by mean y. Corners are put in cyclic order around their centre and rotated so that the
// top-edge -> bottom-edge direction best follows the local spine direction (from neighbouring centres); a plain
// "top two by y" rule would mislabel vertebrae tilted by more than ~30 degrees, which occur in this data.
SpineRepair repair_spine(const std::vector<Point>& points);

}  // namespace keybot
