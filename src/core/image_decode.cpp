#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <string>

#include <stb/stb_image.h>

#include "keybot/core/dicom.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/image.hpp"
#include "bmp_layout.hpp"
#include "jpeg_markers.hpp"
#include "png_chunks.hpp"
#include "pnm.hpp"

namespace keybot {
namespace {

int checked_length(std::size_t size) {
    if (size == 0) throw Error("image data is empty");
    if (size > static_cast<std::size_t>(INT_MAX)) throw Error("image data is larger than 2 GiB");
    return static_cast<int>(size);
}

std::string stb_reason() {
    const char* why = stbi_failure_reason();
    return why ? why : "unknown reason";
}

// Gray value of one pixel with `channels` interleaved samples: luminance for colour, alpha ignored.
template <typename T>
float gray_of(const T* p, int channels) {
    if (channels >= 3) return 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
    return static_cast<float>(p[0]);
}

template <typename T>
Image to_gray(const T* samples, int width, int height, int channels, float max_value) {
    Image img;
    img.width = width;
    img.height = height;
    img.max_value = max_value;
    const std::size_t n = static_cast<std::size_t>(width) * height;
    img.pixels.resize(n);
    for (std::size_t i = 0; i < n; ++i) img.pixels[i] = gray_of(samples + i * channels, channels);
    return img;
}

enum class Format { png, jpeg, bmp, pnm, dicom };

// The formats `keybot predict --help` and the README list; others (GIF, TGA, PSD, ...) are refused by their
// first bytes rather than handed to stb_image, whose decoders for them are compiled out (stb_impl.cpp).
Format detect_format(const std::uint8_t* data, std::size_t size) {
    static const std::uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (size >= 8 && std::memcmp(data, kPngSignature, 8) == 0) return Format::png;
    if (detail::is_jpeg(data, size)) return Format::jpeg;
    if (size >= 2 && data[0] == 'B' && data[1] == 'M') return Format::bmp;
    if (detail::is_binary_pnm(data, size)) return Format::pnm;
    if (looks_like_dicom(data, size)) return Format::dicom;
    throw Error("not a readable image (not PNG, JPEG, BMP, binary PGM/PPM or DICOM)");
}

std::uint32_t be32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

int clamp_to_int(long long v) { return static_cast<int>(std::min<long long>(v, INT_MAX)); }

// Header facts from the PNG IHDR chunk / the JPEG frame header, read by KeyBot itself: stbi_info refuses
// images it would not decode (a PNG over 2^30 bytes is "not of any known type"), which would hide the size.
ImageHeader own_header(Format format, const std::uint8_t* data, std::size_t size) {
    ImageHeader h;
    if (format == Format::png) {
        if (size < 26 || std::memcmp(data + 12, "IHDR", 4) != 0) throw Error("PNG header is truncated or has no IHDR chunk");
        h.width = clamp_to_int(be32(data + 16));
        h.height = clamp_to_int(be32(data + 20));
        static const int kChannels[7] = {1, 0, 3, 3, 2, 0, 4};  // by colour type; a palette expands to RGB
        h.channels = data[25] < 7 ? kChannels[data[25]] : 0;
        h.is_16_bit = data[24] == 16;
    } else {
        const detail::JpegFrame frame = detail::check_jpeg(data, size, false);
        h.width = frame.width;
        h.height = frame.height;
        h.channels = frame.components;
    }
    return h;
}

bool within_limits(long long width, long long height) {
    return width > 0 && height > 0 && width <= kMaxImageSide && height <= kMaxImageSide && width * height <= kMaxImagePixels;
}

}  // namespace

bool is_dicom(const std::uint8_t* data, std::size_t size) {
    if (!data || size == 0) return false;
    try {
        return detect_format(data, size) == Format::dicom;
    } catch (const Error&) {
        return false;
    }
}

void check_image_limits(const ImageHeader& h) {
    if (h.width <= 0 || h.height <= 0) throw Error("image header has zero width or height");
    const std::string size = std::to_string(h.width) + "x" + std::to_string(h.height);
    if (static_cast<long long>(h.width) * h.height > kMaxImagePixels)
        throw ImageTooLarge("image is " + size + " pixels, more than the limit of " +
                            std::to_string(kMaxImagePixels / 1'000'000) + " megapixels");
    if (h.width > kMaxImageSide || h.height > kMaxImageSide)
        throw ImageTooLarge("image is " + size + " pixels; sides over " + std::to_string(kMaxImageSide) + " pixels are refused");
}

ImageHeader probe_image(const std::uint8_t* data, std::size_t size) {
    const int len = checked_length(size);
    const Format format = detect_format(data, size);
    if (format == Format::pnm) return detail::read_pnm_header(data, size).image;
    if (format == Format::dicom) return probe_dicom(data, size);
    if (format == Format::png || format == Format::jpeg) {
        const ImageHeader own = own_header(format, data, size);  // for JPEG also checks the Huffman tables stbi_info reads
        if (!within_limits(own.width, own.height)) return own;
    }
    ImageHeader h;
    if (!stbi_info_from_memory(data, len, &h.width, &h.height, &h.channels))
        throw Error("not a readable image (" + stb_reason() + ")");
    // A negative BMP height means rows stored top-down: valid, and stb's loader handles it; its info does not.
    if (format == Format::bmp && h.height < 0) h.height = h.height == INT_MIN ? INT_MAX : -h.height;
    h.is_16_bit = format == Format::png && stbi_is_16_bit_from_memory(data, len) != 0;
    return h;
}

Image decode_image(const std::uint8_t* data, std::size_t size) {
    if (checked_length(size) && is_dicom(data, size)) {
        return model_image(decode_dicom(data, size));  // the default VOI in [0,1]; limits checked from the header
    }
    const ImageHeader h = probe_image(data, size);
    check_image_limits(h);
    // Checks that need the whole file (probe_image may have seen only a prefix), before stb_image decodes.
    const Format format = detect_format(data, size);
    if (format == Format::pnm) return detail::decode_pnm(data, size, detail::read_pnm_header(data, size));
    if (format == Format::jpeg) detail::check_jpeg(data, size, true);  // tables between progressive scans too
    if (format == Format::png) detail::check_png_chunks(data, size);
    if (format == Format::bmp) detail::check_bmp_data(data, size);
    const int len = static_cast<int>(size);
    int w = 0, hgt = 0, ch = 0;
    if (h.is_16_bit) {
        std::unique_ptr<stbi_us, void (*)(void*)> p(stbi_load_16_from_memory(data, len, &w, &hgt, &ch, 0), stbi_image_free);
        if (!p) throw Error("cannot decode 16-bit image (" + stb_reason() + ")");
        return to_gray(p.get(), w, hgt, ch, 65535.0f);
    }
    std::unique_ptr<stbi_uc, void (*)(void*)> p(stbi_load_from_memory(data, len, &w, &hgt, &ch, 0), stbi_image_free);
    if (!p) throw Error("cannot decode image (" + stb_reason() + ")");
    return to_gray(p.get(), w, hgt, ch, 255.0f);
}

}  // namespace keybot
