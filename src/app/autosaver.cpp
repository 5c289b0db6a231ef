#include "autosaver.hpp"

#include <cstdlib>
#include <exception>

#include <nlohmann/json.hpp>

#include "app_state.hpp"

namespace keybot::app {

namespace {

// An image with changes not yet saved (a run in flight saves when it lands).
bool entry_unsaved(const ImageEntry& e) { return e.saved_changes != e.changes && !e.pending_ticket; }

nlohmann::json session_list(const AppState& state) {
    nlohmann::json list = nlohmann::json::array();
    for (int i = 0; i < state.image_count(); ++i) {
        const ImageEntry& e = state.entry(i);
        list.push_back({{"key", e.key}, {"name", e.name}, {"path", e.source_path}});
    }
    return {{"images", list}, {"active", state.active_index()}};
}

}  // namespace

// The session list changed since it was saved (an empty session that was never saved needs nothing).
bool Autosaver::session_unsaved(const AppState& state) const {
    return saved_session_changes_ != state.changes() && !(state.image_count() == 0 && saved_session_changes_ == ~0u);
}

bool Autosaver::save(AppState& state, bool force) {
    if (!store_) return false;
    const double now = clock_ms_();
    if (failing_ && !confirming_ && !force && now < retry_at_ms_) return false;
    bool wrote = false;
    for (int i = 0; i < state.image_count(); ++i) {
        ImageEntry& e = state.entry(i);
        if (!entry_unsaved(e) || (!force && now - e.changed_ms < kDelayMs)) continue;
        try {
            store_->save_image(e, autosave_json(e));
        } catch (const std::exception& err) {
            return failed(state, err.what());  // the rest waits for the retry
        }
        e.saved_changes = e.changes;
        wrote = true;
    }
    if (wrote || session_unsaved(state)) {
        try {
            store_->save_session(session_list(state));
        } catch (const std::exception& err) {
            return failed(state, err.what());
        }
        saved_session_changes_ = state.changes();
        wrote = true;
    }
    if (!failing_ || !(wrote || confirming_)) return false;
    // A retry was accepted; a store whose writes finish later has the last word once they have (failed_later).
    confirming_ = store_->writing();
    return confirming_ ? false : works_again(state);
}

bool Autosaver::failed(AppState& state, const std::string& reason) {
    retry_at_ms_ = clock_ms_() + kRetryMs;
    confirming_ = false;
    if (failing_) return false;  // said once per failure, not at every retry
    failing_ = true;
    reported_ = "Autosave failed (work continues unsaved): " + reason;
    state.set_error(reported_);
    return true;
}

bool Autosaver::works_again(AppState& state) {
    failing_ = false;
    if (state.error() == reported_) state.clear_error();  // no longer true
    state.set_notice("Autosave works again: the work is saved.");
    return true;
}

void Autosaver::failed_later(AppState& state, const std::string& reason) {
    if (!store_) return;
    for (int i = 0; i < state.image_count(); ++i) state.entry(i).saved_changes = ~0u;
    saved_session_changes_ = ~0u;
    failed(state, reason);
}

bool Autosaver::pending(const AppState& state) const {
    if (!store_) return false;
    if (failing_) return confirming_;
    for (int i = 0; i < state.image_count(); ++i)
        if (entry_unsaved(state.entry(i))) return true;
    return session_unsaved(state);
}

void Autosaver::clear() {
    if (store_) store_->clear();
    saved_session_changes_ = ~0u;
}

void Autosaver::opened(AppState& state, ImageEntry& e, bool restore) {
    if (restore && !e.has_points && store_) {
        try {
            if (const std::string saved = store_->load_image(e); !saved.empty()) {
                restore_autosave(e, saved);
                state.set_notice("Restored the autosaved annotation of " + e.name);
            }
        } catch (const std::exception& err) {
            state.set_error("The autosave of \"" + e.name + "\" could not be restored (" + err.what() + ")");
        }
    }
    e.saved_changes = e.has_points ? e.changes : ~0u;
}

SavedSession Autosaver::saved_session(AppState& state) {
    if (!store_) return {};
    try {
        return store_->load_session();
    } catch (const std::exception& err) {
        state.set_error(std::string("The last session could not be restored: ") + err.what());
        return {};
    }
}

std::string default_autosave_dir() {
    if (const char* dir = std::getenv("KEYBOT_AUTOSAVE_DIR")) return dir;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::string(xdg) + "/keybot/autosave";
    if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/keybot/autosave";
    return {};
}

}  // namespace keybot::app
