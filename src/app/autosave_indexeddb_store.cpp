#include <emscripten.h>

#include "app.hpp"
#include "autosave_store.hpp"
#include "keybot/core/error.hpp"

// web/autosave.js (window.keybotAutosave); no-ops when it is absent. The image bytes are copied by JS only the
// first time a key is saved.
EM_JS(void, keybot_js_autosave_image, (const char* key, const char* name, const std::uint8_t* bytes, int len, const char* json), {
    if (!window.keybotAutosave) return;
    const k = UTF8ToString(key);
    window.keybotAutosave.saveImage(k, UTF8ToString(name), window.keybotAutosave.hasImage(k) ? null : HEAPU8.slice(bytes, bytes + len), UTF8ToString(json));
});
EM_JS(void, keybot_js_autosave_session, (const char* json), {
    if (window.keybotAutosave) window.keybotAutosave.saveSession(JSON.parse(UTF8ToString(json)));
});
EM_JS(void, keybot_js_autosave_clear, (), {
    if (window.keybotAutosave) window.keybotAutosave.clear();
});

namespace keybot::app {

namespace {

// Why the last write failed in JS ("" while none has), from keybot_autosave_failed.
std::string& failure() {
    static std::string reason;
    return reason;
}

// Writes finish in JS after the store has returned, so a failed one is thrown by the next save (the annotator
// reports it once, stops autosaving and keeps the work in memory); restoring is done by the page itself
// (keybot-bridge.js restoreSession), so the load functions have nothing to give.
class IndexedDbStore final : public AutosaveStore {
public:
    void save_image(const ImageEntry& e, const std::string& json) override {
        throw_if_failed();
        keybot_js_autosave_image(e.key.c_str(), e.name.c_str(), e.bytes.data(), int(e.bytes.size()), json.c_str());
    }
    void save_session(const nlohmann::json& session) override {
        throw_if_failed();
        keybot_js_autosave_session(session.dump().c_str());
    }
    void clear() override { keybot_js_autosave_clear(); }
    std::string load_image(const ImageEntry&) override { return {}; }
    SavedSession load_session() override { return {}; }

private:
    static void throw_if_failed() {
        if (!failure().empty()) throw Error(failure());
    }
};

}  // namespace

std::unique_ptr<AutosaveStore> make_indexeddb_store() { return std::make_unique<IndexedDbStore>(); }

}  // namespace keybot::app

// web/autosave.js could not store something (storage full, or denied as in some private windows): `message` says
// so in words. The session is marked unsaved so that its next save comes now and meets the failure: the user
// learns at once, not at the next edit.
extern "C" EMSCRIPTEN_KEEPALIVE void keybot_autosave_failed(const char* message) {
    keybot::app::App* app = keybot::app::current_app();
    if (!app || !app->autosave_enabled) return;
    keybot::app::failure() = message && *message ? message : "the browser could not store it";
    app->saved_session_changes = ~0u;
    keybot::app::request_redraw(*app);
}
