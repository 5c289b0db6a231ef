#include "test_support.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <random>

#include <stb/stb_image_write.h>

namespace test {
namespace {

void append(void* ctx, void* data, int size) {
    auto* out = static_cast<Bytes*>(ctx);
    out->insert(out->end(), static_cast<std::uint8_t*>(data), static_cast<std::uint8_t*>(data) + size);
}

std::uint32_t crc32(const std::uint8_t* p, std::size_t n, std::uint32_t crc = 0xffffffffu) {
    for (std::size_t i = 0; i < n; ++i) {
        crc ^= p[i];
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return crc;
}

void put32(Bytes& b, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}

void chunk(Bytes& png, const char* type, const Bytes& data) {
    put32(png, static_cast<std::uint32_t>(data.size()));
    Bytes body(type, type + 4);
    body.insert(body.end(), data.begin(), data.end());
    png.insert(png.end(), body.begin(), body.end());
    put32(png, crc32(body.data(), body.size()) ^ 0xffffffffu);
}

// zlib stream made of stored (uncompressed) deflate blocks.
Bytes zlib_stored(const Bytes& raw) {
    Bytes z = {0x78, 0x01};
    std::size_t pos = 0;
    do {
        const std::size_t n = std::min<std::size_t>(65535, raw.size() - pos);
        z.push_back(pos + n == raw.size() ? 1 : 0);
        z.push_back(static_cast<std::uint8_t>(n));
        z.push_back(static_cast<std::uint8_t>(n >> 8));
        z.push_back(static_cast<std::uint8_t>(~n));
        z.push_back(static_cast<std::uint8_t>(~n >> 8));
        z.insert(z.end(), raw.begin() + pos, raw.begin() + pos + n);
        pos += n;
    } while (pos < raw.size());
    std::uint32_t a = 1, b = 0;
    for (std::uint8_t c : raw) {
        a = (a + c) % 65521;
        b = (b + a) % 65521;
    }
    put32(z, (b << 16) | a);
    return z;
}

}  // namespace

TempDir::TempDir(const std::string& tag) {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("keybot-test-" + tag + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path);
}
TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
}

Bytes png8(int w, int h, int channels, const Bytes& samples) {
    Bytes out;
    stbi_write_png_to_func(append, &out, w, h, channels, samples.data(), w * channels);
    return out;
}

Bytes png16_gray(int w, int h, const std::vector<std::uint16_t>& samples) {
    Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    Bytes ihdr;
    put32(ihdr, static_cast<std::uint32_t>(w));
    put32(ihdr, static_cast<std::uint32_t>(h));
    ihdr.insert(ihdr.end(), {16, 0, 0, 0, 0});  // bit depth 16, gray, deflate, filter 0, no interlace
    chunk(png, "IHDR", ihdr);
    Bytes raw;
    for (int y = 0; y < h; ++y) {
        raw.push_back(0);  // filter type none
        for (int x = 0; x < w; ++x) {
            const std::uint16_t v = samples[static_cast<std::size_t>(y) * w + x];
            raw.push_back(static_cast<std::uint8_t>(v >> 8));
            raw.push_back(static_cast<std::uint8_t>(v));
        }
    }
    chunk(png, "IDAT", zlib_stored(raw));
    chunk(png, "IEND", {});
    return png;
}

Bytes jpeg8(int w, int h, int channels, const Bytes& samples) {
    Bytes out;
    stbi_write_jpg_to_func(append, &out, w, h, channels, samples.data(), 100);
    return out;
}

Bytes bmp8(int w, int h, int channels, const Bytes& samples) {
    Bytes out;
    stbi_write_bmp_to_func(append, &out, w, h, channels, samples.data());
    return out;
}

Bytes pgm(int w, int h, int max_value, const std::vector<std::uint16_t>& samples) {
    const std::string header = "P5\n" + std::to_string(w) + " " + std::to_string(h) + "\n" + std::to_string(max_value) + "\n";
    Bytes out(header.begin(), header.end());
    for (std::uint16_t v : samples) {
        if (max_value > 255) out.push_back(static_cast<std::uint8_t>(v >> 8));  // big-endian per the PGM spec
        out.push_back(static_cast<std::uint8_t>(v));
    }
    return out;
}

Bytes ramp(int w, int h, int channels) {
    Bytes b(static_cast<std::size_t>(w) * h * channels);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>((i * 37 + i / 7) % 251);
    return b;
}

std::vector<keybot::Point> synthetic_spine(double tilt_top_deg, double tilt_bottom_deg, double cx, double top, double pitch) {
    std::vector<keybot::Point> pts;
    const double half_w = 25.0, half_h = 15.0;
    for (int v = 0; v < 17; ++v) {
        const double t = (tilt_top_deg + (tilt_bottom_deg - tilt_top_deg) * v / 16.0) * 3.14159265358979323846 / 180.0;
        const keybot::Point c{cx + 40.0 * std::sin(v / 16.0 * 3.14159265358979323846), top + pitch * v};
        const keybot::Point ex{std::cos(t), std::sin(t)}, ey{-std::sin(t), std::cos(t)};
        for (const auto& [sx, sy] : std::array<std::array<double, 2>, 4>{{{-1, -1}, {1, -1}, {-1, 1}, {1, 1}}})
            pts.push_back(c + ex * (sx * half_w) + ey * (sy * half_h));
    }
    return pts;
}

CliRun run_cli(const std::string& args) {
    const std::string cmd = std::string("'") + KEYBOT_CLI + "' " + args + " 2>&1";
    CliRun r;
    FILE* pipe = popen(cmd.c_str(), "r");
    REQUIRE(pipe);
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) r.output.append(buf, n);
    const int raw = pclose(pipe);
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return r;
}

doctest::skip needs_data() {
    static const bool present = [] {
        const bool yes = have_data();
        if (!yes) std::fprintf(stderr, "AASCE data not found at %s (set KEYBOT_DATA_DIR): the tests that need it are skipped\n",
                               data_dir().c_str());
        return yes;
    }();
    return doctest::skip(!present);
}

}  // namespace test
