// The C functions web/keybot-bridge.js calls (exported from the wasm module). JS owns the byte buffers it
// passes in (malloc/free); returned strings and pixel data stay valid until the next call of the same function.
#include <emscripten.h>

#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "annotator.hpp"
#include "app.hpp"

using keybot::app::App;
using keybot::app::current_app;

namespace {

nlohmann::json status(const App& app) {
    nlohmann::json s;
    s["ready"] = true;
    s["frame"] = app.frame;
    s["error"] = app.state.error();
    s["errorCount"] = app.state.error_count();
    s["notice"] = app.state.notice();
    s["loads"] = app.state.image_generation();
    s["changes"] = app.state.changes();
    if (const auto* img = app.state.image()) {
        s["image"] = {{"name", img->name}, {"width", img->image.width}, {"height", img->image.height},
                      {"bitDepth", img->bit_depth}, {"min", img->min_value}, {"max", img->max_value}};
    } else {
        s["image"] = nullptr;
    }
    const auto& v = app.viewer;
    const auto vp = v.viewport();
    s["view"] = {{"zoom", v.zoom()}, {"centerX", v.center().x}, {"centerY", v.center().y}, {"fitted", v.fitted()},
                 {"viewport", {{"x", vp.x}, {"y", vp.y}, {"width", vp.w}, {"height", vp.h}}}};
    const auto& d = app.state.display();
    s["display"] = {{"windowLow", d.window_low}, {"windowHigh", d.window_high}, {"invert", d.invert}};
    const auto& c = app.capture;
    s["capture"] = {{"ready", c.ready()}, {"pending", c.requested()}, {"frame", c.frame()},
                    {"width", c.width()}, {"height", c.height()}};
    // Annotation state.
    nlohmann::json images = nlohmann::json::array();
    for (int i = 0; i < app.state.image_count(); ++i) {
        const auto& e = app.state.entry(i);
        images.push_back({{"name", e.name}, {"width", e.width}, {"height", e.height}, {"done", e.done},
                          {"hasPoints", e.has_points}, {"reviewed", keybot::app::reviewed_count(e)},
                          {"flagged", keybot::app::flagged_count(e)}, {"active", i == app.state.active_index()},
                          {"busy", e.pending_ticket != 0}, {"canUndo", e.doc->can_undo()}, {"canRedo", e.doc->can_redo()}});
    }
    s["images"] = images;
    const auto& o = app.overlays;
    s["overlays"] = {{"quads", o.quads}, {"cobb", o.cobb}, {"errorProbability", o.error_probability}, {"heatmap", o.heatmap}};
    s["activeImage"] = app.state.active_index();
    s["done"] = app.state.done_count();
    const auto* e = app.state.active();
    s["points"] = e && e->has_points ? int(e->doc->points().size()) : 0;
    s["selected"] = e ? e->selected : -1;
    s["heatmap"] = e && !e->heatmap.empty() ? nlohmann::json{{"cols", e->heatmap_cols}, {"rows", e->heatmap_rows}}
                                            : nlohmann::json(nullptr);
    s["busy"] = keybot::app::busy(app) || (e && e->pending_ticket);
    const auto& inf = app.inference;
    const char* state = inf.state() == keybot::app::Inference::State::ready     ? "ready"
                        : inf.state() == keybot::app::Inference::State::loading ? "loading"
                        : inf.state() == keybot::app::Inference::State::failed  ? "failed"
                                                                                 : "none";
    s["models"] = {{"state", state}, {"message", inf.message()}, {"label", inf.models_label()}, {"opened", inf.opened()}};
    s["backend"] = inf.backend();
    s["threads"] = inf.threads();
    s["lastLatencyMs"] = app.last_latency_ms >= 0 ? nlohmann::json(app.last_latency_ms) : nlohmann::json(nullptr);
    s["lastPredictMs"] = app.last_predict_ms >= 0 ? nlohmann::json(app.last_predict_ms) : nlohmann::json(nullptr);
    s["ticket"] = {{"next", app.next_ticket}, {"finished", app.finished_ticket}};
    return s;
}

const char* keep(std::string text) {
    static std::string kept;
    kept = std::move(text);
    return kept.c_str();
}

}  // namespace

