// `keybot predict` on bad batches (issue #12): colliding output names, unreadable arguments, formats outside
// the documented list, huge files, a batch where everything fails. Runs the real CLI with the fixture models.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "keybot/core/file_io.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

using Run = test::CliRun;

Run predict(const std::string& args) {
    return test::run_cli("predict " + args + " --models '" + KEYBOT_FIXTURES_DIR + "/models' --threads 1");
}

void write_image(const fs::path& path, bool jpeg = false) {
    const test::Bytes pixels = test::ramp(64, 128, 1);
    keybot::write_file_bytes(path.string(), jpeg ? test::jpeg8(64, 128, 1, pixels) : test::png8(64, 128, 1, pixels));
}

}  // namespace

TEST_CASE("predict refuses inputs whose outputs would overwrite each other, before any work") {
    test::TempDir dir("predict-clash");
    fs::create_directories(dir.path / "a");
    fs::create_directories(dir.path / "b");
    write_image(dir.path / "a/x.png");
    write_image(dir.path / "a/x.jpg", true);
    write_image(dir.path / "b/x.png");
    write_image(dir.path / "b/y.png");
    const fs::path out = dir.path / "out";
    const Run r = predict("'" + (dir.path / "a").string() + "' '" + (dir.path / "b").string() + "' --out '" + out.string() + "'");
    CAPTURE(r.output);
    CHECK(r.status == 1);
    CHECK(r.output.find("would overwrite each other's outputs") != std::string::npos);
    const std::string a = (dir.path / "a").string(), b = (dir.path / "b").string();
    CHECK(r.output.find(out.string() + "/x.json <- " + a + "/x.jpg, " + a + "/x.png, " + b + "/x.png") != std::string::npos);
    CHECK(r.output.find("y.json") == std::string::npos);
    CHECK_FALSE(fs::exists(out));  // nothing written, not even the folder

    // Distinct names in the same folders run as before.
    fs::remove(dir.path / "a/x.jpg");
    fs::remove(dir.path / "b/x.png");
    const Run ok = predict("'" + a + "' '" + b + "' --out '" + out.string() + "'");
    CAPTURE(ok.output);
    CHECK(ok.status == 0);
    CHECK(ok.output.find("2 of 2 images written") != std::string::npos);
    CHECK(fs::exists(out / "x.json"));
    CHECK(fs::exists(out / "y.overlay.png"));
}

TEST_CASE("predict skips a symlink loop, a GIF and a huge file, and processes the rest") {
    test::TempDir dir("predict-skip");
    fs::create_directories(dir.path / "in");
    write_image(dir.path / "in/good.png");
    fs::create_symlink("loop.png", dir.path / "in/loop.png");  // points at itself
    fs::create_symlink(dir.path / "self", dir.path / "self");  // a loop given as an argument
    const test::Bytes gif = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0, 0xFF, 0xFF, 0xFF, 0, 0, 0, ',', 0, 0, 0, 0,
                             1, 0, 1, 0, 0, 2, 2, 'D', 1, 0, ';'};
    keybot::write_file_bytes((dir.path / "pic.gif").string(), gif);
    const fs::path huge = dir.path / "zeros.jpg";
    keybot::write_file_bytes(huge.string(), {});
    fs::resize_file(huge, 300ull * 1024 * 1024);  // sparse: nothing to read, refused from its size
    const fs::path out = dir.path / "out";
    const Run r = predict("'" + (dir.path / "in").string() + "' '" + (dir.path / "self").string() + "' '" +
                          (dir.path / "pic.gif").string() + "' '" + huge.string() + "' --out '" + out.string() + "'");
    CAPTURE(r.output);
    CHECK(r.status == 1);  // some inputs failed
    CHECK(r.output.find("loop.png: Too many levels of symbolic links") != std::string::npos);
    CHECK(r.output.find("self: Too many levels of symbolic links") != std::string::npos);
    CHECK(r.output.find("pic.gif: not a readable image (not PNG, JPEG, BMP, binary PGM/PPM or DICOM)") != std::string::npos);
    CHECK(r.output.find("zeros.jpg: the file is 300 MiB, more than the limit of 200 MiB") != std::string::npos);
    CHECK(r.output.find("1 of 5 images written") != std::string::npos);
    CHECK(fs::exists(out / "good.json"));
}

TEST_CASE("predict skips a folder it cannot list (needs a non-root user)" * doctest::skip(geteuid() == 0)) {
    test::TempDir dir("predict-locked");
    fs::create_directories(dir.path / "locked");
    write_image(dir.path / "locked/a.png");
    write_image(dir.path / "good.png");
    fs::permissions(dir.path / "locked", fs::perms::none);
    const fs::path out = dir.path / "out";
    const Run r = predict("'" + (dir.path / "locked").string() + "' '" + (dir.path / "good.png").string() + "' --out '" +
                          out.string() + "'");
    fs::permissions(dir.path / "locked", fs::perms::owner_all);
    CAPTURE(r.output);
    CHECK(r.status == 1);
    CHECK(r.output.find("skipped " + (dir.path / "locked").string() + ": Permission denied") != std::string::npos);
    CHECK(r.output.find("1 of 1 images written to " + out.string() + ", 1 arguments skipped") != std::string::npos);
    CHECK(fs::exists(out / "good.json"));
}

TEST_CASE("predict exits 1 when every file fails") {
    test::TempDir dir("predict-fail");
    keybot::write_file_text((dir.path / "a.png").string(), "not an image");
    keybot::write_file_text((dir.path / "b.jpg").string(), "");
    const Run r = predict("'" + (dir.path / "a.png").string() + "' '" + (dir.path / "b.jpg").string() + "' --out '" +
                          (dir.path / "out").string() + "'");
    CAPTURE(r.output);
    CHECK(r.status == 1);
    CHECK(r.output.find("0 of 2 images written") != std::string::npos);
    CHECK(r.output.find("b.jpg: image data is empty") != std::string::npos);
}
