#include "gl_texture.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace keybot::app {

namespace {

// Largest size within max_size keeping the aspect ratio (1 pixel at least).
void fit_within(int& w, int& h, int max_size) {
    const double s = std::min(1.0, std::min(double(max_size) / w, double(max_size) / h));
    w = std::max(1, int(std::floor(w * s)));
    h = std::max(1, int(std::floor(h * s)));
}

std::vector<std::uint8_t> to_hi_lo_bytes(const Image& image) {
    std::vector<std::uint8_t> bytes(image.pixels.size() * 2);
    const float scale = 65535.0f / image.max_value;
    for (std::size_t i = 0; i < image.pixels.size(); ++i) {
        const auto v = static_cast<std::uint16_t>(std::clamp(image.pixels[i] * scale + 0.5f, 0.0f, 65535.0f));
        bytes[2 * i] = static_cast<std::uint8_t>(v >> 8);
        bytes[2 * i + 1] = static_cast<std::uint8_t>(v & 0xff);
    }
    return bytes;
}

}  // namespace

void GrayTexture::upload(const Image& image) {
    GLint max_size = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_size);
    int w = image.width, h = image.height;
    fit_within(w, h, std::max<GLint>(max_size, 1));
    const auto bytes = to_hi_lo_bytes(w == image.width && h == image.height ? image : resize(image, w, h));

    if (id_ == 0) glGenTextures(1, &id_);
    glBindTexture(GL_TEXTURE_2D, id_);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RG8, w, h, 0, GL_RG, GL_UNSIGNED_BYTE, bytes.data());
    glBindTexture(GL_TEXTURE_2D, 0);
    width_ = w;
    height_ = h;
}

void GrayTexture::destroy() {
    if (id_ != 0) glDeleteTextures(1, &id_);
    id_ = 0;
    width_ = height_ = 0;
}

}  // namespace keybot::app
