#pragma once
// Where autosaved work goes. The Autosaver (autosaver.hpp) decides when to save (debounced after each change)
// and what (one wrapper JSON per image, see autosave_json; the session's list of images); a store decides where:
// files on the desktop (autosave_file_store.cpp), IndexedDB in the browser (autosave_indexeddb_store.cpp, through
// web/autosave.js). A store that cannot write throws keybot::Error with the reason; the Autosaver then reports
// it once, keeps the work in memory and tries again later.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace keybot::app {

struct ImageEntry;

// The images of a saved session, as the desktop reopens them (the browser restores its sessions in JS).
struct SavedSession {
    std::vector<std::string> paths;  // image files that still exist, in the session's order
    int active = 0;                  // the one that was open
};

class AutosaveStore {
public:
    virtual ~AutosaveStore() = default;
    // One image's autosave wrapper JSON (its bytes too where the store keeps them).
    virtual void save_image(const ImageEntry& entry, const std::string& json) = 0;
    // The session's images in order ({"images": [{key, name, path}], "active": i}).
    virtual void save_session(const nlohmann::json& session) = 0;
    virtual void clear() = 0;  // forgets everything saved
    // The saved wrapper JSON of `entry`, "" when there is none (reopening an image on the desktop).
    virtual std::string load_image(const ImageEntry& entry) = 0;
    virtual SavedSession load_session() = 0;
    // Whether writes it has accepted are still finishing: the browser's end after the call has returned, and one
    // that fails is reported later (Autosaver::failed_later). A store that writes before returning: never.
    virtual bool writing() { return false; }
};

// Desktop: DIR/<key>.json per image (written to a temporary file, synced, then renamed: never half-written) and
// DIR/session.json. DIR is created on the first save.
std::unique_ptr<AutosaveStore> make_file_store(const std::string& dir);
// Browser: IndexedDB through window.keybotAutosave (web/autosave.js); a no-op when the page has none.
std::unique_ptr<AutosaveStore> make_indexeddb_store();

}  // namespace keybot::app
