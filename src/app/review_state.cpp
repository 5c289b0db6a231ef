#include "review_state.hpp"

#include <algorithm>
#include <cctype>
#include <exception>

#include "app_state.hpp"
#include "keybot/core/formats.hpp"

namespace keybot::app {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::vector<Point> positions(const std::vector<AnnotatedPoint>& points) {
    std::vector<Point> out;
    out.reserve(points.size());
    for (const AnnotatedPoint& p : points) out.push_back({p.x, p.y});
    return out;
}

}  // namespace

const char* to_string(ReferenceSource source) {
    switch (source) {
        case ReferenceSource::none: return "none";
        case ReferenceSource::file: return "file";
        case ReferenceSource::prediction: return "prediction";
    }
    return "none";
}

std::string Reference::describe() const {
    switch (source) {
        case ReferenceSource::none: return "no reference";
        case ReferenceSource::file: return "the loaded reference (" + format + ")";
        case ReferenceSource::prediction: return "the models' prediction";
    }
    return "no reference";
}

Reference reference_from_text(const std::string& text, const Schema& schema, const ImageInfo& image) {
    const ImportedAnnotation in = import_annotation(text, schema, image);
    Reference r = reference_from_points(in.points, ReferenceSource::file);
    r.format = to_string(in.format);
    return r;
}

Reference reference_from_points(const std::vector<AnnotatedPoint>& points, ReferenceSource source) {
    Reference r;
    r.source = source;
    r.points = positions(points);
    return r;
}

std::vector<int> placement_order(const Schema& schema) {
    std::vector<int> order;
    std::vector<bool> taken(std::size_t(schema.size()), false);
    for (const auto& group : schema.groups)
        for (int i : group)
            if (i >= 0 && i < schema.size() && !taken[std::size_t(i)]) order.push_back(i), taken[std::size_t(i)] = true;
    for (int i = 0; i < schema.size(); ++i)
        if (!taken[std::size_t(i)]) order.push_back(i);
    return order;
}

std::string point_label(const Schema& schema, int index) {
    if (index < 0 || index >= schema.size()) return {};
    for (std::size_t g = 0; g < schema.groups.size() && g < schema.group_names.size(); ++g) {
        const auto& group = schema.groups[g];
        const auto at = std::find(group.begin(), group.end(), index);
        if (at == group.end()) continue;
        const std::size_t corner = std::size_t(at - group.begin());
        if (corner >= schema.corner_names.size()) break;
        std::string name = schema.corner_names[corner];
        std::replace(name.begin(), name.end(), '_', '-');
        return schema.group_names[g] + " " + name;
    }
    return schema.landmarks[std::size_t(index)];
}

int find_point_by_name(const Schema& schema, const std::string& name) {
    const std::string wanted = lower(name);
    for (int i = 0; i < schema.size(); ++i)
        if (lower(schema.landmarks[std::size_t(i)]) == wanted || lower(point_label(schema, i)) == wanted) return i;
    return -1;
}

bool is_placed(const AnnotatedPoint& point) { return is_reviewed(point); }

int placed_count(const std::vector<AnnotatedPoint>& points) {
    return int(std::count_if(points.begin(), points.end(), is_placed));
}

int next_to_place(const Schema& schema, const std::vector<AnnotatedPoint>& points, int after) {
    const std::vector<int> order = placement_order(schema);
    const int n = int(order.size());
    if (n == 0 || points.size() != order.size()) return -1;
    const auto at = std::find(order.begin(), order.end(), after);
    const int start = at == order.end() ? -1 : int(at - order.begin());
    for (int k = 1; k <= n; ++k) {
        const int i = order[std::size_t((start + k + n) % n)];
        if (!is_placed(points[std::size_t(i)])) return i;
    }
    return -1;
}

bool comparison_visible(const ImageEntry& e) {
    const ReviewState& r = e.review;
    return r.reference.loaded() && e.has_points && (!r.practice || r.checked);
}

std::optional<ReviewReport> review_report(const ImageEntry& e, double tolerance) {
    if (!comparison_visible(e)) return std::nullopt;
    ReviewReport out;
    out.comparison = compare_annotations(positions(e.doc->points()), e.review.reference.points, e.doc->schema(), e.height);
    out.tolerance = tolerance;
    out.over = out.comparison.over_tolerance(tolerance);
    return out;
}

nlohmann::json review_json(const ImageEntry& e, double tolerance) {
    using json = nlohmann::json;
    const ReviewState& r = e.review;
    const Schema& schema = e.doc->schema();
    const auto& pts = e.doc->points();
    json out;
    out["reference"] = nullptr;
    if (r.reference.loaded()) {
        json points = json::array();
        for (const Point& p : r.reference.points) points.push_back({p.x, p.y});
        out["reference"] = {{"source", to_string(r.reference.source)}, {"format", r.reference.format},
                            {"label", r.reference.describe()}, {"points", points}};
    }
    out["tolerance"] = tolerance;
    out["unit"] = "px";  // the comparison is in image px (the tolerance too), whatever the spacing
    const int next = r.practice ? next_to_place(schema, pts, -1) : -1;
    out["practice"] = {{"active", r.practice}, {"checked", r.checked}, {"placed", e.has_points ? placed_count(pts) : 0},
                       {"total", schema.size()}, {"target", e.selected}, {"targetLabel", point_label(schema, e.selected)},
                       {"next", next}, {"nextLabel", point_label(schema, next)}, {"waiting", r.check_pending}};
    out["comparison"] = nullptr;
    try {
        const std::optional<ReviewReport> report = review_report(e, tolerance);
        if (!report) return out;
        const PairComparison& c = report->comparison;
        json over = json::array();
        for (int i : report->over)
            over.push_back({{"index", i}, {"name", schema.landmarks[std::size_t(i)]}, {"label", point_label(schema, i)},
                            {"distance", c.distances[std::size_t(i)]}});
        json cobb = nullptr;
        if (c.has_cobb) cobb = {{"user", c.cobb_a}, {"reference", c.cobb_b}, {"difference", c.cobb_diff}};
        out["comparison"] = {{"mean", c.mean}, {"max", c.max}, {"maxIndex", c.max_index}, {"distances", c.distances},
                             {"within", int(c.distances.size() - report->over.size())}, {"overTolerance", over},
                             {"groupMean", c.group_mean}, {"cobb", cobb}};
    } catch (const std::exception& err) {
        out["comparisonError"] = err.what();
    }
    return out;
}

}  // namespace keybot::app
