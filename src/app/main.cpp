// KeyBot annotator entry point: SDL2 window + OpenGL context, Dear ImGui, and ONE frame function driven by a
// loop natively and by emscripten_set_main_loop_arg in the browser (as in Dear ImGui's example_sdl_opengl3).
//
// Desktop options (for smoke tests and scripting):
//   keybot_app [--image FILE]... [--screenshot OUT.png] [--frames N] [--size WxH] [--models DIR|none]
//              [--threads N] [--autosave-dir DIR|none] [--script FILE]
// --screenshot renders N frames (default 3), saves the last one as PNG and exits (status 1 on failure).
// --models: the folder with refiner/detector/corrector.onnx (default: $KEYBOT_MODELS, else the source tree's
// models/ when it holds all three, else tests/fixtures/models). --script: see script.hpp.
// Started without images or a script, the app reopens the last session's images (autosave folder).
#include <SDL.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iterator>
#include <string>

#include "annotator.hpp"
#include "app.hpp"
#include "gl.hpp"
#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl.h"
#include "platform.hpp"
#include "script.hpp"
#include "ui.hpp"

#include <filesystem>
#include <memory>
#include <vector>

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#endif

namespace keybot::app {

namespace {

App* g_app = nullptr;

struct Options {
    std::vector<std::string> images;
    std::string screenshot;
    std::string script;
    std::string models;  // "" = search, "none" = no models
    std::string autosave_dir = "default";
    int threads = 0;
    int frames = 3;
    int width = 1280, height = 800;
};

// The process's window, GL context, ImGui and app. Its destructor releases them in the order they depend on
// each other (GL objects while their context still exists), also when main() returns early.
struct Context {
    SDL_Window* window = nullptr;
    SDL_GLContext gl = nullptr;
    bool sdl_started = false, imgui_started = false;
    App app;
    UiState ui;
    Options options;
    std::unique_ptr<ScriptRunner> script;
    int exit_code = 0;

    Context() = default;
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    ~Context() {
        if (g_app == &app) g_app = nullptr;
        if (gl) {
            SDL_GL_MakeCurrent(window, gl);
            app.renderer.destroy();
            app.heatmap_texture.destroy();
        }
        if (imgui_started) {
            ImGui_ImplOpenGL3_Shutdown();
            ImGui_ImplSDL2_Shutdown();
            ImGui::DestroyContext();
        }
        if (gl) SDL_GL_DeleteContext(gl);
        if (window) SDL_DestroyWindow(window);
        if (sdl_started) SDL_Quit();
    }
};

bool parse_options(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "--image" && has_value) o.images.push_back(argv[++i]);
        else if (arg == "--screenshot" && has_value) o.screenshot = argv[++i];
        else if (arg == "--script" && has_value) o.script = argv[++i];
        else if (arg == "--models" && has_value) o.models = argv[++i];
        else if (arg == "--autosave-dir" && has_value) o.autosave_dir = argv[++i];
        else if (arg == "--threads" && has_value) o.threads = std::max(0, std::atoi(argv[++i]));
        else if (arg == "--frames" && has_value) o.frames = std::max(1, std::atoi(argv[++i]));
        else if (arg == "--size" && has_value) {
            if (std::sscanf(argv[++i], "%dx%d", &o.width, &o.height) != 2 || o.width <= 0 || o.height <= 0) return false;
        } else if (arg.rfind("--", 0) != 0) o.images.push_back(arg);  // `keybot_app FILE...`
        else return false;
    }
    return true;
}

// Returns whether any event came in (the frame must then be drawn).
bool handle_events(Context& ctx) {
    SDL_Event event;
    bool any = false;
    begin_key_events(ctx.ui);
    while (SDL_PollEvent(&event)) {
        any = true;
        ImGui_ImplSDL2_ProcessEvent(&event);
        note_key_event(ctx.ui, event);
        if (event.type == SDL_QUIT) ctx.app.quit = true;
        if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE &&
            event.window.windowID == SDL_GetWindowID(ctx.window))
            ctx.app.quit = true;
        if (event.type == SDL_DROPFILE) {  // desktop drag-and-drop (the browser's goes through keybot-bridge.js)
            open_image_file(ctx.app, event.drop.file);
            SDL_free(event.drop.file);
        }
    }
    return any;
}

// The canvas follows the browser window (no-op natively, where the user resizes the window). True on a resize.
bool follow_target_size(SDL_Window* window) {
    int tw = 0, th = 0, w = 0, h = 0;
    if (!platform_target_window_size(&tw, &th)) return false;
    SDL_GetWindowSize(window, &w, &h);
    if (tw == w && th == h) return false;
    SDL_SetWindowSize(window, tw, th);
    return true;
}

