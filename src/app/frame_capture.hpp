#pragma once
// Reads back the rendered frame (before the swap), for the native --screenshot option and the browser tests'
// window.keybot.readPixels(). Rows are stored top-down, RGBA.
#include <cstdint>
#include <string>
#include <vector>

namespace keybot::app {

class FrameCapture {
public:
    void request() {
        requested_ = true;
        rgba_.clear();  // ready() turns true again once the new frame is read
    }
    bool requested() const { return requested_; }
    // Call after drawing the frame, before swapping buffers; captures if requested.
    void capture_if_requested(int width, int height, unsigned frame);

    bool ready() const { return !rgba_.empty(); }
    int width() const { return width_; }
    int height() const { return height_; }
    unsigned frame() const { return frame_; }
    const std::vector<std::uint8_t>& rgba() const { return rgba_; }
    // Writes the capture as an RGB PNG (native; throws keybot::Error on I/O failure).
    void write_png(const std::string& path) const;

private:
    bool requested_ = false;
    int width_ = 0, height_ = 0;
    unsigned frame_ = 0;
    std::vector<std::uint8_t> rgba_;
};

}  // namespace keybot::app
