#include "annotator.hpp"

#include <algorithm>
#include <cstdlib>
#include <exception>

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "autosave_store.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"
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

void set_heatmap(ImageEntry& e, std::vector<float> values, int cols, int rows) {
    if (values.empty() && e.heatmap.empty()) return;
    const bool fits = cols > 0 && rows > 0 && values.size() == std::size_t(cols) * rows;
    e.heatmap = fits ? std::move(values) : std::vector<float>{};
    e.heatmap_cols = fits ? cols : 0;
    e.heatmap_rows = fits ? rows : 0;
    ++e.heatmap_generation;
}

// Every change of the points goes through here; the heatmap belonged to the points before it, so it goes
// (apply() sets the new run's heatmap after this).
void changed(App& app, ImageEntry& e, bool points_moved = true) {
    app.state.touch(e);
    e.changed_ms = now_ms();
    if (points_moved) set_heatmap(e, {}, 0, 0);
}

// Ends the runs of entry `e` (their results will be dropped) and marks their tickets finished.
void cancel_pending(App& app, ImageEntry& e) {
    if (!e.pending_ticket) return;
    app.finished_ticket = std::max(app.finished_ticket, e.pending_ticket);
    e.pending_ticket = 0;
    e.preview.clear();
}

bool ensure_prepared(App& app, ImageEntry& e) {
    if (e.prepared) return true;
    if (!app.inference.ready() || !e.loaded) return false;
    try {
        // DICOM: the models always see the file's default VOI (preset 0), whatever preset is shown.
        const bool other_preset = e.loaded->dicom && e.display.voi_preset != 0;
        e.prepared = app.inference.prepare(other_preset ? model_image(*e.loaded->dicom) : e.loaded->image);
        return true;
    } catch (const std::exception& err) {
        app.state.set_error("Cannot prepare \"" + e.name + "\" for the models: " + err.what());
        return false;
    }
}

// ensure_prepared(), or the reason recorded as the app's error.
bool models_can_run(App& app, ImageEntry& e) {
    if (ensure_prepared(app, e)) return true;
    app.state.set_error(app.inference.ready() ? "Cannot run the models on this image."
                                              : "No models are loaded: " + app.inference.message());
    return false;
}

std::uint64_t start_job(App& app, ImageEntry& e, JobKind kind, int index, std::vector<AnnotatedPoint> input) {
    auto job = std::make_shared<RevisionJob>();
    job->ticket = app.next_ticket++;
    job->entry_id = e.id;
    job->kind = kind;
    job->index = index;
    job->input = std::move(input);
    job->started_ms = now_ms();
    if (kind == JobKind::reference) e.review.prediction_ticket = job->ticket;  // the document's runs go on
    else e.pending_ticket = job->ticket;
    if (kind == JobKind::correct) e.preview = job->input;
    app.inference.start(job, e.prepared);
    return job->ticket;
}

bool has_user_points(const std::vector<AnnotatedPoint>& points) {
    return std::any_of(points.begin(), points.end(), is_reviewed);
}

// The models' own prediction, kept for review: it lands beside the document, never in it.
void apply_reference(App& app, RevisionJob& job) {
    ImageEntry* e = app.state.find(job.entry_id);
    if (!e || e->review.prediction_ticket != job.ticket) return;
    ReviewState& r = e->review;
    r.prediction_ticket = 0;
    if (job.error.empty()) {
        r.prediction = std::move(job.output);
        if (r.reference_from_prediction_pending) r.reference = reference_from_points(r.prediction, ReferenceSource::prediction);
        if (r.check_pending && r.reference.loaded()) r.checked = true;
    } else {
        app.state.set_error("The models could not predict the reference: " + job.error);
    }
    r.reference_from_prediction_pending = r.check_pending = false;
    request_redraw(app);
}

void apply(App& app, RevisionJob& job) {
    app.finished_ticket = std::max(app.finished_ticket, job.ticket);
    if (job.kind == JobKind::reference) return apply_reference(app, job);
    ImageEntry* e = app.state.find(job.entry_id);
    if (!e || e->pending_ticket != job.ticket) return;  // image closed, or superseded by a newer edit / undo
    e->pending_ticket = 0;
    e->preview.clear();
    const bool first = !e->has_points;
    if (!job.error.empty()) {
        if (job.kind == JobKind::correct) e->doc->set_points(job.input);  // keep the user's edit
        app.state.set_error(std::string(job.kind == JobKind::correct ? "The point was moved, but the models could not "
                                                                       "update the others: "
                                                                     : "Prediction failed: ") + job.error);
        if (job.kind == JobKind::correct) changed(app, *e);
        return;
    }
    // A prediction without hints is also the models' own view of the image (review's reference).
    if (job.kind == JobKind::predict && !has_user_points(job.input)) e->review.prediction = job.output;
    e->doc->set_points(job.output);  // the whole revision = one undo step
    if (first) e->doc->clear_history();  // nothing before the first prediction to go back to
    e->has_points = true;
    const double ms = job.finished_ms - job.started_ms;
    if (job.kind == JobKind::correct) app.last_latency_ms = ms;
    else app.last_predict_ms = ms;
    changed(app, *e);
    set_heatmap(*e, std::move(job.heatmap), job.heatmap_cols, job.heatmap_rows);
}


// A store that failed is reported once and switched off: the work stays in memory, the user knows it is not saved.
void autosave_failed(App& app, const std::exception& err) {
    app.state.set_error(std::string("Autosave failed (work continues unsaved): ") + err.what());
    app.autosave_enabled = false;
}

