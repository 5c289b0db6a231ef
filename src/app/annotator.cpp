#include "annotator.hpp"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/core/formats.hpp"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>

// web/autosave.js (window.keybotAutosave); no-ops when it is absent. The image bytes are copied by JS only the
// first time a key is saved.
EM_JS(void, keybot_js_autosave_image, (const char* key, const char* name, const std::uint8_t* bytes, int len, const char* json), {
    if (!window.keybotAutosave) return;
    const k = UTF8ToString(key);
    window.keybotAutosave.saveImage(k, UTF8ToString(name), window.keybotAutosave.hasImage(k) ? null : HEAPU8.slice(bytes, bytes + len), UTF8ToString(json));
});
EM_JS(void, keybot_js_autosave_session, (const char* json), {
    if (window.keybotAutosave) window.keybotAutosave.saveSession(JSON.parse(UTF8ToString(json)));
});
EM_JS(void, keybot_js_autosave_clear, (), {
    if (window.keybotAutosave) window.keybotAutosave.clear();
});
#endif

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
        e.prepared = app.inference.prepare(e.loaded->image);
        return true;
    } catch (const std::exception& err) {
        app.state.set_error("Cannot prepare \"" + e.name + "\" for the models: " + err.what());
        return false;
    }
}

std::uint64_t start_job(App& app, ImageEntry& e, JobKind kind, int index, std::vector<AnnotatedPoint> input) {
    auto job = std::make_shared<RevisionJob>();
    job->ticket = app.next_ticket++;
    job->entry_id = e.id;
    job->kind = kind;
    job->index = index;
    job->input = std::move(input);
    job->started_ms = now_ms();
    e.pending_ticket = job->ticket;
    if (kind == JobKind::correct) e.preview = job->input;
    app.inference.start(job, e.prepared);
    return job->ticket;
}

void apply(App& app, RevisionJob& job) {
    app.finished_ticket = std::max(app.finished_ticket, job.ticket);
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
    e->doc->set_points(job.output);  // the whole revision = one undo step
    if (first) e->doc->clear_history();  // nothing before the first prediction to go back to
    e->has_points = true;
    const double ms = job.finished_ms - job.started_ms;
    if (job.kind == JobKind::correct) app.last_latency_ms = ms;
    else app.last_predict_ms = ms;
    changed(app, *e);
    set_heatmap(*e, std::move(job.heatmap), job.heatmap_cols, job.heatmap_rows);
}

#if !defined(__EMSCRIPTEN__)
std::string safe_file_part(const std::string& key) {
    std::string out;
    for (char c : key) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_') ? c : '_';
    return out.substr(0, 160);
}

std::string native_autosave_path(const App& app, const ImageEntry& e) {
    return app.autosave_dir + "/" + safe_file_part(e.key) + ".json";
}
#endif

void save_session_list(App& app) {
    nlohmann::json list = nlohmann::json::array();
    for (int i = 0; i < app.state.image_count(); ++i) {
        const ImageEntry& e = app.state.entry(i);
        list.push_back({{"key", e.key}, {"name", e.name}, {"path", e.source_path}});
    }
    const nlohmann::json session = {{"images", list}, {"active", app.state.active_index()}};
#if defined(__EMSCRIPTEN__)
    keybot_js_autosave_session(session.dump().c_str());
#else
    if (app.autosave_dir.empty()) return;
    try {
        std::filesystem::create_directories(app.autosave_dir);
        write_file_text(app.autosave_dir + "/session.json", session.dump(1));
    } catch (const std::exception& err) {
        app.state.set_error(std::string("Autosave failed: ") + err.what());
        app.autosave_enabled = false;
    }
#endif
}

void save_entry(App& app, ImageEntry& e) {
    e.saved_changes = e.changes;
    const std::string json = autosave_json(e);
#if defined(__EMSCRIPTEN__)
    (void)app;
    keybot_js_autosave_image(e.key.c_str(), e.name.c_str(), e.bytes.data(), int(e.bytes.size()), json.c_str());
#else
    if (app.autosave_dir.empty()) return;
    try {
        std::filesystem::create_directories(app.autosave_dir);
        const std::string path = native_autosave_path(app, e), tmp = path + ".tmp";
        write_file_text(tmp, json);
        std::filesystem::rename(tmp, path);  // never a half-written autosave
    } catch (const std::exception& err) {
        app.state.set_error(std::string("Autosave failed (work continues unsaved): ") + err.what());
        app.autosave_enabled = false;
    }
#endif
}

