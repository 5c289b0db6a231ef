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
#include "commands.hpp"

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
    const auto& runs = app.runs;
    s["busy"] = runs.busy() || (e && e->pending_ticket);
    s["idle"] = keybot::app::settled(app);
    const auto& inf = app.inference;
    const char* state = inf.state() == keybot::app::Inference::State::ready     ? "ready"
                        : inf.state() == keybot::app::Inference::State::loading ? "loading"
                        : inf.state() == keybot::app::Inference::State::failed  ? "failed"
                                                                                 : "none";
    s["models"] = {{"state", state}, {"message", inf.message()}, {"label", inf.models_label()}, {"opened", inf.opened()}};
    s["backend"] = inf.backend();
    s["threads"] = inf.threads();
    s["lastLatencyMs"] = runs.last_latency_ms() >= 0 ? nlohmann::json(runs.last_latency_ms()) : nlohmann::json(nullptr);
    s["lastPredictMs"] = runs.last_predict_ms() >= 0 ? nlohmann::json(runs.last_predict_ms()) : nlohmann::json(nullptr);
    s["ticket"] = {{"next", runs.next_ticket()}, {"finished", runs.finished_ticket()}};
    s["autosaveFailing"] = app.autosaver.failing();  // a write failed and none has worked since (retried)
    return s;
}

// The app, for a call that changes what the screen shows: its next frames get drawn.
App* app_to_change() {
    App* app = current_app();
    if (app) keybot::app::request_redraw(*app);
    return app;
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
    App* app = app_to_change();
    if (!app || size < 0) return 0;
    return keybot::app::open_image_bytes(*app, data, static_cast<std::size_t>(size), name ? name : "",
                                         annotation ? annotation : "")
               ? 1
               : 0;
}

// One model for the browser backend; `role` is one of constants.modelRoles ("refiner", "detector",
// "corrector"). The pipeline starts once all three are open (status().models.state).
EMSCRIPTEN_KEEPALIVE void keybot_load_model(const char* role, const std::uint8_t* data, int size, const char* label, int threads) {
    App* app = app_to_change();
    if (!app || size < 0) return;
    app->inference.set_threads(threads);
    app->inference.load_role_async(role ? role : "", std::vector<std::uint8_t>(data, data + size), label ? label : "");
}

EMSCRIPTEN_KEEPALIVE void keybot_models_failed(const char* message) {
    if (App* app = app_to_change()) app->inference.set_failed(message ? message : "the models could not be loaded");
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

EMSCRIPTEN_KEEPALIVE void keybot_autosave_flush() {
    if (App* app = current_app(); app && app->autosaver.flush(app->state)) keybot::app::request_redraw(*app);
}

// Runs a command of the table (commands.hpp) with `args_json` (a JSON array) and returns its result as JSON:
// {"ok", "error": code name ("" when ok), "message", "value"}. window.keybot's methods are built on this; a
// failure goes back to the caller, not into the app's error popup.
EMSCRIPTEN_KEEPALIVE const char* keybot_command(const char* name, const char* args_json) {
    App* app = current_app();
    if (!app) return keep(R"({"ok":false,"error":"failed","message":"KeyBot is not running","value":null})");
    keybot::app::CommandResult r;
    const nlohmann::json args = nlohmann::json::parse(args_json ? args_json : "[]", nullptr, false);
    if (args.is_discarded()) r = {keybot::app::CommandError::bad_arguments, "the arguments are not valid JSON", nullptr};
    else r = keybot::app::run_command(*app, name ? name : "", args, keybot::app::Caller::program);
    const nlohmann::json out = {{"ok", r.ok()}, {"error", r.ok() ? "" : keybot::app::to_string(r.error)},
                                {"message", r.message}, {"value", r.value}};
    return keep(out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// The command table (name, js method, params, description, undoable, keys): keybot.commands().
EMSCRIPTEN_KEEPALIVE const char* keybot_commands_json() { return keep(keybot::app::commands_json().dump()); }

// What the page must agree on with the app, from the C++ definitions (never copied into JS): error codes,
// file limits, overlay and export format names, model roles in loading order.
EMSCRIPTEN_KEEPALIVE const char* keybot_constants_json() {
    nlohmann::json errors = nlohmann::json::array();
#define KEYBOT_ERROR_NAME(name) errors.push_back(#name);
    KEYBOT_COMMAND_ERRORS(KEYBOT_ERROR_NAME)
#undef KEYBOT_ERROR_NAME
    const nlohmann::json c = {{"errors", errors},
                              {"maxFileBytes", keybot::app::kMaxFileBytes},
                              {"maxImagePixels", keybot::kMaxImagePixels},
                              {"overlays", {"quads", "cobb", "errorProbability", "heatmap"}},
                              {"exportFormats", {"json", "aasce", "aasce-filenames", "coco"}},
                              {"modelRoles", keybot::app::model_role_names()}};
    return keep(c.dump());
}

// The message for a file too large to open, or "" when `size` is fine: the page checks before copying the
// bytes into wasm memory, with the app's limit and wording.
EMSCRIPTEN_KEEPALIVE const char* keybot_file_size_error(double size, const char* name) {
    return keep(keybot::app::file_size_error(static_cast<std::size_t>(size), name ? name : ""));
}

// Draws the next `frames` frames (window.keybot.nextFrame: the app draws only when something changed).
EMSCRIPTEN_KEEPALIVE void keybot_request_frames(int frames) {
    if (App* app = app_to_change()) app->pacer.request(frames);
}

// Input arrived at the page (keybot-bridge.js listens): back to drawing at the display's pace at once, not at
// the idle loop's next tick.
EMSCRIPTEN_KEEPALIVE void keybot_wake() { app_to_change(); }

// Asks for the next rendered frame to be read back (RGBA, rows top-down); poll status().capture.
EMSCRIPTEN_KEEPALIVE void keybot_request_capture() {
    if (App* app = app_to_change()) app->capture.request();
}

EMSCRIPTEN_KEEPALIVE const std::uint8_t* keybot_capture_data() {
    const App* app = current_app();
    return app && app->capture.ready() ? app->capture.rgba().data() : nullptr;
}

}  // extern "C"