// What the page and the screen follow besides input: when any of it differs after a frame's work, the frame is
// drawn and the page is told (status line, window.keybot listeners).
struct Shown {
    unsigned generation, errors, changes;
    std::uint64_t finished;
    Inference::State models;
    int models_opened;
    bool operator!=(const Shown& o) const {
        return generation != o.generation || errors != o.errors || changes != o.changes || finished != o.finished ||
               models != o.models || models_opened != o.models_opened;
    }
};
Shown shown(const App& app) {
    return {app.state.image_generation(), app.state.error_count(), app.state.changes(), app.runs.finished_ticket(),
            app.inference.state(),        app.inference.opened()};
}

// A key or mouse button held down: keep drawing while it is. ImGui times key repeats by the frames it sees, so
// after a gap without frames a key pressed just before would look held long enough to repeat (one arrow press
// nudging twice), and the release must be seen promptly.
bool input_held() {
    const ImGuiIO& io = ImGui::GetIO();
    return std::any_of(std::begin(io.KeysDown), std::end(io.KeysDown), [](bool d) { return d; }) ||
           std::any_of(std::begin(io.MouseDown), std::end(io.MouseDown), [](bool d) { return d; });
}

// Scripted and screenshot runs draw every frame: they count frames and read them back.
bool draws_every_frame(const Context& ctx) { return ctx.script || !ctx.options.screenshot.empty(); }

void sync_image(App& app) {
    if (app.uploaded_generation == app.state.image_generation()) return;
    app.uploaded_generation = app.state.image_generation();
    if (const LoadedImage* img = app.state.image()) {
        app.renderer.upload(*img);
        app.viewer.set_image_size(img->image.width, img->image.height);
        const SavedView& v = app.state.active()->view;  // back to an image seen before: its pan/zoom
        if (v.valid && !v.fitted) app.viewer.set_view(v.zoom, v.center);
    } else {
        app.renderer.clear_image();
        app.viewer.clear();
    }
}

void render(Context& ctx) {
    const ImGuiIO& io = ImGui::GetIO();
    FramebufferInfo fb;
    SDL_GL_GetDrawableSize(ctx.window, &fb.width, &fb.height);
    fb.scale_x = io.DisplayFramebufferScale.x;
    fb.scale_y = io.DisplayFramebufferScale.y;
    glViewport(0, 0, fb.width, fb.height);
    glClearColor(0.11f, 0.12f, 0.14f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ctx.app.renderer.draw(ctx.app.viewer, ctx.app.state.display(), fb);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    ++ctx.app.frame;
    ctx.app.capture.capture_if_requested(fb.width, fb.height, ctx.app.frame);
}

// Desktop --screenshot: request a capture on the last frame, then save it and stop.
void screenshot_step(Context& ctx) {
    const Options& o = ctx.options;
    if (o.screenshot.empty()) return;
    if (int(ctx.app.frame) + 1 == o.frames) ctx.app.capture.request();
    if (!ctx.app.capture.ready()) return;
    try {
        ctx.app.capture.write_png(o.screenshot);
        std::printf("keybot_app: saved %dx%d screenshot to %s\n", ctx.app.capture.width(), ctx.app.capture.height(),
                    o.screenshot.c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "keybot_app: %s\n", e.what());
        ctx.exit_code = 1;
    }
    ctx.app.quit = true;
}

void frame(void* arg) {
    Context& ctx = *static_cast<Context*>(arg);
    App& app = ctx.app;
    const bool input = handle_events(ctx);
    const bool resized = follow_target_size(ctx.window);
    const Shown before = shown(app);
    poll(app);
#if !defined(__EMSCRIPTEN__)
    if (ctx.script && !ctx.script->step(app)) {
        ctx.exit_code = ctx.script->failed() ? 1 : ctx.exit_code;
        app.quit = true;
    }
#endif
    sync_image(app);
    if (input || resized || shown(app) != before) request_redraw(app);
    const double now = now_ms();
    if (!draws_every_frame(ctx) && !app.capture.requested() && !app.pacer.should_draw(now)) {
        // Runs in flight, models opening and the autosave debounce finish from this loop: it pauses only
        // when none is left.
        platform_set_loop_idle(app.pacer.idle(now) && !app.runs.busy() && app.inference.state() != Inference::State::loading &&
                               !app.autosaver.pending(app.state));
        return;
    }

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGui::NewFrame();
    if (!ctx.options.screenshot.empty()) screenshot_step(ctx);
    draw_ui(app, ctx.ui);
    ImGui::Render();
    render(ctx);
    SDL_GL_SwapWindow(ctx.window);

    const bool changed = shown(app) != before;
    if (changed) request_redraw(app);  // the UI acted on a click or key: show the result
    if (ImGui::GetIO().WantTextInput) app.pacer.pulse_from(now);  // the text cursor blinks
    if (input_held()) app.pacer.request(1);
    if (app.frame == 1 || changed) platform_notify_state_changed();
}

bool init_window(Context& ctx) {
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
        std::fprintf(stderr, "keybot: SDL_Init failed: %s\n", SDL_GetError());
        return false;
    }
    ctx.sdl_started = true;
#if defined(__EMSCRIPTEN__)
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);  // WebGL2
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
#else
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
#endif
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
    SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
    SDL_SetHint(SDL_HINT_MOUSE_FOCUS_CLICKTHROUGH, "1");
    const auto flags = SDL_WindowFlags(SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    ctx.window = SDL_CreateWindow("KeyBot", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, ctx.options.width,
                                  ctx.options.height, flags);
    if (ctx.window) ctx.gl = SDL_GL_CreateContext(ctx.window);
    if (!ctx.window || !ctx.gl) {
        std::fprintf(stderr, "keybot: cannot create an OpenGL 3.3 / WebGL2 window: %s\n", SDL_GetError());
        return false;
    }
    SDL_GL_MakeCurrent(ctx.window, ctx.gl);
    SDL_GL_SetSwapInterval(ctx.options.screenshot.empty() ? 1 : 0);
    return true;
}

