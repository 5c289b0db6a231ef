#include "platform.hpp"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>

// Calls into web/keybot-bridge.js (window.keybot); each is a no-op when the bridge is absent.
EM_JS(int, keybot_js_open_file_picker, (), {
    if (window.keybot && window.keybot.openFilePicker) { window.keybot.openFilePicker(); return 1; }
    return 0;
});
EM_JS(int, keybot_js_open_annotation_picker, (), {
    if (window.keybot && window.keybot.openAnnotationPicker) { window.keybot.openAnnotationPicker(); return 1; }
    return 0;
});
EM_JS(int, keybot_js_open_reference_picker, (), {
    if (window.keybot && window.keybot.openReferencePicker) { window.keybot.openReferencePicker(); return 1; }
    return 0;
});
EM_JS(void, keybot_js_state_changed, (), {
    if (window.keybot && window.keybot._stateChanged) window.keybot._stateChanged();
});
EM_JS(int, keybot_js_viewport_width, (), { return window.innerWidth | 0; });
EM_JS(int, keybot_js_viewport_height, (), { return window.innerHeight | 0; });
EM_JS(void, keybot_js_download, (const char* name, const char* text), {
    if (window.keybot && window.keybot._download) window.keybot._download(UTF8ToString(name), UTF8ToString(text));
});

namespace keybot::app {
bool platform_open_file_picker() { return keybot_js_open_file_picker() != 0; }
bool platform_open_annotation_picker() { return keybot_js_open_annotation_picker() != 0; }
bool platform_open_reference_picker() { return keybot_js_open_reference_picker() != 0; }
void platform_notify_state_changed() { keybot_js_state_changed(); }
void platform_set_loop_idle(bool idle) {
    static bool paused = false;
    if (idle == paused) return;
    paused = idle;
    if (idle) emscripten_pause_main_loop();
    else emscripten_resume_main_loop();
}
bool platform_target_window_size(int* width, int* height) {
    *width = keybot_js_viewport_width();
    *height = keybot_js_viewport_height();
    return *width > 0 && *height > 0;
}
std::string platform_save_text(const std::string& name, const std::string& text, const std::string&) {
    keybot_js_download(name.c_str(), text.c_str());
    return name + " (download)";
}
}  // namespace keybot::app

#else

#include <filesystem>

#include "keybot/core/file_io.hpp"

namespace keybot::app {
bool platform_open_file_picker() { return false; }
bool platform_open_annotation_picker() { return false; }
bool platform_open_reference_picker() { return false; }
void platform_notify_state_changed() {}
void platform_set_loop_idle(bool) {}
bool platform_target_window_size(int*, int*) { return false; }
std::string platform_save_text(const std::string& name, const std::string& text, const std::string& next_to) {
    const std::filesystem::path dir = next_to.empty() ? std::filesystem::current_path() : std::filesystem::path(next_to).parent_path();
    const std::string path = (dir / name).string();
    write_file_text(path, text);
    return path;
}
}  // namespace keybot::app

#endif