void save_session_list(App& app) {
    nlohmann::json list = nlohmann::json::array();
    for (int i = 0; i < app.state.image_count(); ++i) {
        const ImageEntry& e = app.state.entry(i);
        list.push_back({{"key", e.key}, {"name", e.name}, {"path", e.source_path}});
    }
    try {
        app.autosave->save_session({{"images", list}, {"active", app.state.active_index()}});
    } catch (const std::exception& err) {
        autosave_failed(app, err);
    }
}

void save_entry(App& app, ImageEntry& e) {
    e.saved_changes = e.changes;
    try {
        app.autosave->save_image(e, autosave_json(e));
    } catch (const std::exception& err) {
        autosave_failed(app, err);
    }
}

// An image with changes not yet saved (a run in flight saves when it lands).
bool entry_unsaved(const ImageEntry& e) { return e.saved_changes != e.changes && !e.pending_ticket; }
// The session list changed since it was saved (an empty session that was never saved needs nothing).
bool session_unsaved(const App& app) {
    return app.saved_session_changes != app.state.changes() &&
           !(app.state.image_count() == 0 && app.saved_session_changes == ~0u);
}

void autosave_tick(App& app, bool force) {
    if (!app.autosave || !app.autosave_enabled) return;
    const double now = now_ms();
    bool any = false;
    for (int i = 0; i < app.state.image_count() && app.autosave_enabled; ++i) {
        ImageEntry& e = app.state.entry(i);
        if (!entry_unsaved(e)) continue;
        if (!force && now - e.changed_ms < kAutosaveDelayMs) continue;
        save_entry(app, e);
        any = true;
    }
    if (!app.autosave_enabled) return;
    if (any || session_unsaved(app)) {
        app.saved_session_changes = app.state.changes();
        save_session_list(app);
    }
}

void after_open(App& app, bool restored_from_caller) {
    ImageEntry* e = app.state.active();
    if (!e) return;
    changed(app, *e);
    if (!restored_from_caller && !e->has_points && app.autosave) {  // the desktop reopening an image it saved
        try {
            if (const std::string saved = app.autosave->load_image(*e); !saved.empty()) {
                restore_autosave(*e, saved);
                app.state.set_notice("Restored the autosaved annotation of " + e->name);
            }
        } catch (const std::exception& err) {
            app.state.set_error("The autosave of \"" + e->name + "\" could not be restored (" + err.what() + ")");
        }
    }
    e->saved_changes = e->has_points ? e->changes : ~0u;
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
    if (!ensure_prepared(app, *e)) {  // no models: the point moves, nothing else does
        cancel_pending(app, *e);
        e->doc->set_points(std::move(next));
        changed(app, *e);
        const std::uint64_t ticket = app.next_ticket++;
        app.finished_ticket = ticket;
        return ticket;
    }
    return start_job(app, *e, JobKind::correct, index, std::move(next));
}

bool place_point(App& app, int index, Point position) {
    ImageEntry* e = app.state.active();
    if (!e) return false;
    if (index < 0 || index >= e->doc->schema().size()) {
        app.state.set_error("point index " + std::to_string(index) + " is out of range");
        return false;
    }
    cancel_pending(app, *e);
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
    if (!models_can_run(app, *e)) return 0;
    if (e->review.prediction_ticket) return e->review.prediction_ticket;  // one is on its way
    return start_job(app, *e, JobKind::reference, -1, std::vector<AnnotatedPoint>(std::size_t(e->doc->schema().size())));
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
    if (!models_can_run(app, *e)) return 0;
    return start_job(app, *e, JobKind::predict, -1, e->has_points ? e->shown_points() : e->doc->points());
}

bool undo(App& app) {
    ImageEntry* e = app.state.active();
    if (!e) return false;
    if (e->pending_ticket && e->has_points) {  // an edit still running: undo drops it (it never landed)
        cancel_pending(app, *e);
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

bool busy(const App& app) { return app.inference.in_flight() > 0; }

bool settled(const App& app) {
    const ImageEntry* e = app.state.active();
    if (busy(app) || (e && e->pending_ticket)) return false;
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
    for (auto& job : app.inference.take_finished()) apply(app, *job);
    ImageEntry* e = app.state.active();
    // Practice keeps the models silent: the user places every point.
    if (e && !e->has_points && !e->pending_ticket && !e->review.practice && app.inference.ready() && ensure_prepared(app, *e))
        start_job(app, *e, JobKind::predict, -1, e->doc->points());
    autosave_tick(app, false);
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
        cancel_pending(app, *e);
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

void autosave_flush(App& app) { autosave_tick(app, true); }

bool autosave_pending(const App& app) {
    if (!app.autosave || !app.autosave_enabled) return false;
    for (int i = 0; i < app.state.image_count(); ++i)
        if (entry_unsaved(app.state.entry(i))) return true;
    return session_unsaved(app);
}

void autosave_clear(App& app) {
    if (app.autosave) app.autosave->clear();
    app.saved_session_changes = ~0u;
}

std::string default_autosave_dir() {
    if (const char* dir = std::getenv("KEYBOT_AUTOSAVE_DIR")) return dir;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/keybot/autosave";
    if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/keybot/autosave";
    return {};
}

int restore_saved_session(App& app) {
    if (!app.autosave) return 0;
    int opened = 0;
    SavedSession saved;
    try {
        saved = app.autosave->load_session();
        for (const std::string& path : saved.paths)
            if (open_image_file(app, path)) ++opened;
    } catch (const std::exception& err) {
        app.state.set_error(std::string("The last session could not be restored: ") + err.what());
    }
    if (opened) {
        select_image(app, std::clamp(saved.active, 0, app.state.image_count() - 1));
        app.state.set_notice("Restored " + std::to_string(opened) + " image(s) from the last session");
    }
    return opened;
}

}  // namespace keybot::app
