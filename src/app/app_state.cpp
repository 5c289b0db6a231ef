#include "app_state.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <new>

#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"

namespace keybot::app {

namespace {

std::unique_ptr<LoadedImage> make_loaded_image(Image image, const std::string& name) {
    auto loaded = std::make_unique<LoadedImage>();
    loaded->name = name;
    loaded->bit_depth = image.max_value > 255.0f ? 16 : 8;
    const auto [lo, hi] = std::minmax_element(image.pixels.begin(), image.pixels.end());
    loaded->min_value = *lo;
    loaded->max_value = *hi;
    loaded->image = std::move(image);
    return loaded;
}

// Full data range for now (window/level controls come later); a flat image gets a one-step window.
DisplaySettings full_range(const LoadedImage& loaded) {
    const float scale = loaded.image.max_value;
    DisplaySettings d;
    d.window_low = loaded.min_value / scale;
    d.window_high = std::max(loaded.max_value, loaded.min_value + 1.0f) / scale;
    return d;
}

}  // namespace

bool AppState::load_image(const std::uint8_t* data, std::size_t size, const std::string& name) {
    const std::string shown = name.empty() ? std::string("(unnamed)") : name;
    try {
        Image image = decode_image(data, size);
        if (image.empty()) throw Error("the file contains no pixels");
        image_ = make_loaded_image(std::move(image), shown);
        display_ = full_range(*image_);
        ++image_generation_;
        error_.clear();
        return true;
    } catch (const std::bad_alloc&) {
        set_error("Could not open \"" + shown + "\": not enough memory for this image.");
    } catch (const std::exception& e) {
        set_error("Could not open \"" + shown + "\": " + e.what());
    }
    return false;
}

bool AppState::load_image_file(const std::string& path) {
    try {
        const auto bytes = read_file_bytes(path);
        return load_image(bytes.data(), bytes.size(), base_name(path));
    } catch (const std::exception& e) {
        set_error(e.what());
        return false;
    }
}

void AppState::set_error(const std::string& message) {
    error_ = message;
    ++error_count_;
    std::fprintf(stderr, "keybot: %s\n", message.c_str());
}

std::string base_name(const std::string& path) {
    const auto slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace keybot::app
