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

// Creates the texture on first use, then (re)fills it: clamped edges, tightly packed bytes.
void upload_2d(GLuint& id, GLint filter, GLint internal_format, GLenum format, int w, int h, const void* bytes) {
    if (id == 0) glGenTextures(1, &id);
    glBindTexture(GL_TEXTURE_2D, id);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, internal_format, w, h, 0, format, GL_UNSIGNED_BYTE, bytes);
    glBindTexture(GL_TEXTURE_2D, 0);
}

}  // namespace

void GrayTexture::upload(const Image& image) {
    GLint max_size = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_size);
    int w = image.width, h = image.height;
    fit_within(w, h, std::max<GLint>(max_size, 1));
    const auto bytes = to_hi_lo_bytes(w == image.width && h == image.height ? image : resize(image, w, h));

    upload_2d(id_, GL_NEAREST, GL_RG8, GL_RG, w, h, bytes.data());
    width_ = w;
    height_ = h;
}

void GrayTexture::destroy() {
    if (id_ != 0) glDeleteTextures(1, &id_);
    id_ = 0;
    width_ = height_ = 0;
}

void HeatmapTexture::upload(const float* values, int cols, int rows) {
    std::vector<std::uint8_t> rgba(std::size_t(cols) * rows * 4);
    for (std::size_t i = 0; i < std::size_t(cols) * rows; ++i) {
        const float v = std::clamp(values[i], 0.0f, 1.0f);
        rgba[4 * i + 0] = static_cast<std::uint8_t>(255.0f * std::clamp(3.0f * v, 0.0f, 1.0f));
        rgba[4 * i + 1] = static_cast<std::uint8_t>(255.0f * std::clamp(3.0f * v - 1.0f, 0.0f, 1.0f));
        rgba[4 * i + 2] = static_cast<std::uint8_t>(255.0f * std::clamp(3.0f * v - 2.0f, 0.0f, 1.0f));
        rgba[4 * i + 3] = static_cast<std::uint8_t>(210.0f * std::sqrt(v));
    }
    upload_2d(id_, GL_LINEAR, GL_RGBA8, GL_RGBA, cols, rows, rgba.data());
}

void HeatmapTexture::destroy() {
    if (id_ != 0) glDeleteTextures(1, &id_);
    id_ = 0;
    entry = 0;
    generation = ~0u;
}

}  // namespace keybot::app
