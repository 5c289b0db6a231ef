// The C functions web/keybot-bridge.js calls (exported from the wasm module). JS owns the byte buffers it
// passes in (malloc/free); returned strings and pixel data stay valid until the next call of the same function.
#include <emscripten.h>

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

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
    s["loads"] = app.state.image_generation();
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
    return s;
}

}  // namespace

extern "C" {

// Decodes an image from bytes in wasm memory. Returns 1 on success, 0 on error (message in the status).
EMSCRIPTEN_KEEPALIVE int keybot_load_image(const std::uint8_t* data, int size, const char* name) {
    App* app = current_app();
    if (!app || size < 0) return 0;
    return app->state.load_image(data, static_cast<std::size_t>(size), name ? name : "") ? 1 : 0;
}

// The app state as JSON (see window.keybot.status() in web/keybot-bridge.js).
EMSCRIPTEN_KEEPALIVE const char* keybot_status_json() {
    static std::string text;
    const App* app = current_app();
    text = app ? status(*app).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : R"({"ready":false})";
    return text.c_str();
}

// Zoom (screen pixels per image pixel) and the image point shown at the centre of the view.
EMSCRIPTEN_KEEPALIVE void keybot_set_view(double zoom, double center_x, double center_y) {
    if (App* app = current_app()) app->viewer.set_view(zoom, {center_x, center_y});
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
