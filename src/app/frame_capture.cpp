#include "frame_capture.hpp"

#include <algorithm>
#include <cstring>

#include "gl.hpp"
#include "keybot/core/file_io.hpp"

namespace keybot::app {

void FrameCapture::capture_if_requested(int width, int height, unsigned frame) {
    if (!requested_ || width <= 0 || height <= 0) return;
    requested_ = false;
    const std::size_t row = std::size_t(width) * 4;
    std::vector<std::uint8_t> bottom_up(row * height);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, bottom_up.data());
    rgba_.resize(bottom_up.size());
    for (int y = 0; y < height; ++y)
        std::memcpy(&rgba_[std::size_t(y) * row], &bottom_up[std::size_t(height - 1 - y) * row], row);
    width_ = width;
    height_ = height;
    frame_ = frame;
}

void FrameCapture::write_png(const std::string& path) const {
    std::vector<std::uint8_t> rgb(std::size_t(width_) * height_ * 3);
    for (std::size_t i = 0, n = std::size_t(width_) * height_; i < n; ++i)
        std::copy_n(&rgba_[4 * i], 3, &rgb[3 * i]);
    write_png_rgb(path, width_, height_, rgb);
}

}  // namespace keybot::app
