#include <emscripten.h>

#include <cstdint>
#include <memory>
#include <string>

#include "app.hpp"
#include "autosave_store.hpp"
#include "keybot/core/error.hpp"

// web/autosave.js (window.keybotAutosave); no-ops when it is absent. The image bytes are copied by JS only while
// the key's bytes are not stored (hasImage; a failed write forgets them, so a retry sends them again).
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
// autosave.js skips every write once IndexedDB could not be opened (available === false).
EM_JS(int, keybot_js_autosave_usable, (), {
    return !window.keybotAutosave || window.keybotAutosave.available !== false ? 1 : 0;
});
EM_JS(int, keybot_js_autosave_writing, (), {
    return window.keybotAutosave && window.keybotAutosave.pending() > 0 ? 1 : 0;
});

namespace keybot::app {

namespace {

// The last reason keybot_autosave_failed reported (the error of a store that cannot be used).
std::string& reported_reason() {
    static std::string r;
    return r;
}

// Writes finish in JS after the store has returned: one that fails is reported through keybot_autosave_failed to
// the Autosaver, which tries again later, and writing() tells it when the writes of a retry have ended. Restoring
// is done by the page itself (keybot-bridge.js restoreSession), so the load functions have nothing to give.
class IndexedDbStore final : public AutosaveStore {
public:
    void save_image(const ImageEntry& e, const std::string& json) override {
        throw_if_unusable();
        keybot_js_autosave_image(e.key.c_str(), e.name.c_str(), e.bytes.data(), int(e.bytes.size()), json.c_str());
    }
    void save_session(const nlohmann::json& session) override {
        throw_if_unusable();
        keybot_js_autosave_session(session.dump().c_str());
    }
    void clear() override { keybot_js_autosave_clear(); }
    std::string load_image(const ImageEntry&) override { return {}; }
    SavedSession load_session() override { return {}; }
    bool writing() override { return keybot_js_autosave_writing() != 0; }

private:
    // Saving would be skipped without a word: the failure stands (a retry must not count as one that worked).
    static void throw_if_unusable() {
        if (!keybot_js_autosave_usable())
            throw Error(reported_reason().empty() ? "the browser's storage cannot be used" : reported_reason());
    }
};

}  // namespace

std::unique_ptr<AutosaveStore> make_indexeddb_store() { return std::make_unique<IndexedDbStore>(); }

}  // namespace keybot::app

// web/autosave.js could not store something (storage full, or denied as in some private windows): `message` says
// so in words. The Autosaver reports it (once) and tries again later.
extern "C" EMSCRIPTEN_KEEPALIVE void keybot_autosave_failed(const char* message) {
    std::string& reason = keybot::app::reported_reason();
    reason = message && *message ? message : "the browser could not store it";
    keybot::app::App* app = keybot::app::current_app();
    if (!app) return;
    app->autosaver.failed_later(app->state, reason);
    keybot::app::request_redraw(*app);
}
