#pragma once
// The ImGui layer: toolbar, the viewer area (pan/zoom input), status bar, error and open-path dialogs.
namespace keybot::app {

struct App;

struct UiState {
    bool show_path_prompt = false;   // desktop "Open image" (no native file dialog in SDL2)
    char path[1024] = {};
    unsigned shown_error_count = 0;  // errors already announced with a popup
};

// Builds this frame's ImGui windows and applies user input to app (call between ImGui::NewFrame and Render).
// Sets app.viewer's viewport to the area between toolbar and status bar.
void draw_ui(App& app, UiState& ui);

}  // namespace keybot::app
