// File writing (file_io.hpp): a write that fails only when the file is closed (the last buffered bytes on a
// full disk) is an error, not a silently truncated file.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"
#include "test_errors.hpp"

// Linux's /dev/full fails every write with ENOSPC, as a full disk does; elsewhere the test is skipped.
TEST_CASE("writing onto a full disk throws, even when only the final flush fails" *
          doctest::skip(!std::filesystem::exists("/dev/full"))) {
    const std::string small(100, 'x');  // fits the stream's buffer: write() succeeds, close() fails
    CHECK(test::error_of([&] { keybot::write_file_text("/dev/full", small); }).find("disk full") != std::string::npos);
    const std::vector<std::uint8_t> large(1 << 20, 7);
    CHECK(test::error_of([&] { keybot::write_file_bytes("/dev/full", large); }).find("/dev/full") != std::string::npos);
}
