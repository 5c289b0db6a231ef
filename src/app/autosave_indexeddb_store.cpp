#include <emscripten.h>

#include "app_state.hpp"
#include "autosave_store.hpp"

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

// Writes are asynchronous in JS (autosave.js reports its own failures); restoring is done by the page itself
// (keybot-bridge.js restoreSession), so the load functions have nothing to give.
class IndexedDbStore final : public AutosaveStore {
public:
    void save_image(const ImageEntry& e, const std::string& json) override {
        keybot_js_autosave_image(e.key.c_str(), e.name.c_str(), e.bytes.data(), int(e.bytes.size()), json.c_str());
    }
    void save_session(const nlohmann::json& session) override { keybot_js_autosave_session(session.dump().c_str()); }
    void clear() override { keybot_js_autosave_clear(); }
    std::string load_image(const ImageEntry&) override { return {}; }
    SavedSession load_session() override { return {}; }
};

}  // namespace

std::unique_ptr<AutosaveStore> make_indexeddb_store() { return std::make_unique<IndexedDbStore>(); }

}  // namespace keybot::app
