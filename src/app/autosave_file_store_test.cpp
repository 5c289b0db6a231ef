// The desktop autosave store: what it writes it reads back, a session lists the images that still exist, a
// folder it cannot write to gives a clear keybot::Error (the annotator then keeps the work in memory and says
// so) and a write that fails never replaces the last good file; part of keybot_app_unit_tests.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <unistd.h>

#include "app_state.hpp"
#include "autosave_store.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"

using namespace keybot::app;
namespace fs = std::filesystem;

namespace {
struct TempDir {
    fs::path path = fs::temp_directory_path() / ("keybot-autosave-test-" + std::to_string(::getpid()));
    TempDir() { fs::remove_all(path); }
    ~TempDir() { fs::remove_all(path); }
};
ImageEntry entry_with_key(const std::string& key) {
    ImageEntry e;
    e.key = key;
    e.name = key;
    return e;
}
}  // namespace

TEST_CASE("the file store reads back what it wrote, under a safe file name, and forgets it on clear") {
    TempDir tmp;
    const std::string dir = (tmp.path / "autosave").string();  // created on the first save
    auto store = make_file_store(dir);
    const ImageEntry e = entry_with_key("0123abcd-case 1/2.png");
    CHECK(store->load_image(e).empty());
    store->save_image(e, R"({"keybot_autosave":1})");
    CHECK(store->load_image(e) == R"({"keybot_autosave":1})");
    CHECK(fs::exists(dir + "/0123abcd-case_1_2.png.json"));
    CHECK_FALSE(fs::exists(dir + "/0123abcd-case_1_2.png.json.tmp"));  // written, then renamed into place
    store->clear();
    CHECK(store->load_image(e).empty());
}

TEST_CASE("a saved session lists its images that still exist, and the open one") {
    TempDir tmp;
    fs::create_directories(tmp.path);
    const std::string kept = (tmp.path / "kept.png").string(), gone = (tmp.path / "gone.png").string();
    keybot::write_file_text(kept, "x");
    auto store = make_file_store((tmp.path / "autosave").string());
    CHECK(store->load_session().paths.empty());
    store->save_session({{"images", {{{"key", "a"}, {"path", gone}}, {{"key", "b"}, {"path", kept}}}}, {"active", 1}});
    const SavedSession s = store->load_session();
    REQUIRE(s.paths.size() == 1);
    CHECK(s.paths[0] == kept);
    CHECK(s.active == 1);
}

TEST_CASE("a folder that cannot be written gives a clear error") {
    TempDir tmp;
    fs::create_directories(tmp.path);
    const std::string file = (tmp.path / "a-file").string();
    keybot::write_file_text(file, "not a folder");
    auto store = make_file_store(file + "/autosave");  // a folder inside a regular file: not even root can make it
    const ImageEntry e = entry_with_key("k");
    CHECK_THROWS_WITH_AS(store->save_image(e, "{}"), doctest::Contains("cannot write to the autosave folder"), keybot::Error);
    CHECK_THROWS_AS(store->save_session(nlohmann::json::object()), keybot::Error);
}

// Linux's /dev/full fails every write with ENOSPC, as a full disk does; elsewhere the test is skipped.
TEST_CASE("a write that fails at the end (disk full) keeps the last good autosave and leaves no temporary file" *
          doctest::skip(!fs::exists("/dev/full"))) {
    TempDir tmp;
    const std::string dir = (tmp.path / "autosave").string();
    auto store = make_file_store(dir);
    const ImageEntry e = entry_with_key("k");
    store->save_image(e, R"({"good":1})");
    fs::create_symlink("/dev/full", dir + "/k.json.tmp");  // the next temporary file is written onto a full disk
    CHECK_THROWS_WITH_AS(store->save_image(e, R"({"newer":2})"), doctest::Contains("cannot write to the autosave folder"), keybot::Error);
    REQUIRE_FALSE(fs::is_symlink(dir + "/k.json"));  // the failed temporary file was not renamed into place
    CHECK(store->load_image(e) == R"({"good":1})");
    CHECK_FALSE(fs::exists(fs::symlink_status(dir + "/k.json.tmp")));
}

TEST_CASE("an autosave keeps the undo history: restored, undo and redo give the same states") {
    const std::string pgm = std::string("P5\n4 4\n255\n") + std::string(16, '\x40');
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(pgm.data());
    keybot::app::AppState first;
    REQUIRE(first.load_image(bytes, pgm.size(), "h.pgm"));
    keybot::Document& doc = *first.active()->doc;
    std::vector<keybot::AnnotatedPoint> a(68), b(68);
    for (int i = 0; i < 68; ++i) {
        a[i] = {1.0 + i % 3, 2.0, keybot::Provenance::predicted, 0.25};
        b[i] = {0.5, 1.0 + i % 2, keybot::Provenance::user_placed, 0.0};
    }
    doc.set_points(a);
    doc.set_points(b);
    doc.undo();  // one redo step left
    const std::string saved = keybot::app::autosave_json(*first.active());

    keybot::app::AppState second;
    REQUIRE(second.load_image(bytes, pgm.size(), "h.pgm", saved));
    keybot::Document& back = *second.active()->doc;
    CHECK(back.points() == a);
    CHECK(back.undo_stack() == doc.undo_stack());
    CHECK(back.redo_stack() == doc.redo_stack());
    REQUIRE(back.redo());
    CHECK(back.points() == b);
    REQUIRE(back.undo());
    REQUIRE(back.undo());
    CHECK_FALSE(back.can_undo());

    // A broken history is dropped; the annotation itself is still restored.
    std::string broken = saved;
    broken.replace(broken.find("\"undo\":["), 8, "\"undo\":[[[1,2,\"nonsense\",0]],");
    keybot::app::AppState third;
    REQUIRE(third.load_image(bytes, pgm.size(), "h.pgm", broken));
    CHECK(third.active()->doc->points() == a);
    CHECK_FALSE(third.active()->doc->can_undo());
}
