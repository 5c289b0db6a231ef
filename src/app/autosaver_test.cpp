// The Autosaver on a store that fails: a failed write is reported once, the work stays unsaved in memory and is
// tried again at most every kRetryMs while changes wait; a retry that works says so and saving goes on as before.
// A failure reported after the write (the browser's IndexedDB) takes the same path. Part of keybot_app_unit_tests.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>

#include "app_state.hpp"
#include "autosaver.hpp"
#include "keybot/core/error.hpp"

using namespace keybot::app;

namespace {

double g_now = 0.0;  // the Autosaver's clock in these tests
double fake_clock() { return g_now; }

// A store that fails its next `failures` writes (as a full disk would), then keeps what it is given. `in_flight`
// plays the browser's store, whose accepted writes end later.
class FlakyStore final : public AutosaveStore {
public:
    explicit FlakyStore(int failures) : failures_(failures) {}
    int attempts = 0;
    bool in_flight = false;
    std::map<std::string, std::string> images;
    nlohmann::json session;

    void save_image(const ImageEntry& e, const std::string& json) override {
        attempt();
        images[e.key] = json;
    }
    void save_session(const nlohmann::json& s) override {
        attempt();
        session = s;
    }
    void clear() override {
        images.clear();
        session = nullptr;
    }
    std::string load_image(const ImageEntry&) override { return {}; }
    SavedSession load_session() override { return {}; }
    bool writing() override { return in_flight; }

private:
    void attempt() {
        ++attempts;
        if (failures_ > 0 && failures_--) throw keybot::Error("disk full");
    }
    int failures_;
};

// A session with one open image, changed at g_now.
struct Session {
    AppState state;
    Autosaver autosaver{fake_clock};
    FlakyStore* store = nullptr;

    explicit Session(int failures) {
        auto s = std::make_unique<FlakyStore>(failures);
        store = s.get();
        autosaver.set_store(std::move(s));
        const std::string pgm = std::string("P5\n4 4\n255\n") + std::string(16, '\x40');
        REQUIRE(state.load_image(reinterpret_cast<const std::uint8_t*>(pgm.data()), pgm.size(), "a.pgm"));
        change();
        autosaver.opened(state, image(), false);
    }
    ImageEntry& image() { return *state.active(); }
    void change() { state.touch(image(), g_now, false); }
    bool tick_at(double ms) {
        g_now = ms;
        return autosaver.tick(state);
    }
};

}  // namespace

TEST_CASE("a failed autosave is reported once and retried every 10 s while changes wait; a retry that works says so") {
    g_now = 0.0;
    Session s(2);
    CHECK(s.tick_at(0.0));  // the session list goes at once (the image after the debounce): fails, reported
    CHECK(s.store->attempts == 1);
    CHECK(s.state.error() == "Autosave failed (work continues unsaved): disk full");
    CHECK(s.state.error_count() == 1);
    CHECK(s.autosaver.failing());
    CHECK_FALSE(s.autosaver.pending(s.state));  // the browser's loop may rest until the retry

    g_now = 5000.0;
    s.change();  // more work while failing: kept in memory, waits for the retry
    CHECK_FALSE(s.tick_at(Autosaver::kRetryMs - 1.0));
    CHECK(s.store->attempts == 1);

    CHECK_FALSE(s.tick_at(Autosaver::kRetryMs));  // fails again: not said again
    CHECK(s.store->attempts == 2);
    CHECK(s.state.error_count() == 1);
    CHECK(s.store->images.empty());

    const double works = 2 * Autosaver::kRetryMs;
    CHECK_FALSE(s.tick_at(works - 1.0));
    CHECK(s.tick_at(works));  // works: said, and the error it reported goes
    CHECK_FALSE(s.autosaver.failing());
    CHECK(s.state.notice().rfind("Autosave works again: ", 0) == 0);
    CHECK(s.state.error().empty());
    CHECK(s.store->images.count(s.image().key) == 1);
    CHECK(s.store->session["images"].size() == 1);
    CHECK_FALSE(s.autosaver.pending(s.state));

    // Back to normal: the next change is saved after the debounce, not after kRetryMs.
    const int before = s.store->attempts;
    g_now = works + 100.0;
    s.change();
    CHECK(s.autosaver.pending(s.state));
    CHECK_FALSE(s.tick_at(g_now + Autosaver::kDelayMs));
    CHECK(s.store->attempts == before + 2);  // the image and the session list
    CHECK_FALSE(s.autosaver.pending(s.state));
}

TEST_CASE("with nothing unsaved a failing autosave tries nothing; a flush tries at once") {
    g_now = 0.0;
    Session s(2);
    CHECK(s.tick_at(Autosaver::kDelayMs));
    CHECK(s.store->attempts == 1);
    // An explicit flush (exit, page hidden) does not wait for the retry; it fails here, without a second report.
    g_now = 1000.0;
    CHECK_FALSE(s.autosaver.flush(s.state));
    CHECK(s.store->attempts == 2);
    CHECK(s.state.error_count() == 1);

    s.state.clear();  // "New session": nothing left to save
    s.autosaver.clear();
    CHECK_FALSE(s.tick_at(100000.0));
    CHECK(s.store->attempts == 2);
    CHECK(s.autosaver.failing());  // nothing has worked since
}

TEST_CASE("a failure reported after the write (browser storage) is retried the same way; a retry counts once its writes end") {
    g_now = 0.0;
    Session s(0);
    CHECK_FALSE(s.tick_at(Autosaver::kDelayMs));  // accepted
    CHECK(s.store->attempts == 2);
    CHECK_FALSE(s.autosaver.pending(s.state));

    s.autosaver.failed_later(s.state, "the browser's storage for this site is full");  // that write failed later
    CHECK(s.state.error() == "Autosave failed (work continues unsaved): the browser's storage for this site is full");
    CHECK(s.autosaver.failing());
    CHECK_FALSE(s.tick_at(5000.0));
    CHECK(s.store->attempts == 2);
    g_now = 6000.0;
    s.autosaver.failed_later(s.state, "again");  // another write of before: said once, the retry moves on
    CHECK(s.state.error_count() == 1);
    CHECK_FALSE(s.tick_at(Autosaver::kDelayMs + Autosaver::kRetryMs));
    CHECK(s.store->attempts == 2);

    // The retry (everything counts as unsaved: which write failed is not known) is accepted; it works only once
    // its writes have ended without a failure.
    s.store->in_flight = true;
    CHECK_FALSE(s.tick_at(6000.0 + Autosaver::kRetryMs));
    CHECK(s.store->attempts == 4);
    CHECK(s.autosaver.failing());
    CHECK(s.autosaver.pending(s.state));  // the browser's loop keeps going until they end
    s.autosaver.failed_later(s.state, "still full");  // they failed: no second report, next retry in 10 s
    CHECK(s.state.error_count() == 1);
    CHECK_FALSE(s.autosaver.pending(s.state));
    CHECK_FALSE(s.tick_at(6000.0 + 2 * Autosaver::kRetryMs - 1.0));
    CHECK(s.store->attempts == 4);

    CHECK_FALSE(s.tick_at(6000.0 + 2 * Autosaver::kRetryMs));  // accepted again
    CHECK(s.store->attempts == 6);
    s.store->in_flight = false;  // ended, no failure
    CHECK(s.tick_at(g_now + 16.0));
    CHECK_FALSE(s.autosaver.failing());
    CHECK(s.state.notice().rfind("Autosave works again: ", 0) == 0);
    CHECK(s.store->attempts == 6);  // nothing more to write
}
