#pragma once
// A gray image as a GL texture: 16-bit values split into two bytes (RG8: R = high, G = low) so that WebGL2
// keeps full 16-bit precision without float-texture extensions. Sampled with texelFetch (see image.frag).
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

}  // namespace keybot::app
