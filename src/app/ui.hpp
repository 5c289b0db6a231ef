#pragma once
// The ImGui layer: toolbar (files), the canvas (image + annotation, mouse and keyboard editing), the side panel
// (images and progress, point tools, display, Cobb angles, models), the status bar and the dialogs.
#include <SDL_events.h>

#include <string>
#include <vector>

#include "calibration_tool.hpp"
#include "canvas.hpp"

namespace keybot::app {

struct App;

struct UiState {
    enum class Prompt { none, open_image, import_annotation, load_reference };
    Prompt show_prompt = Prompt::none;  // desktop path prompts (no native file dialog in SDL2)
    char path[1024] = {};
    unsigned shown_error_count = 0;     // errors already announced with a popup
    CanvasDrag drag;                    // left-drag of a point
    CalibrationTool calibration;        // "Calibrate...": the left button draws a line instead
    Point drag_press_mouse;             // screen position where the drag began
    bool panning = false;               // Space+left / middle / right drag
    bool leveling = false;              // Shift+right drag: window/level
    bool confirm_new_session = false;
    Prompt prompt_open_for = Prompt::none;  // what the open path prompt asks for
    // Key presses seen in this frame's SDL events. ImGui 1.86 samples key state once per frame, so a key
    // pressed and released between two frames (a quick tap while the main thread is busy) would be lost.
    struct KeyTap {
        int key;             // SDL scancode
        unsigned mod;        // modifiers held at the press: Ctrl may already be released when ImGui looks
    };
    std::vector<KeyTap> key_taps;
};

void begin_key_events(UiState& ui);  // call before polling the frame's events
void note_key_event(UiState& ui, const SDL_Event& event);

// Builds this frame's ImGui windows and applies user input to app (call between ImGui::NewFrame and Render).
// Sets app.viewer's viewport to the area between toolbar, side panel and status bar.
void draw_ui(App& app, UiState& ui);

// Saves the open image's annotation in `format` (json | aasce | coco): a download in the browser, files next
// to the image natively. Records an error or a notice.
void export_to_file(App& app, const std::string& format);

}  // namespace keybot::app
