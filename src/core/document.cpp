#include "keybot/core/document.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "keybot/core/error.hpp"

namespace keybot {
namespace {

constexpr const char* kProvenanceNames[] = {"predicted", "flagged", "model_corrected", "user_placed", "user_confirmed"};

// A spacing the document JSON can save and load again: none (0 x 0), or both sides within (0, 1000) mm.
void check_spacing(const PixelSpacing& s, const std::string& what) {
    const bool none = s.row_mm == 0.0 && s.col_mm == 0.0;
    if (none || (s.known() && s.row_mm < 1000.0 && s.col_mm < 1000.0)) return;
    char text[120];
    std::snprintf(text, sizeof text, ": %g x %g mm is not a pixel spacing (0 for none, else within (0, 1000) mm)", s.row_mm, s.col_mm);
    throw Error(what + text);
}

}  // namespace

const char* to_string(Provenance p) { return kProvenanceNames[static_cast<int>(p)]; }

Provenance provenance_from_string(const std::string& text) {
    for (int i = 0; i < 5; ++i)
        if (text == kProvenanceNames[i]) return static_cast<Provenance>(i);
    throw Error("unknown provenance '" + excerpt(text) + "'");
}

bool coordinate_in_range(double pixels, int image_side) {
    if (!std::isfinite(pixels)) return false;
    if (image_side <= 0) return std::fabs(pixels) <= kMaxCoordinateWithoutSize;
    return pixels >= kMinNormalisedCoordinate * image_side && pixels <= kMaxNormalisedCoordinate * image_side;
}

Point keep_inside_image(Point position, const ImageInfo& image) {
    auto keep = [](double v, int side) {
        if (!std::isfinite(v)) return 0.0;
        return side > 0 ? std::clamp(v, 0.0, static_cast<double>(side - 1)) : v;
    };
    return {keep(position.x, image.width), keep(position.y, image.height)};
}

void check_coordinates(const std::vector<AnnotatedPoint>& points, const Schema& schema, const ImageInfo& image,
                       const std::string& what) {
    for (std::size_t i = 0; i < points.size(); ++i) {
        const AnnotatedPoint& p = points[i];
        const bool x_ok = coordinate_in_range(p.x, image.width);
        if (x_ok && coordinate_in_range(p.y, image.height)) continue;
        const int side = x_ok ? image.height : image.width;
        char value[40], range[120];
        std::snprintf(value, sizeof value, "%g", x_ok ? p.y : p.x);
        if (side > 0)
            std::snprintf(range, sizeof range, "outside [%g, %g] x the image %s (%d px)", kMinNormalisedCoordinate,
                          kMaxNormalisedCoordinate, x_ok ? "height" : "width", side);
        else
            std::snprintf(range, sizeof range, "not finite or beyond +-%g (the image size is unknown)", kMaxCoordinateWithoutSize);
        const std::string name = i < schema.landmarks.size() ? " (" + schema.landmarks[i] + ")" : "";
        throw Error(what + ": point " + std::to_string(i + 1) + name + " has " + (x_ok ? "y" : "x") + " = " + value + ", " + range);
    }
}

bool operator==(const AnnotatedPoint& a, const AnnotatedPoint& b) {
    return a.x == b.x && a.y == b.y && a.provenance == b.provenance && a.error_probability == b.error_probability;
}

bool operator==(const ImageInfo& a, const ImageInfo& b) {
    return a.file_name == b.file_name && a.width == b.width && a.height == b.height && a.spacing == b.spacing &&
           a.study_uid == b.study_uid && a.series_uid == b.series_uid && a.sop_instance_uid == b.sop_instance_uid;
}

bool operator==(const PixelSpacing& a, const PixelSpacing& b) {
    return a.row_mm == b.row_mm && a.col_mm == b.col_mm && a.type == b.type;
}

Document::Document(Schema schema, ImageInfo image)
    : schema_(std::move(schema)), image_(std::move(image)), points_(static_cast<std::size_t>(schema_.size())) {}

void Document::check_index(int index) const {
    if (index < 0 || index >= schema_.size())
        throw Error("point index " + std::to_string(index) + " out of range 0.." + std::to_string(schema_.size() - 1));
}

const AnnotatedPoint& Document::point(int index) const {
    check_index(index);
    return points_[index];
}

void Document::commit(State next) {
    undo_.push_back(State{std::move(points_), image_.spacing});
    if (undo_.size() > kMaxHistory) undo_.erase(undo_.begin());
    points_ = std::move(next.points);
    image_.spacing = std::move(next.spacing);
    redo_.clear();
}

void Document::set_point(int index, const AnnotatedPoint& point) {
    check_index(index);
    auto next = points_;
    next[index] = point;
    commit({std::move(next), image_.spacing});
}

void Document::move_point(int index, double x, double y, Provenance provenance) {
    check_index(index);
    AnnotatedPoint p = points_[index];
    p.x = x;
    p.y = y;
    p.provenance = provenance;
    set_point(index, p);
}

void Document::set_provenance(int index, Provenance provenance) {
    check_index(index);
    AnnotatedPoint p = points_[index];
    p.provenance = provenance;
    set_point(index, p);
}

void Document::set_points(std::vector<AnnotatedPoint> points) {
    if (static_cast<int>(points.size()) != schema_.size())
        throw Error("expected " + std::to_string(schema_.size()) + " points for schema '" + schema_.name + "', got " +
                    std::to_string(points.size()));
    commit({std::move(points), image_.spacing});
}

void Document::set_spacing(const PixelSpacing& spacing) {
    check_spacing(spacing, "pixel spacing");
    commit({points_, spacing});
}

bool Document::step(History& from, History& to) {
    if (from.empty()) return false;
    to.push_back(State{std::move(points_), image_.spacing});
    points_ = std::move(from.back().points);
    image_.spacing = std::move(from.back().spacing);
    from.pop_back();
    return true;
}

bool Document::undo() { return step(undo_, redo_); }
bool Document::redo() { return step(redo_, undo_); }

void Document::clear_history() {
    undo_.clear();
    redo_.clear();
}

void Document::restore_history(History undo, History redo) {
    for (const History* stack : {&undo, &redo}) {
        for (const auto& state : *stack) {
            if (static_cast<int>(state.points.size()) != schema_.size())
                throw Error("history state has " + std::to_string(state.points.size()) + " points, schema '" +
                            schema_.name + "' needs " + std::to_string(schema_.size()));
            check_coordinates(state.points, schema_, image_, "history");
            check_spacing(state.spacing, "history");
        }
    }
    if (undo.size() > kMaxHistory) undo.erase(undo.begin(), undo.end() - kMaxHistory);
    if (redo.size() > kMaxHistory) redo.erase(redo.begin(), redo.end() - kMaxHistory);
    undo_ = std::move(undo);
    redo_ = std::move(redo);
}

}  // namespace keybot
