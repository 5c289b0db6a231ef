#pragma once
// Pan/zoom state of the image view and the image <-> screen transforms. Pure math (no GL, no ImGui), so the
// annotation tools can map clicks to image pixels with the same code that places the image on screen.
// Image coordinates: pixels, x right, y down; pixel (i, j) covers [i, i+1) x [j, j+1).
// Screen coordinates: ImGui's logical pixels (top-left origin), before the framebuffer scale.
#include "keybot/core/geometry.hpp"

namespace keybot::app {

struct Rect {
    double x = 0, y = 0, w = 0, h = 0;
    bool contains(Point p) const { return p.x >= x && p.y >= y && p.x < x + w && p.y < y + h; }
    Point center() const { return {x + w * 0.5, y + h * 0.5}; }
};

class Viewer {
public:
    static constexpr double kMinZoom = 1.0 / 64.0;
    static constexpr double kMaxZoom = 64.0;
    // Screen px kept free on each side of a fitted image (when the viewport is larger than 8x this).
    static constexpr double kFitPadding = 24.0;

    // A new image: the view fits it (and keeps fitting it on viewport changes until the user pans or zooms).
    void set_image_size(int width, int height);
    void clear();
    // The screen area the image is shown in; call every frame (window resizes).
    void set_viewport(const Rect& viewport);

    void fit();
    // Multiplies the zoom, keeping the image point under `screen` where it is.
    void zoom_at(double factor, Point screen);
    void pan(Point screen_delta);
    // Zoom (screen pixels per image pixel) and the image point shown at the viewport's centre.
    void set_view(double zoom, Point image_center);

    Point image_to_screen(Point image) const;
    Point screen_to_image(Point screen) const;
    Rect image_rect_on_screen() const;

    bool has_image() const { return image_w_ > 0 && image_h_ > 0; }
    int image_width() const { return image_w_; }
    int image_height() const { return image_h_; }
    double zoom() const { return zoom_; }
    Point center() const { return center_; }
    bool fitted() const { return fitted_; }
    const Rect& viewport() const { return viewport_; }

private:
    int image_w_ = 0, image_h_ = 0;
    Rect viewport_;
    double zoom_ = 1.0;
    Point center_;
    bool fitted_ = true;
};

}  // namespace keybot::app