#if !defined(__EMSCRIPTEN__)
std::string find_models(const Options& o) {
    if (!o.models.empty()) return o.models;
    if (const char* env = std::getenv("KEYBOT_MODELS"); env && *env) return env;
    const std::string source = KEYBOT_SOURCE_DIR;
    for (const std::string& dir : {source + "/models", source + "/tests/fixtures/models"}) {
        bool all = true;
        for (const char* role : {"refiner", "detector", "corrector"}) all &= std::filesystem::exists(dir + "/" + role + ".onnx");
        if (all) return dir;
    }
    return "none";
}
#endif

// Models, autosave folder, images (or the last session), script. False: a required input failed.
bool start_session(Context& ctx) {
    App& app = ctx.app;
    const Options& o = ctx.options;
#if defined(__EMSCRIPTEN__)
    app.autosaver.set_store(make_indexeddb_store());  // web/autosave.js
    (void)o;  // models: keybot-bridge.js fetches them and hands them over (keybot_load_model) once the page is up
    return true;
#else
    const std::string autosave_dir = o.autosave_dir == "default" ? default_autosave_dir() : o.autosave_dir == "none" ? "" : o.autosave_dir;
    if (!autosave_dir.empty()) app.autosaver.set_store(make_file_store(autosave_dir));
    const std::string models = find_models(o);
    if (models != "none") {
        if (app.inference.load_dir(models, o.threads)) std::printf("keybot_app: models from %s (%s)\n", models.c_str(), app.inference.backend().c_str());
        else app.state.set_error("The models could not be loaded: " + app.inference.message());
    }
    for (const auto& image : o.images)
        if (!open_image_file(app, image) && (!o.screenshot.empty() || !o.script.empty())) return false;
    if (!o.script.empty()) {
        try {
            ctx.script = std::make_unique<ScriptRunner>(o.script);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "keybot_app: %s\n", e.what());
            return false;
        }
    }
    if (o.images.empty() && o.script.empty() && o.screenshot.empty()) restore_saved_session(app);
    return true;
#endif
}

void init_imgui(Context& ctx) {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // no settings file (the browser has no filesystem)
    ImGui::StyleColorsDark();
    ImGui_ImplSDL2_InitForOpenGL(ctx.window, ctx.gl);
    ImGui_ImplOpenGL3_Init(kGlslVersion);
    ctx.imgui_started = true;
}

#if !defined(__EMSCRIPTEN__)
// The desktop loop: between frames it sleeps until an event arrives or the pacer wants the next frame (a
// model run in flight is polled every few ms; idle, the app wakes a few times a second for autosave).
void run_native_loop(Context& ctx) {
    while (!ctx.app.quit) {
        if (!draws_every_frame(ctx)) {
            const double wait = ctx.app.pacer.wait_ms(now_ms(), ctx.app.runs.busy());
            if (wait > 0.0) SDL_WaitEventTimeout(nullptr, int(std::ceil(wait)));
        }
        frame(&ctx);
    }
}
#endif

}  // namespace

App* current_app() { return g_app; }

}  // namespace keybot::app

int main(int argc, char** argv) {
    using namespace keybot::app;
    auto ctx = std::make_unique<Context>();
    if (!parse_options(argc, argv, ctx->options)) {
        std::fprintf(stderr, "usage: keybot_app [--image FILE]... [--screenshot OUT.png] [--frames N] [--size WxH] "
                             "[--models DIR|none] [--threads N] [--autosave-dir DIR|none] [--script FILE]\n");
        return 2;
    }
    if (!init_window(*ctx)) return 1;
    init_imgui(*ctx);
    std::string error;
    if (!ctx->app.renderer.init(&error)) {
        std::fprintf(stderr, "keybot: %s\n", error.c_str());
        return 1;
    }
    g_app = &ctx->app;
    if (!start_session(*ctx)) return 1;

#if defined(__EMSCRIPTEN__)
    // The browser's main loop outlives main(): the context is handed over to it and never destroyed.
    emscripten_set_main_loop_arg(frame, ctx.release(), 0, true);  // does not return
    return 0;
#else
    run_native_loop(*ctx);
    ctx->app.autosaver.flush(ctx->app.state);
    return ctx->exit_code;  // ~Context releases GL objects, ImGui, the context, the window and SDL, in order
#endif
}
