#pragma once
// Grayscale images decoded from memory (PNG, JPEG, BMP, PGM/PPM; 8 or 16 bit). Decoding works on byte buffers
// only, so the same code runs in the browser (Emscripten) where there is no filesystem.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "keybot/core/error.hpp"

namespace keybot {

// Single-channel image, row-major. Pixels hold the stored gray level as float: 0..255 for 8-bit sources,
// 0..65535 for 16-bit ones, 0..1 after normalized(). max_value records which range applies.
struct Image {
    int width = 0;
    int height = 0;
    float max_value = 255.0f;
    std::vector<float> pixels;

    float at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
    float& at(int x, int y) { return pixels[static_cast<std::size_t>(y) * width + x]; }
    bool empty() const { return pixels.empty(); }
};

// Header facts read without decoding the pixels.
struct ImageHeader {
    int width = 0;
    int height = 0;
    int channels = 0;      // as stored (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA)
    bool is_16_bit = false;
};

// Limits checked from the header, before any pixel is decoded or allocated (a header can claim 100000 x 100000
// in a few bytes). Radiographs are at most a few thousand pixels per side; a side beyond kMaxImageSide is a
// broken or hostile file. Files larger than kMaxImageFileBytes are refused before they are read.
constexpr long long kMaxImagePixels = 50'000'000;
constexpr int kMaxImageSide = 32768;
constexpr unsigned long long kMaxImageFileBytes = 200ull * 1024 * 1024;

// Thrown (instead of a plain Error) when an image is refused for its size alone.
class ImageTooLarge : public Error {
public:
    using Error::Error;
};

// Formats: PNG, JPEG (baseline and progressive), BMP, binary PGM/PPM; anything else is refused by its first bytes.
// Reports the size as stored, limits not applied (a BMP stored top-down has a positive height here). Throws
// keybot::Error for empty, unknown-format, truncated or corrupt headers; a JPEG's Huffman tables are checked
// here, before stb_image reads them.
ImageHeader probe_image(const std::uint8_t* data, std::size_t size);
inline ImageHeader probe_image(const std::vector<std::uint8_t>& bytes) { return probe_image(bytes.data(), bytes.size()); }

// True when decode_image would read the bytes as DICOM: not PNG, JPEG, BMP or binary PGM/PPM (tested first:
// the DICOM test for files without the preamble is only a heuristic) and looking like DICOM.
bool is_dicom(const std::uint8_t* data, std::size_t size);

// Throws ImageTooLarge beyond kMaxImageSide / kMaxImagePixels, keybot::Error for a zero side.
void check_image_limits(const ImageHeader& header);

// Decodes to gray (Rec. 601 luminance for colour, alpha dropped). Throws keybot::Error on empty, truncated,
// non-image or oversized (> kMaxImagePixels, checked from the header before decoding) input.
Image decode_image(const std::uint8_t* data, std::size_t size);
inline Image decode_image(const std::vector<std::uint8_t>& bytes) { return decode_image(bytes.data(), bytes.size()); }

// Resamples to exactly width x height (aspect not kept): area averaging along axes that shrink, bilinear along
// axes that grow. Pixel centres map as (i + 0.5) * src / dst - 0.5.
Image resize(const Image& image, int width, int height);

// Divides by max_value so pixels lie in [0,1] (max_value becomes 1).
Image normalized(const Image& image);

// Encodes 8-bit PNG into memory: gray from an Image (scaled by max_value, clamped), or interleaved RGB bytes.
std::vector<std::uint8_t> encode_png(const Image& image);
std::vector<std::uint8_t> encode_png_rgb(int width, int height, const std::vector<std::uint8_t>& rgb);

}  // namespace keybot
