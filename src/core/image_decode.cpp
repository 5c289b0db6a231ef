#include <climits>
#include <memory>
#include <string>

#include <stb/stb_image.h>

#include "keybot/core/error.hpp"
#include "keybot/core/image.hpp"
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

}  // namespace

ImageHeader probe_image(const std::uint8_t* data, std::size_t size) {
    const int len = checked_length(size);
    if (detail::is_binary_pnm(data, size)) return detail::read_pnm_header(data, size).image;
    ImageHeader h;
    if (!stbi_info_from_memory(data, len, &h.width, &h.height, &h.channels))
        throw Error("not a readable image (" + stb_reason() + ")");
    h.is_16_bit = stbi_is_16_bit_from_memory(data, len) != 0;
    return h;
}

Image decode_image(const std::uint8_t* data, std::size_t size) {
    const ImageHeader h = probe_image(data, size);
    if (h.width <= 0 || h.height <= 0) throw Error("image header has zero width or height");
    const long long pixels = static_cast<long long>(h.width) * h.height;
    if (pixels > kMaxImagePixels)
        throw Error("image is " + std::to_string(h.width) + "x" + std::to_string(h.height) +
                    " pixels, more than the limit of " + std::to_string(kMaxImagePixels / 1'000'000) + " megapixels");
    if (detail::is_binary_pnm(data, size)) return detail::decode_pnm(data, size, detail::read_pnm_header(data, size));
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
