#pragma once
// Draws the open image into the viewer's screen rectangle with our shader (window/level/invert), before
// ImGui draws its overlays on top.
#include <string>

#include "app_state.hpp"
#include "gl.hpp"
#include "gl_texture.hpp"
#include "viewer.hpp"

namespace keybot::app {

// Framebuffer size in device pixels and the scale from ImGui's logical pixels to them.
struct FramebufferInfo {
    int width = 0, height = 0;
    double scale_x = 1.0, scale_y = 1.0;
};

class ImageRenderer {
public:
    ImageRenderer() = default;
    ImageRenderer(const ImageRenderer&) = delete;
    ImageRenderer& operator=(const ImageRenderer&) = delete;
    ~ImageRenderer() { destroy(); }

    // Compiles the shaders; on failure returns false with the GL info log in *error.
    bool init(std::string* error);
    void upload(const LoadedImage& image) { texture_.upload(image.image); }
    void clear_image() { texture_.destroy(); }
    void draw(const Viewer& viewer, const DisplaySettings& display, const FramebufferInfo& fb) const;
    void destroy();

private:
    GLuint program_ = 0;
    GLuint vao_ = 0;
    GrayTexture texture_;
    struct {
        GLint ndc_rect = -1, tex_size = -1, texels_per_pixel = -1, window_low = -1, window_high = -1,
              invert = -1, image = -1;
    } loc_;
};

}  // namespace keybot::app
