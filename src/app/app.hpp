#pragma once
// Everything one running annotator owns. The main loop (main.cpp) drives it; ui.cpp draws it and, like
// web_api.cpp (JavaScript) and script.cpp (--script), changes it through the command table (commands.hpp);
// annotator.cpp edits it.
#include <string>

#include "app_state.hpp"
#include "autosaver.hpp"
#include "frame_capture.hpp"
#include "frame_pacer.hpp"
#include "gl_texture.hpp"
#include "image_renderer.hpp"
#include "inference.hpp"
#include "model_runs.hpp"
#include "platform.hpp"
#include "viewer.hpp"

namespace keybot::app {

// What the canvas shows besides the points.
struct Overlays {
    bool quads = true;          // vertebra outlines + labels
    bool cobb = true;           // Cobb end-vertebra lines and angles
    bool error_probability = false;  // teaching: circle size/colour = the detector's error probability
    bool heatmap = false;            // teaching: the refiner's heatmaps (where it believes the corners are)

    // The switch called `name` ("quads", "cobb", "errorProbability", "heatmap"; the names of the JS API's
    // setOverlay and of the --script command `overlay`), or nullptr for an unknown name.
    bool* find(const std::string& name) {
        return name == "quads" ? &quads : name == "cobb" ? &cobb : name == "errorProbability" ? &error_probability
             : name == "heatmap" ? &heatmap : nullptr;
    }
};

struct App {
    AppState state;
    Viewer viewer;
    ImageRenderer renderer;
    HeatmapTexture heatmap_texture;    // the active image's heatmap on the GPU (canvas.cpp keeps it current)
    FrameCapture capture;
    FramePacer pacer;                  // when to draw (frame_pacer.hpp)
    Inference inference;
    Overlays overlays;
    double review_tolerance = kDefaultTolerancePx;  // distances above it are listed (compare, practice score)
    unsigned uploaded_generation = 0;  // image generation on the GPU
    unsigned frame = 0;                // frames rendered so far
    bool quit = false;
    ModelRuns runs{inference};         // the session's model runs and their tickets (model_runs.hpp)
    Autosaver autosaver{now_ms};       // no store: no autosave (--autosave-dir none)
};

// The one App of this process (set by main); web_api.cpp and platform callbacks reach it through this.
App* current_app();

// Something the screen shows changed (input, an edit, a model result, an API call): draw the next frames, and
// let flagged points pulse for a while. Wakes the browser's loop from its idle pace.
inline void request_redraw(App& app) {
    app.pacer.request();
    if (const ImageEntry* e = app.state.active(); e && flagged_count(*e) > 0) app.pacer.pulse_from(now_ms());
    platform_set_loop_idle(false);
}

}  // namespace keybot::app
