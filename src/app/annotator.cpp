#include "annotator.hpp"

#include <algorithm>
#include <exception>

#include "app.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/formats.hpp"

namespace keybot::app {

namespace {

ImageEntry* editable(App& app, int index) {
    ImageEntry* e = app.state.active();
    if (!e || !e->has_points) return nullptr;
    if (index < 0 || index >= e->doc->schema().size()) {
        app.state.set_error("point index " + std::to_string(index) + " is out of range (0.." +
                            std::to_string(e->doc->schema().size() - 1) + ")");
        return nullptr;
    }
    return e;
}

// Every change of an image's annotation goes through here (AppState::touch: autosave, listeners, heatmap).
void changed(App& app, ImageEntry& e, bool points_moved = true) { app.state.touch(e, now_ms(), points_moved); }

void after_open(App& app, bool restored_from_caller) {
    ImageEntry* e = app.state.active();
    if (!e) return;
    changed(app, *e);
    app.autosaver.opened(app.state, *e, !restored_from_caller);  // the desktop reopening an image it saved
}

}  // namespace

bool open_image_bytes(App& app, const std::uint8_t* data, std::size_t size, const std::string& name,
                      const std::string& annotation_json) {
    const int before = app.state.image_count();
    if (!app.state.load_image(data, size, name, annotation_json)) return false;
    if (app.state.image_count() > before) after_open(app, !annotation_json.empty());
    return true;
}

bool open_image_file(App& app, const std::string& path) {
    const int before = app.state.image_count();
    if (!app.state.load_image_file(path)) return false;
    if (app.state.image_count() > before) after_open(app, false);
    return true;
}

std::uint64_t correct_point(App& app, int index, Point position, bool confirmed) {
    ImageEntry* e = editable(app, index);
    if (!e) return 0;
    std::vector<AnnotatedPoint> next = e->shown_points();
    position = keep_inside_image(position, e->doc->image());
    next[index] = AnnotatedPoint{position.x, position.y, confirmed ? Provenance::user_confirmed : Provenance::user_placed, 0.0};
    e->selected = index;
    if (!app.runs.prepare(app.state, *e)) {  // no models: the point moves, nothing else does
        app.runs.cancel(*e);
        e->doc->set_points(std::move(next));
        changed(app, *e);
        return app.runs.finished_at_once();
    }
    return app.runs.start(*e, JobKind::correct, index, std::move(next));
}

bool place_point(App& app, int index, Point position) {
    ImageEntry* e = app.state.active();
    if (!e) return false;
    if (index < 0 || index >= e->doc->schema().size()) {
        app.state.set_error("point index " + std::to_string(index) + " is out of range");
        return false;
    }
    app.runs.cancel(*e);
    position = keep_inside_image(position, e->doc->image());
    e->doc->set_point(index, AnnotatedPoint{position.x, position.y, Provenance::user_placed, 0.0});
    e->has_points = true;
    e->selected = index;
    changed(app, *e);
    return true;
}

std::uint64_t predict_reference(App& app) {
    ImageEntry* e = app.state.active();
    if (!e) return 0;
    if (!app.runs.prepare_or_explain(app.state, *e)) return 0;
    if (e->review.prediction_ticket) return e->review.prediction_ticket;  // one is on its way
    return app.runs.start(*e, JobKind::reference, -1, std::vector<AnnotatedPoint>(std::size_t(e->doc->schema().size())));
}

std::uint64_t nudge_selected(App& app, double dx, double dy) {
    ImageEntry* e = app.state.active();
    if (!e || e->selected < 0 || !e->has_points) return 0;
    const AnnotatedPoint& p = e->shown_points()[e->selected];
    return correct_point(app, e->selected, {p.x + dx, p.y + dy}, p.provenance == Provenance::user_confirmed);
}

bool confirm_point(App& app, int index) {
    ImageEntry* e = editable(app, index);
    if (!e) return false;
    e->selected = index;
    if (e->pending_ticket) {  // a run is in flight: confirm through it, as a hint at the shown position
        const AnnotatedPoint p = e->shown_points()[index];
        return correct_point(app, index, {p.x, p.y}, true) != 0;
    }
    if (e->doc->point(index).provenance == Provenance::user_confirmed) return true;
    e->doc->set_provenance(index, Provenance::user_confirmed);
    changed(app, *e, false);
    return true;
}

void set_spacing(App& app, const PixelSpacing& spacing) {
    ImageEntry* e = app.state.active();
    if (!e) throw Error("no image is open");
    e->doc->set_spacing(spacing);
    changed(app, *e, false);
}

std::uint64_t repredict(App& app) {
    ImageEntry* e = app.state.active();
    if (!e) return 0;
    if (!app.runs.prepare_or_explain(app.state, *e)) return 0;
    return app.runs.start(*e, JobKind::predict, -1, e->has_points ? e->shown_points() : e->doc->points());
}

bool undo(App& app) {
    ImageEntry* e = app.state.active();
    if (!e) return false;
    if (e->pending_ticket && e->has_points) {  // an edit still running: undo drops it (it never landed)
        app.runs.cancel(*e);
        changed(app, *e);
        return true;
    }
    if (!e->doc->undo()) return false;
    changed(app, *e);
    return true;
}

bool redo(App& app) {
    ImageEntry* e = app.state.active();
    if (!e || e->pending_ticket || !e->doc->redo()) return false;
    changed(app, *e);
    return true;
}

void select_point(App& app, int index) {
    if (ImageEntry* e = app.state.active()) e->selected = (index >= 0 && index < e->doc->schema().size()) ? index : -1;
}

// Selects the first shown point after the selected one (wrapping) that `wanted` accepts and centres the view on
// it (zooming in from a fitted view); -1 when none.
int select_next_where(App& app, bool (*wanted)(const AnnotatedPoint&)) {
    ImageEntry* e = app.state.active();
    if (!e || !e->has_points) return -1;
    const auto& pts = e->shown_points();
    const int n = int(pts.size());
    for (int k = 1; k <= n; ++k) {
        const int i = ((e->selected < 0 ? -1 : e->selected) + k + n) % n;
        if (!wanted(pts[i])) continue;
        e->selected = i;
        const double zoom = app.viewer.fitted() ? std::max(app.viewer.zoom() * 2.5, 0.5) : app.viewer.zoom();
        app.viewer.set_view(zoom, {pts[i].x, pts[i].y});
        return i;
    }
    return -1;
}

int next_flagged(App& app) {
    return select_next_where(app, [](const AnnotatedPoint& p) { return p.provenance == Provenance::flagged; });
}

int next_unreviewed(App& app) {
    return select_next_where(app, [](const AnnotatedPoint& p) { return !is_reviewed(p); });
}

void set_done(App& app, int image, bool done) {
    if (image < 0 || image >= app.state.image_count()) return;
    ImageEntry& e = app.state.entry(image);
    if (e.done == done) return;
    e.done = done;
    changed(app, e, false);
}

bool select_image(App& app, int image) {
    ImageEntry* before = app.state.active();
    if (before) {
        before->view = SavedView{true, app.viewer.fitted(), app.viewer.zoom(), app.viewer.center()};
    }
    return app.state.select(image);
}

bool settled(const App& app) {
    const ImageEntry* e = app.state.active();
    if (app.runs.busy() || (e && e->pending_ticket)) return false;
    if (!e) return true;
    switch (app.inference.state()) {
        case Inference::State::ready: return e->has_points;
        case Inference::State::loading: return false;
        case Inference::State::failed: return true;
#if defined(__EMSCRIPTEN__)
        case Inference::State::none: return false;  // the page fetches the models once an image is open
#else
        case Inference::State::none: return true;   // started without models
#endif
    }
    return true;
}

void poll(App& app) {
    if (app.runs.apply_finished(app.state)) request_redraw(app);
    ImageEntry* e = app.state.active();
    // Practice keeps the models silent: the user places every point.
    if (e && !e->has_points && !e->pending_ticket && !e->review.practice && app.inference.ready() && app.runs.prepare(app.state, *e))
        app.runs.start(*e, JobKind::predict, -1, e->doc->points());
    if (app.autosaver.tick(app.state)) request_redraw(app);
}

std::string export_annotation(const App& app, const std::string& format) {
    const ImageEntry* e = app.state.active();
    if (!e) throw Error("no image is open");
    if (!e->has_points) throw Error("\"" + e->name + "\" has no points yet (the prediction has not run)");
    if (format == "json") return to_json(*e->doc);
    if (format == "aasce") return aasce_landmarks_row(*e->doc);
    if (format == "aasce-filenames") return aasce_filenames_row(*e->doc);
    if (format == "coco") return to_coco_json(*e->doc);
    throw Error("unknown export format '" + format + "' (json, aasce, aasce-filenames, coco)");
}

bool import_annotation_text(App& app, const std::string& text) {
    ImageEntry* e = app.state.active();
    if (!e) {
        app.state.set_error("Open the image first, then import its annotation.");
        return false;
    }
    try {
        ImportedAnnotation in = import_annotation(text, e->doc->schema(), e->doc->image());
        app.runs.cancel(*e);
        e->doc->set_points(std::move(in.points));
        e->has_points = true;
        e->selected = -1;
        changed(app, *e);
        app.state.clear_error();
        app.state.set_notice(std::string("Imported ") + to_string(in.format) + " into " + e->name);
        return true;
    } catch (const std::exception& err) {
        app.state.set_error(std::string("Could not import the annotation: ") + err.what() + ". Nothing was changed.");
        return false;
    }
}

int restore_saved_session(App& app) {
    const SavedSession saved = app.autosaver.saved_session(app.state);
    int opened = 0;
    for (const std::string& path : saved.paths)
        if (open_image_file(app, path)) ++opened;
    if (opened) {
        select_image(app, std::clamp(saved.active, 0, app.state.image_count() - 1));
        app.state.set_notice("Restored " + std::to_string(opened) + " image(s) from the last session");
    }
    return opened;
}

}  // namespace keybot::app
