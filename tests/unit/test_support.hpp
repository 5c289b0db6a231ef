#pragma once
// Shared helpers for the unit tests: fixture images encoded in memory, a synthetic spine, temp folders and
// the location of the real AASCE data (tests needing it skip when it is absent).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "keybot/core/geometry.hpp"

namespace test {

inline std::string data_dir() {
    if (const char* env = std::getenv("KEYBOT_DATA_DIR")) return env;
    return KEYBOT_DATA_DIR_DEFAULT;
}
inline bool have_data() { return std::filesystem::exists(data_dir() + "/landmarks.csv"); }
// Decorator for the test cases that read the AASCE data: `TEST_CASE("..." * test::needs_data())`. Decided when
// the case registers, so without the data it counts as skipped in doctest's summary (and in .ci/test's
// totals), never as passed. Says once on stderr where it looked.
doctest::skip needs_data();

using Bytes = std::vector<std::uint8_t>;

// The real `keybot` CLI (KEYBOT_CLI) run through the shell with `args` (quote paths yourself): its exit status
// (-1 when it did not exit normally) and its stdout and stderr together.
struct CliRun {
    int status = -1;
    std::string output;
};
CliRun run_cli(const std::string& args);

// A fresh empty folder under the system temp dir, removed on destruction.
struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& tag);
    ~TempDir();
    std::string str() const { return path.string(); }
};

// Encoders for fixtures (stb_image_write where it can, hand-written where it cannot: 16-bit PNG, PGM).
Bytes png8(int w, int h, int channels, const Bytes& samples);
Bytes png16_gray(int w, int h, const std::vector<std::uint16_t>& samples);
Bytes jpeg8(int w, int h, int channels, const Bytes& samples);
Bytes bmp8(int w, int h, int channels, const Bytes& samples);
Bytes pgm(int w, int h, int max_value, const std::vector<std::uint16_t>& samples);  // P5, 16-bit if max > 255
Bytes ramp(int w, int h, int channels);  // deterministic 8-bit pattern

// 17 vertebrae (4 corners each, tl, tr, bl, br) along a spine whose vertebra tilt goes linearly from
// tilt_top_deg to tilt_bottom_deg; centred at x = cx, from y = top with `pitch` px per vertebra.
std::vector<keybot::Point> synthetic_spine(double tilt_top_deg, double tilt_bottom_deg, double cx = 300.0,
                                           double top = 100.0, double pitch = 60.0);

}  // namespace test
