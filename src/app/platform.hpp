#pragma once
// The few things that differ between the browser and the desktop, behind one interface.
#include <string>

namespace keybot::app {

// Browser: opens the page's file picker (web/keybot-bridge.js). Desktop: returns false (the UI shows a
// path prompt instead).
bool platform_open_file_picker();
// The same for annotation files (import).
bool platform_open_annotation_picker();
// The same for a reference to compare with (compare-load).
bool platform_open_reference_picker();
// Browser: tells the page that the app state changed (status line, window.keybot listeners). Desktop: no-op.
void platform_notify_state_changed();
// Browser: idle (nothing to draw, no run in flight, no models opening, nothing left to autosave) pauses the
// main loop, so the page costs no CPU; request_redraw() resumes it (input through keybot-bridge.js's
// listeners, every window.keybot call that changes something). Desktop: no-op (its loop sleeps in
// SDL_WaitEventTimeout instead).
void platform_set_loop_idle(bool idle);
// Browser: the size the canvas should have (the page's viewport, CSS pixels). Desktop: false.
bool platform_target_window_size(int* width, int* height);
// Saves an exported text file. Browser: a download named `name`. Desktop: `name` in the folder of
// `next_to` (an image path; the working directory when empty). Returns where it went; throws keybot::Error.
std::string platform_save_text(const std::string& name, const std::string& text, const std::string& next_to);

}  // namespace keybot::app
