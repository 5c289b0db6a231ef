#include "platform.hpp"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>

// Calls into web/keybot-bridge.js (window.keybot); each is a no-op when the bridge is absent.
EM_JS(int, keybot_js_open_file_picker, (), {
    if (window.keybot && window.keybot.openFilePicker) { window.keybot.openFilePicker(); return 1; }
    return 0;
});
EM_JS(void, keybot_js_state_changed, (), {
    if (window.keybot && window.keybot._stateChanged) window.keybot._stateChanged();
});
EM_JS(int, keybot_js_viewport_width, (), { return window.innerWidth | 0; });
EM_JS(int, keybot_js_viewport_height, (), { return window.innerHeight | 0; });

namespace keybot::app {
bool platform_open_file_picker() { return keybot_js_open_file_picker() != 0; }
void platform_notify_state_changed() { keybot_js_state_changed(); }
bool platform_target_window_size(int* width, int* height) {
    *width = keybot_js_viewport_width();
    *height = keybot_js_viewport_height();
    return *width > 0 && *height > 0;
}
}  // namespace keybot::app

#else

namespace keybot::app {
bool platform_open_file_picker() { return false; }
void platform_notify_state_changed() {}
bool platform_target_window_size(int*, int*) { return false; }
}  // namespace keybot::app

#endif
