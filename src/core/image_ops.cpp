#include <algorithm>
#include <cmath>

#include <stb/stb_image_write.h>

#include "keybot/core/error.hpp"
#include "keybot/core/image.hpp"

namespace keybot {
namespace {

// Source taps for one output coordinate along one axis.
struct Taps {
    int first = 0;
    std::vector<float> weights;
};

// Area averaging when shrinking (each output pixel averages the source interval it covers), bilinear when growing.
std::vector<Taps> axis_taps(int src, int dst) {
    std::vector<Taps> taps(dst);
    const double scale = static_cast<double>(src) / dst;
    for (int o = 0; o < dst; ++o) {
        Taps& t = taps[o];
        if (scale > 1.0) {
            const double lo = o * scale, hi = (o + 1) * scale;
            t.first = static_cast<int>(std::floor(lo));
            const int last = std::min(src - 1, static_cast<int>(std::ceil(hi)) - 1);
            for (int s = t.first; s <= last; ++s) {
                const double cover = std::min(hi, s + 1.0) - std::max(lo, static_cast<double>(s));
                t.weights.push_back(static_cast<float>(cover / scale));
            }
        } else {
            const double c = std::clamp((o + 0.5) * scale - 0.5, 0.0, static_cast<double>(src - 1));
            t.first = std::min(static_cast<int>(c), std::max(src - 2, 0));
            const double f = c - t.first;
            t.weights.push_back(static_cast<float>(1.0 - f));
            if (src > 1) t.weights.push_back(static_cast<float>(f));
        }
    }
    return taps;
}

}  // namespace

Image resize(const Image& image, int width, int height) {
    if (width <= 0 || height <= 0) throw Error("resize target must be positive, got " + std::to_string(width) + "x" + std::to_string(height));
    if (image.empty()) throw Error("cannot resize an empty image");
    const auto tx = axis_taps(image.width, width);
    const auto ty = axis_taps(image.height, height);
    // Horizontal pass into a width x src-height buffer, then vertical pass.
    std::vector<float> rows(static_cast<std::size_t>(width) * image.height);
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < width; ++x) {
            float acc = 0.0f;
            for (std::size_t k = 0; k < tx[x].weights.size(); ++k) acc += tx[x].weights[k] * image.at(tx[x].first + static_cast<int>(k), y);
            rows[static_cast<std::size_t>(y) * width + x] = acc;
        }
    Image out;
    out.width = width;
    out.height = height;
    out.max_value = image.max_value;
    out.pixels.assign(static_cast<std::size_t>(width) * height, 0.0f);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            float acc = 0.0f;
            for (std::size_t k = 0; k < ty[y].weights.size(); ++k)
                acc += ty[y].weights[k] * rows[static_cast<std::size_t>(ty[y].first + static_cast<int>(k)) * width + x];
            out.at(x, y) = acc;
        }
    return out;
}

Image normalized(const Image& image) {
    Image out = image;
    const float scale = image.max_value > 0.0f ? 1.0f / image.max_value : 1.0f;
    for (float& v : out.pixels) v = std::clamp(v * scale, 0.0f, 1.0f);
    out.max_value = 1.0f;
    return out;
}

namespace {

void append_bytes(void* context, void* data, int size) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(context);
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    out->insert(out->end(), bytes, bytes + size);
}

std::vector<std::uint8_t> encode(int width, int height, int channels, const std::uint8_t* pixels) {
    std::vector<std::uint8_t> png;
    if (!stbi_write_png_to_func(append_bytes, &png, width, height, channels, pixels, width * channels))
        throw Error("PNG encoding failed");
    return png;
}

}  // namespace

std::vector<std::uint8_t> encode_png(const Image& image) {
    if (image.empty()) throw Error("cannot encode an empty image");
    std::vector<std::uint8_t> gray(image.pixels.size());
    const float scale = image.max_value > 0.0f ? 255.0f / image.max_value : 1.0f;
    for (std::size_t i = 0; i < gray.size(); ++i)
        gray[i] = static_cast<std::uint8_t>(std::lround(std::clamp(image.pixels[i] * scale, 0.0f, 255.0f)));
    return encode(image.width, image.height, 1, gray.data());
}

std::vector<std::uint8_t> encode_png_rgb(int width, int height, const std::vector<std::uint8_t>& rgb) {
    if (width <= 0 || height <= 0 || rgb.size() != static_cast<std::size_t>(width) * height * 3)
        throw Error("RGB buffer size does not match " + std::to_string(width) + "x" + std::to_string(height));
    return encode(width, height, 3, rgb.data());
}

}  // namespace keybot
