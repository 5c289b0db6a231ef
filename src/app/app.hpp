#pragma once
// Everything one running annotator owns. The main loop (main.cpp) drives it; ui.cpp draws it; web_api.cpp
// exposes it to JavaScript.
#include "app_state.hpp"
#include "frame_capture.hpp"
#include "image_renderer.hpp"
#include "viewer.hpp"

namespace keybot::app {

struct App {
    AppState state;
    Viewer viewer;
    ImageRenderer renderer;
    FrameCapture capture;
    unsigned uploaded_generation = 0;  // image generation on the GPU
    unsigned frame = 0;                // frames rendered so far
    bool quit = false;
};

// The one App of this process (set by main); web_api.cpp and platform callbacks reach it through this.
App* current_app();

}  // namespace keybot::app
