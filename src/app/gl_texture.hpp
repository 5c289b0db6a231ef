#pragma once
// A gray image as a GL texture: 16-bit values split into two bytes (RG8: R = high, G = low) so that WebGL2
// keeps full 16-bit precision without float-texture extensions. Sampled with texelFetch (see image.frag).
#include <cstdint>

#include "gl.hpp"
#include "keybot/core/image.hpp"

namespace keybot::app {

class GrayTexture {
public:
    GrayTexture() = default;
    GrayTexture(const GrayTexture&) = delete;
    GrayTexture& operator=(const GrayTexture&) = delete;
    ~GrayTexture() { destroy(); }

    // Uploads `image` (values scaled by image.max_value). Images larger than GL_MAX_TEXTURE_SIZE are
    // downsampled to fit; width()/height() give the texture's size, which may then differ from the image's.
    void upload(const Image& image);
    void destroy();

    GLuint id() const { return id_; }
    int width() const { return width_; }
    int height() const { return height_; }
    bool valid() const { return id_ != 0; }

private:
    GLuint id_ = 0;
    int width_ = 0, height_ = 0;
};

// A small colour overlay (the refiner's heatmap): values in [0,1] mapped to a "hot" colour ramp whose alpha
// rises with the value, so cold cells leave the X-ray visible. Linear filtering smooths the coarse grid.
class HeatmapTexture {
public:
    HeatmapTexture() = default;
    HeatmapTexture(const HeatmapTexture&) = delete;
    HeatmapTexture& operator=(const HeatmapTexture&) = delete;
    ~HeatmapTexture() { destroy(); }

    void upload(const float* values, int cols, int rows);
    void destroy();

    GLuint id() const { return id_; }
    bool valid() const { return id_ != 0; }
    // What was uploaded last (so callers upload only on change).
    std::uint64_t entry = 0;
    unsigned generation = ~0u;
    bool holds(std::uint64_t e, unsigned g) const { return valid() && entry == e && generation == g; }

private:
    GLuint id_ = 0;
};

}  // namespace keybot::app