extern "C" {

// Decodes an image from bytes in wasm memory and adds it to the session. `annotation` (may be empty or null):
// an autosaved annotation to restore instead of predicting. Returns 1 on success, 0 on error (see status).
EMSCRIPTEN_KEEPALIVE int keybot_load_image(const std::uint8_t* data, int size, const char* name, const char* annotation) {
    App* app = current_app();
    if (!app || size < 0) return 0;
    return keybot::app::open_image_bytes(*app, data, static_cast<std::size_t>(size), name ? name : "",
                                         annotation ? annotation : "")
               ? 1
               : 0;
}

// One model for the browser backend: role 0 refiner, 1 detector, 2 corrector. The pipeline starts once all
// three are open (status().models.state).
EMSCRIPTEN_KEEPALIVE void keybot_load_model(int role, const std::uint8_t* data, int size, const char* label, int threads) {
    App* app = current_app();
    if (!app || size < 0) return;
    app->inference.set_threads(threads);
    app->inference.load_role_async(role, std::vector<std::uint8_t>(data, data + size), label ? label : "");
}

EMSCRIPTEN_KEEPALIVE void keybot_models_failed(const char* message) {
    if (App* app = current_app()) app->inference.set_failed(message ? message : "the models could not be loaded");
}

// The app state as JSON (see window.keybot.status() in web/keybot-bridge.js).
EMSCRIPTEN_KEEPALIVE const char* keybot_status_json() {
    static std::string text;
    const App* app = current_app();
    text = app ? status(*app).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : R"({"ready":false})";
    return text.c_str();
}

// The open image's annotation (KeyBot JSON), "" when there is none.
EMSCRIPTEN_KEEPALIVE const char* keybot_get_annotation() {
    App* app = current_app();
    const auto* e = app ? app->state.active() : nullptr;
    return keep(e && e->has_points ? keybot::to_json(*e->doc) : std::string());
}

// The points currently shown (including an edit whose revision is still running), as [[x, y, provenance]...].
EMSCRIPTEN_KEEPALIVE const char* keybot_points_json() {
    App* app = current_app();
    const auto* e = app ? app->state.active() : nullptr;
    nlohmann::json out = nlohmann::json::array();
    if (e && e->has_points)
        for (const auto& p : e->shown_points()) out.push_back({p.x, p.y, keybot::to_string(p.provenance), p.error_probability});
    return keep(out.dump());
}

// A user correction; returns its ticket (0 = refused, see status().error). Done when ticket.finished >= it.
EMSCRIPTEN_KEEPALIVE double keybot_move_point(int index, double x, double y) {
    App* app = current_app();
    return app ? double(keybot::app::correct_point(*app, index, {x, y})) : 0.0;
}

EMSCRIPTEN_KEEPALIVE int keybot_undo() {
    App* app = current_app();
    return app && keybot::app::undo(*app) ? 1 : 0;
}

EMSCRIPTEN_KEEPALIVE int keybot_redo() {
    App* app = current_app();
    return app && keybot::app::redo(*app) ? 1 : 0;
}

// Export of the open image: "json" | "aasce" | "aasce-filenames" | "coco". Empty string + status().error on failure.
EMSCRIPTEN_KEEPALIVE const char* keybot_export(const char* format) {
    App* app = current_app();
    if (!app) return keep({});
    try {
        return keep(keybot::app::export_annotation(*app, format ? format : ""));
    } catch (const std::exception& e) {
        app->state.set_error(std::string("Export failed: ") + e.what());
        return keep({});
    }
}

EMSCRIPTEN_KEEPALIVE int keybot_import(const char* text) {
    App* app = current_app();
    return app && keybot::app::import_annotation_text(*app, text ? text : "") ? 1 : 0;
}

EMSCRIPTEN_KEEPALIVE int keybot_select_image(int index) {
    App* app = current_app();
    return app && keybot::app::select_image(*app, index) ? 1 : 0;
}

EMSCRIPTEN_KEEPALIVE void keybot_set_done(int index, int done) {
    if (App* app = current_app()) keybot::app::set_done(*app, index, done != 0);
}

EMSCRIPTEN_KEEPALIVE void keybot_select_point(int index) {
    if (App* app = current_app()) keybot::app::select_point(*app, index);
}

EMSCRIPTEN_KEEPALIVE int keybot_confirm_point(int index) {
    App* app = current_app();
    return app && keybot::app::confirm_point(*app, index) ? 1 : 0;
}

EMSCRIPTEN_KEEPALIVE int keybot_next_flagged() {
    App* app = current_app();
    return app ? keybot::app::next_flagged(*app) : -1;
}

EMSCRIPTEN_KEEPALIVE void keybot_autosave_flush() {
    if (App* app = current_app()) keybot::app::autosave_flush(*app);
}

// Closes every image and forgets the autosaved session.
EMSCRIPTEN_KEEPALIVE void keybot_new_session() {
    if (App* app = current_app()) {
        keybot::app::autosave_clear(*app);
        app->state.clear();
        app->viewer.clear();
    }
}

// Zoom (screen pixels per image pixel) and the image point shown at the centre of the view.
EMSCRIPTEN_KEEPALIVE void keybot_set_view(double zoom, double center_x, double center_y) {
    if (App* app = current_app()) app->viewer.set_view(zoom, {center_x, center_y});
}

EMSCRIPTEN_KEEPALIVE int keybot_set_overlay(const char* name, int on) {
    App* app = current_app();
    if (!app || !name) return 0;
    bool* flag = app->overlays.find(name);
    if (!flag) return 0;
    *flag = on != 0;
    return 1;
}

EMSCRIPTEN_KEEPALIVE void keybot_fit() {
    if (App* app = current_app()) app->viewer.fit();
}

// Asks for the next rendered frame to be read back (RGBA, rows top-down); poll status().capture.
EMSCRIPTEN_KEEPALIVE void keybot_request_capture() {
    if (App* app = current_app()) app->capture.request();
}

EMSCRIPTEN_KEEPALIVE const std::uint8_t* keybot_capture_data() {
    const App* app = current_app();
    return app && app->capture.ready() ? app->capture.rgba().data() : nullptr;
}

}  // extern "C"
