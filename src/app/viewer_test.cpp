// The viewer's transforms (fit, zoom around the cursor, pan, round trips); part of keybot_app_unit_tests.
#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>

#include "viewer.hpp"

using keybot::Point;
using keybot::app::Rect;
using keybot::app::Viewer;

namespace {

bool near(Point a, Point b, double eps = 1e-9) { return std::abs(a.x - b.x) < eps && std::abs(a.y - b.y) < eps; }

// A 1000 x 2000 image in a 400 x 300 viewport at (10, 20).
Viewer fitted_viewer() {
    Viewer v;
    v.set_viewport({10, 20, 400, 300});
    v.set_image_size(1000, 2000);
    return v;
}

}  // namespace

TEST_CASE("fit: the limiting axis minus the padding, the image centred inside the viewport") {
    const Viewer v = fitted_viewer();
    CHECK(v.fitted());
    CHECK(v.zoom() == doctest::Approx((300.0 - 48) / 2000 * 0.98).epsilon(1e-12));
    CHECK(near(v.image_to_screen({500, 1000}), {210, 170}));
    const Rect r = v.image_rect_on_screen();
    CHECK(r.y > 20);
    CHECK(r.y + r.h < 320);
    CHECK(std::abs(r.x + r.w * 0.5 - 210) < 1e-9);
}

TEST_CASE("zoom keeps the point under the cursor; pan moves the image with the mouse; round trips are exact") {
    Viewer v = fitted_viewer();
    const Point cursor{100, 80};
    const Point under = v.screen_to_image(cursor);
    v.zoom_at(2.5, cursor);
    CHECK_FALSE(v.fitted());
    CHECK(near(v.image_to_screen(under), cursor));
    v.pan({30, -12});
    CHECK(near(v.image_to_screen(under), {130, 68}));
    for (Point p : {Point{0, 0}, Point{123.5, 77.25}, Point{999, 1999}}) CHECK(near(v.screen_to_image(v.image_to_screen(p)), p));
}

TEST_CASE("a tiny viewport gets no padding") {
    Viewer small;
    small.set_viewport({0, 0, 100, 100});
    small.set_image_size(100, 50);
    CHECK(small.zoom() == doctest::Approx(0.98).epsilon(1e-12));
}

TEST_CASE("zoom is clamped; a resize keeps a manual view; a fitted view follows the viewport") {
    Viewer v = fitted_viewer();
    v.set_view(1e6, {5, 5});
    CHECK(v.zoom() == Viewer::kMaxZoom);
    v.set_viewport({0, 0, 800, 600});
    CHECK_FALSE(v.fitted());
    CHECK(near(v.center(), {5, 5}));
    v.fit();
    CHECK(v.zoom() == doctest::Approx((600.0 - 48) / 2000 * 0.98).epsilon(1e-12));
    v.set_viewport({0, 0, 2000, 600});
    CHECK(v.zoom() == doctest::Approx((600.0 - 48) / 2000 * 0.98).epsilon(1e-12));
    CHECK(near(v.image_to_screen({500, 1000}), {1000, 300}));
}
