#pragma once
// Review of one image: a reference annotation to compare the user's points with (a file, or the models' own
// prediction), and practice mode (guided manual placement, scored against the reference). Pure state and the
// schema-driven logic behind it; review_actions.* changes it, review_panel.cpp and canvas.cpp show it. The
// reference is never part of the document: undo, export and autosave act on the user's annotation only.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "keybot/core/compare.hpp"
#include "keybot/core/document.hpp"

namespace keybot::app {

struct ImageEntry;

// Distances above this (image px) are listed as over tolerance until the user picks another.
constexpr double kDefaultTolerancePx = 10.0;

enum class ReferenceSource { none, file, prediction };
const char* to_string(ReferenceSource source);  // "none", "file", "prediction" (also the JSON report's words)

struct Reference {
    ReferenceSource source = ReferenceSource::none;
    std::string format;         // what was read ("AASCE CSV", "KeyBot JSON", "COCO JSON"); "" for a prediction
    std::vector<Point> points;  // schema order, image px
    bool loaded() const { return source != ReferenceSource::none; }
    std::string describe() const;  // for the panel: "a reference file (AASCE CSV)" / "the models' prediction"
};

// Reads a reference in any import format (keybot::import_annotation detects it) for an image of `image`'s
// size. Throws keybot::Error naming the problem (garbage, wrong point count, made for another image size).
Reference reference_from_text(const std::string& text, const Schema& schema, const ImageInfo& image);
Reference reference_from_points(const std::vector<AnnotatedPoint>& points, ReferenceSource source);

// Per image (ImageEntry::review).
struct ReviewState {
    Reference reference;
    std::vector<AnnotatedPoint> prediction;  // the models' prediction without user hints; empty: none yet
    std::uint64_t prediction_ticket = 0;     // such a prediction being run for this image (0: none)
    bool reference_from_prediction_pending = false;  // make the prediction the reference once it lands
    bool check_pending = false;              // practice Check waits for that prediction
    bool practice = false;                   // practice mode: the models stay silent, unplaced points hidden
    bool checked = false;                    // practice: Check has revealed the reference and the score
};

// --- Practice: order and names from the schema table ----------------------------------------------------------
// Group by group (vertebra by vertebra, top down), each group's members in the table's order, then any landmark
// no group holds.
std::vector<int> placement_order(const Schema& schema);
// "T7 top-left": the group name and corner name of a grouped schema; the landmark name otherwise.
std::string point_label(const Schema& schema, int index);
// A landmark by its name ("T7_top_left") or its label ("T7 top-left"), case-insensitive; -1 when none.
int find_point_by_name(const Schema& schema, const std::string& name);
// Placed in practice = placed or confirmed by the user (a reviewed point).
bool is_placed(const AnnotatedPoint& point);
int placed_count(const std::vector<AnnotatedPoint>& points);
// The first unplaced point after `after` in placement order (wrapping; after = -1: from the start); -1 when
// every point is placed.
int next_to_place(const Schema& schema, const std::vector<AnnotatedPoint>& points, int after);

// --- Comparison ------------------------------------------------------------------------------------------------
struct ReviewReport {
    PairComparison comparison;  // the user's points (a) against the reference (b)
    double tolerance = kDefaultTolerancePx;
    std::vector<int> over;      // comparison.over_tolerance(tolerance): largest distance first
};
// Whether the figures may be shown: a reference, the user's points, and in practice only after Check.
bool comparison_visible(const ImageEntry& entry);
// The comparison of the entry's document with its reference; nullopt when not visible. Throws keybot::Error
// when the two cannot be compared (compare_annotations: point counts, undefined Cobb angles).
std::optional<ReviewReport> review_report(const ImageEntry& entry, double tolerance);

// Everything above as JSON (window.keybot.compareReport(), --script compare-report): reference {source,
// format, label, points [[x, y]...]}|null, tolerance, unit "px", practice {active, checked, placed, total, target, targetLabel, next,
// nextLabel, waiting}, and when
// visible comparison {mean, max, maxIndex, distances, within, overTolerance [{index, name, label, distance}],
// groupMean, cobb {user, reference, difference} | null}, or comparisonError when it could not be computed.
nlohmann::json review_json(const ImageEntry& entry, double tolerance);

}  // namespace keybot::app
