// Helper of the native screenshot smoke test (smoke_test.cmake):
//   keybot_app_smoke_check make-input IN.pgm    writes a 16-bit test image
//   keybot_app_smoke_check verify OUT.png       checks that the app's screenshot shows it
//   keybot_app_smoke_check verify-overlay OUT.png   the scripted session's screenshot: the image plus the
//                                               annotation (predicted points cyan, the corrected one green,
//                                               the main Cobb lines magenta)
// The image (16-bit, values 1000..4000 so the full-range display maps them to black..white):
// left half dark, right half bright, plus a bright square in the top-left quarter (orientation check).
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "keybot/core/file_io.hpp"
#include "keybot/core/image.hpp"

#include <cstdlib>
#include <stb/stb_image.h>

namespace {

constexpr int kSize = 256;
constexpr int kDark = 1000, kBright = 4000;
// The main Cobb curve's end-vertebra lines are drawn in magenta, two lines across the spine; fewer pixels
// than this means they are not drawn (a single point marker has about 40).
constexpr long kMinCobbPixels = 100;

int pattern(int x, int y) {
    const bool square = x >= 32 && x < 96 && y >= 32 && y < 96;
    return (x >= kSize / 2 || square) ? kBright : kDark;
}

void make_input(const std::string& path) {
    std::string header = "P5\n" + std::to_string(kSize) + " " + std::to_string(kSize) + "\n65535\n";
    std::vector<std::uint8_t> bytes(header.begin(), header.end());
    for (int y = 0; y < kSize; ++y)
        for (int x = 0; x < kSize; ++x) {
            const int v = pattern(x, y);
            bytes.push_back(std::uint8_t(v >> 8));
            bytes.push_back(std::uint8_t(v & 0xff));
        }
    keybot::write_file_bytes(path, bytes);
}

// Finds, on the screenshot's middle row, a long black run directly followed by a long white run (the image's
// two halves side by side), then checks the bright square is above the middle (not flipped vertically).
int verify(const std::string& path) {
    const keybot::Image shot = keybot::decode_image(keybot::read_file_bytes(path));
    const int w = shot.width, h = shot.height, y = h / 2;
    int best_black = 0, white_after = 0, black_end = -1;
    for (int x = 0; x < w;) {
        int black = 0;
        while (x + black < w && shot.at(x + black, y) < 10) ++black;
        if (black == 0) { ++x; continue; }
        int edge = x + black, gap = 0;  // a few blended pixels at the edge (bilinear filtering)
        while (edge + gap < w && gap < 3 && shot.at(edge + gap, y) <= 245) ++gap;
        int white = 0;
        while (edge + gap + white < w && shot.at(edge + gap + white, y) > 245) ++white;
        if (white > w / 8 && black > best_black) { best_black = black; white_after = white; black_end = edge; }
        x = edge;
    }
    std::printf("screenshot %dx%d: middle row black run %d px then white run %d px\n", w, h, best_black, white_after);
    if (best_black < w / 8 || white_after < w / 8) {
        std::fprintf(stderr, "FAILED: the dark and bright halves of the test image are not visible\n");
        return 1;
    }
    // The square sits in the upper part of the dark half: count white pixels there, above vs below the middle.
    const int x0 = black_end - best_black, x1 = black_end;
    long above = 0, below = 0;
    for (int yy = 0; yy < h; ++yy)
        for (int x = x0; x < x1; ++x)
            if (shot.at(x, yy) > 245) (yy < y ? above : below)++;
    std::printf("bright square pixels: %ld above the middle, %ld below\n", above, below);
    if (above < 100 || below > above / 10) {
        std::fprintf(stderr, "FAILED: the bright square is missing or the image is upside down\n");
        return 1;
    }
    std::puts("screenshot shows the test image");
    return 0;
}

// Counts pixels close to an RGB colour.
long count_color(const std::vector<std::uint8_t>& rgb, int r, int g, int b, int tol) {
    long n = 0;
    for (std::size_t i = 0; i + 2 < rgb.size(); i += 3)
        if (std::abs(rgb[i] - r) <= tol && std::abs(rgb[i + 1] - g) <= tol && std::abs(rgb[i + 2] - b) <= tol) ++n;
    return n;
}

int verify_overlay(const std::string& path) {
    const auto bytes = keybot::read_file_bytes(path);
    int w = 0, h = 0, channels = 0;
    unsigned char* data = stbi_load_from_memory(bytes.data(), int(bytes.size()), &w, &h, &channels, 3);
    if (!data) {
        std::fprintf(stderr, "FAILED: %s is not a readable PNG\n", path.c_str());
        return 1;
    }
    std::vector<std::uint8_t> rgb(data, data + std::size_t(w) * h * 3);
    stbi_image_free(data);
    const long cyan = count_color(rgb, 0, 200, 255, 12), green = count_color(rgb, 60, 230, 90, 12),
               magenta = count_color(rgb, 255, 80, 200, 12), black = count_color(rgb, 0, 0, 0, 6),
               white = count_color(rgb, 255, 255, 255, 4);
    std::printf("screenshot %dx%d: predicted-cyan %ld, user-green %ld, cobb-magenta %ld, black %ld, white %ld px\n", w, h,
                cyan, green, magenta, black, white);
    if (cyan < 100 || green < 10 || black < w * h / 50 || white < w * h / 50) {
        std::fprintf(stderr, "FAILED: the image with its predicted and corrected points is not visible\n");
        return 1;
    }
    if (magenta < kMinCobbPixels) {
        std::fprintf(stderr, "FAILED: the main Cobb line (magenta) is missing: %ld px, expected at least %ld\n", magenta,
                     kMinCobbPixels);
        return 1;
    }
    std::puts("screenshot shows the image and the annotation");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::string mode = argc == 3 ? argv[1] : "";
        if (mode == "make-input") { make_input(argv[2]); return 0; }
        if (mode == "verify") return verify(argv[2]);
        if (mode == "verify-overlay") return verify_overlay(argv[2]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "FAILED: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "usage: keybot_app_smoke_check make-input IN.pgm | verify OUT.png | verify-overlay OUT.png\n");
    return 2;
}