unsigned g_saved_session_changes = ~0u;

void autosave_tick(App& app, bool force) {
    if (!app.autosave_enabled) return;
    const double now = now_ms();
    bool any = false;
    for (int i = 0; i < app.state.image_count(); ++i) {
        ImageEntry& e = app.state.entry(i);
        if (e.saved_changes == e.changes || e.pending_ticket) continue;
        if (!force && now - e.changed_ms < kAutosaveDelayMs) continue;
        save_entry(app, e);
        any = true;
    }
    if (any || g_saved_session_changes != app.state.changes()) {
        if (!force && !any && app.state.image_count() == 0 && g_saved_session_changes == ~0u) return;
        g_saved_session_changes = app.state.changes();
        save_session_list(app);
    }
}

void after_open(App& app, bool restored_from_caller) {
    ImageEntry* e = app.state.active();
    if (!e) return;
    changed(app, *e);
#if !defined(__EMSCRIPTEN__)
    if (!restored_from_caller && !e->has_points && !app.autosave_dir.empty()) {
        const std::string path = native_autosave_path(app, *e);
        if (std::filesystem::exists(path)) {
            try {
                restore_autosave(*e, read_file_text(path));
                app.state.set_notice("Restored the autosaved annotation of " + e->name);
            } catch (const std::exception& err) {
                app.state.set_error("The autosave of \"" + e->name + "\" could not be restored (" + err.what() + ")");
            }
        }
    }
#else
    (void)restored_from_caller;
#endif
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

std::uint64_t repredict(App& app) {
    ImageEntry* e = app.state.active();
    if (!e) return 0;
    if (!ensure_prepared(app, *e)) {
        app.state.set_error(app.inference.ready() ? "Cannot run the models on this image."
                                                  : "No models are loaded: " + app.inference.message());
        return 0;
    }
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

int next_flagged(App& app) {
    ImageEntry* e = app.state.active();
    if (!e || !e->has_points) return -1;
    const auto& pts = e->shown_points();
    const int n = int(pts.size());
    for (int k = 1; k <= n; ++k) {
        const int i = ((e->selected < 0 ? -1 : e->selected) + k + n) % n;
        if (pts[i].provenance != Provenance::flagged) continue;
        e->selected = i;
        const double zoom = app.viewer.fitted() ? std::max(app.viewer.zoom() * 2.5, 0.5) : app.viewer.zoom();
        app.viewer.set_view(zoom, {pts[i].x, pts[i].y});
        return i;
    }
    return -1;
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

void poll(App& app) {
    for (auto& job : app.inference.take_finished()) apply(app, *job);
    ImageEntry* e = app.state.active();
    if (e && !e->has_points && !e->pending_ticket && app.inference.ready() && ensure_prepared(app, *e))
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
        ImportedAnnotation in = import_annotation(text, e->doc->schema(), ImageInfo{e->name, e->width, e->height});
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

void autosave_clear(App& app) {
#if defined(__EMSCRIPTEN__)
    (void)app;
    keybot_js_autosave_clear();
#else
    if (!app.autosave_dir.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(app.autosave_dir, ec);
    }
#endif
    g_saved_session_changes = ~0u;
}

std::string default_autosave_dir() {
    if (const char* dir = std::getenv("KEYBOT_AUTOSAVE_DIR")) return dir;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/keybot/autosave";
    if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/keybot/autosave";
    return {};
}

int restore_native_session(App& app) {
#if defined(__EMSCRIPTEN__)
    (void)app;
    return 0;
#else
    if (app.autosave_dir.empty()) return 0;
    const std::string path = app.autosave_dir + "/session.json";
    if (!std::filesystem::exists(path)) return 0;
    int opened = 0, active = 0;
    try {
        const auto session = nlohmann::json::parse(read_file_text(path));
        active = session.value("active", 0);
        for (const auto& item : session.at("images")) {
            const std::string p = item.value("path", "");
            if (!p.empty() && std::filesystem::exists(p) && open_image_file(app, p)) ++opened;
        }
    } catch (const std::exception& err) {
        app.state.set_error(std::string("The last session could not be restored: ") + err.what());
    }
    if (opened) {
        select_image(app, std::clamp(active, 0, app.state.image_count() - 1));
        app.state.set_notice("Restored " + std::to_string(opened) + " image(s) from the last session");
    }
    return opened;
#endif
}

}  // namespace keybot::app
