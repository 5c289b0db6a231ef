#pragma once
// The model input: the whole X-ray resized to the model size (aspect not kept), gray in [0,1], plus the
// mapping between input-tensor pixels and original pixels (pixel centres at integer coordinates).
#include "keybot/core/geometry.hpp"
#include "keybot/core/image.hpp"
#include "keybot/engine/session.hpp"

namespace keybot::engine {

struct PreparedImage {
    int width = 0;   // original image
    int height = 0;
    int input_width = 0;
    int input_height = 0;
    Tensor image;  // [1,1,input_height,input_width]

    // x_in = (x_o + 0.5) * W_in / W_o - 0.5, and the inverse.
    Point to_input(Point original) const;
    Point to_original(Point input) const;
};

// Throws keybot::Error for an empty image or non-positive sizes.
PreparedImage prepare_image(const Image& original, int input_width, int input_height);

}  // namespace keybot::engine
