#pragma once
// What the annotator knows, independent of drawing: the open image, its display settings and the last error.
// Later: the annotation document, model results, undo history.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "keybot/core/image.hpp"

namespace keybot::app {

struct LoadedImage {
    std::string name;        // file name shown to the user
    Image image;             // as decoded: values 0..255 (8-bit) or 0..65535 (16-bit)
    int bit_depth = 8;
    float min_value = 0.0f;  // data range in stored units (the initial display window)
    float max_value = 0.0f;
};

// Display mapping in normalized units (stored value / image.max_value): low -> black, high -> white.
struct DisplaySettings {
    float window_low = 0.0f;
    float window_high = 1.0f;
    bool invert = false;
};

class AppState {
public:
    // Decodes an image from memory. On failure keeps the current image, records a user-facing error and
    // returns false; never throws.
    bool load_image(const std::uint8_t* data, std::size_t size, const std::string& name);
    // Native only: reads the file, then load_image().
    bool load_image_file(const std::string& path);

    const LoadedImage* image() const { return image_.get(); }
    // Increases on every successful load (the renderer re-uploads its texture when it changes).
    unsigned image_generation() const { return image_generation_; }

    DisplaySettings& display() { return display_; }
    const DisplaySettings& display() const { return display_; }

    const std::string& error() const { return error_; }
    unsigned error_count() const { return error_count_; }
    void clear_error() { error_.clear(); }

private:
    void set_error(const std::string& message);

    std::unique_ptr<LoadedImage> image_;
    unsigned image_generation_ = 0;
    DisplaySettings display_;
    std::string error_;
    unsigned error_count_ = 0;
};

// "name" from "/some/dir/name" (either slash).
std::string base_name(const std::string& path);

}  // namespace keybot::app
