#include "keybot/engine/preprocess.hpp"

#include <algorithm>

#include "keybot/core/error.hpp"

namespace keybot::engine {

Point PreparedImage::to_input(Point o) const {
    return {(o.x + 0.5) * input_width / width - 0.5, (o.y + 0.5) * input_height / height - 0.5};
}

Point PreparedImage::to_original(Point i) const {
    return {(i.x + 0.5) * width / input_width - 0.5, (i.y + 0.5) * height / input_height - 0.5};
}

PreparedImage prepare_image(const Image& original, int input_width, int input_height) {
    if (original.empty() || original.width <= 0 || original.height <= 0) throw Error("prepare_image: empty image");
    if (input_width <= 0 || input_height <= 0) throw Error("prepare_image: bad model input size");
    PreparedImage p;
    p.width = original.width;
    p.height = original.height;
    p.input_width = input_width;
    p.input_height = input_height;
    Image small = normalized(resize(original, input_width, input_height));
    // Clamp: resampling cannot overshoot with area/bilinear, but a corrupt max_value could.
    for (float& v : small.pixels) v = std::clamp(v, 0.0f, 1.0f);
    p.image.shape = {1, 1, input_height, input_width};
    p.image.data = std::move(small.pixels);
    return p;
}

}  // namespace keybot::engine
