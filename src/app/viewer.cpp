#include "viewer.hpp"

#include <algorithm>

namespace keybot::app {

namespace {
constexpr double kFitMargin = 0.98;  // leave a thin border around a fitted image
double clamp_zoom(double z) { return std::clamp(z, Viewer::kMinZoom, Viewer::kMaxZoom); }
}  // namespace

void Viewer::set_image_size(int width, int height) {
    image_w_ = width;
    image_h_ = height;
    fit();
}

void Viewer::clear() { *this = Viewer{}; }

void Viewer::set_viewport(const Rect& viewport) {
    viewport_ = viewport;
    if (fitted_) fit();
}

void Viewer::fit() {
    fitted_ = true;
    if (!has_image()) return;
    center_ = {image_w_ * 0.5, image_h_ * 0.5};
    if (viewport_.w <= 0 || viewport_.h <= 0) return;
    // A fixed padding keeps room for the vertebra labels and Cobb angles drawn beside the spine.
    const double pad = std::min(viewport_.w, viewport_.h) > 8 * kFitPadding ? kFitPadding : 0.0;
    zoom_ = clamp_zoom(std::min((viewport_.w - 2 * pad) / image_w_, (viewport_.h - 2 * pad) / image_h_) * kFitMargin);
}

void Viewer::zoom_at(double factor, Point screen) {
    const Point anchor = screen_to_image(screen);
    zoom_ = clamp_zoom(zoom_ * factor);
    // Choose the centre so that `anchor` maps back to `screen`.
    center_ = anchor - (screen - viewport_.center()) * (1.0 / zoom_);
    fitted_ = false;
}

void Viewer::pan(Point screen_delta) {
    center_ = center_ - screen_delta * (1.0 / zoom_);
    fitted_ = false;
}

void Viewer::set_view(double zoom, Point image_center) {
    zoom_ = clamp_zoom(zoom);
    center_ = image_center;
    fitted_ = false;
}

Point Viewer::image_to_screen(Point image) const { return viewport_.center() + (image - center_) * zoom_; }

Point Viewer::screen_to_image(Point screen) const { return center_ + (screen - viewport_.center()) * (1.0 / zoom_); }

Rect Viewer::image_rect_on_screen() const {
    const Point top_left = image_to_screen({0, 0});
    return {top_left.x, top_left.y, image_w_ * zoom_, image_h_ * zoom_};
}

}  // namespace keybot::app
