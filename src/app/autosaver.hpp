#pragma once
// When and what the annotator autosaves; the store (autosave_store.hpp) decides where. Each image is saved
// kDelayMs after its last change (its autosave wrapper, see autosave_json), the session's list of images after
// any of them. A write that fails is reported once; the work stays in memory and the unsaved changes are tried
// again at most every kRetryMs, so a disk or browser storage that fills up and is freed again loses nothing, and
// the user hears when it works again. Works on AppState alone, on a clock it is given (unit-tested with a fake
// one and a failing store).
#include <memory>
#include <string>

#include "autosave_store.hpp"

namespace keybot::app {

class AppState;
struct ImageEntry;

class Autosaver {
public:
    static constexpr double kDelayMs = 400.0;     // debounce after each change
    static constexpr double kRetryMs = 10000.0;  // after a failed write, the next try comes no sooner

    explicit Autosaver(double (*clock_ms)()) : clock_ms_(clock_ms) {}
    void set_store(std::unique_ptr<AutosaveStore> store) { store_ = std::move(store); }  // null: no autosave

    // Once per frame: saves what has waited kDelayMs (while failing: once kRetryMs have passed). True when it
    // reported something (an error, or that autosave works again): the screen must show it.
    bool tick(AppState& state) { return save(state, false); }
    // Saves every change now, also while failing: an explicit request (exit, page hidden, keybot.autosaveIdle()).
    bool flush(AppState& state) { return save(state, true); }
    // Something will be saved by a coming tick: the browser's loop must not pause. False while failing (the next
    // try comes with the next tick after kRetryMs) unless retried writes are still finishing.
    bool pending(const AppState& state) const;
    bool failing() const { return failing_; }  // a write failed and none has worked since
    void clear();                              // forgets everything saved ("New session")

    // A newly opened image: restores its autosaved annotation when `restore` and it has none yet (the desktop
    // reopening an image it saved), then counts it as saved if it has points.
    void opened(AppState& state, ImageEntry& e, bool restore);
    // The images of the last saved session (desktop); an unreadable one is reported and gives none.
    SavedSession saved_session(AppState& state);
    // A write that failed after the store had returned (the browser's IndexedDB, through keybot_autosave_failed):
    // handled as a failed write. Which write failed is not known, so everything counts as unsaved.
    void failed_later(AppState& state, const std::string& reason);

private:
    bool save(AppState& state, bool force);
    bool failed(AppState& state, const std::string& reason);
    bool works_again(AppState& state);
    bool session_unsaved(const AppState& state) const;

    double (*clock_ms_)();
    std::unique_ptr<AutosaveStore> store_;
    unsigned saved_session_changes_ = ~0u;  // state.changes() when the session list was last saved
    bool failing_ = false;
    bool confirming_ = false;   // failing, and retried writes still in flight (AutosaveStore::writing)
    double retry_at_ms_ = 0.0;  // failing: no write before this
    std::string reported_;      // the error reported for the failure (cleared once it works again, if still shown)
};

// $KEYBOT_AUTOSAVE_DIR, else $XDG_DATA_HOME/keybot/autosave, else ~/.local/share/keybot/autosave ("" if none).
std::string default_autosave_dir();

}  // namespace keybot::app
