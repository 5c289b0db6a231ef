// Checks the viewer's transforms (fit, zoom around the cursor, pan, round trips). Plain asserts: runs as a
// ctest test without a display.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>

#include "viewer.hpp"

using keybot::Point;
using keybot::app::Rect;
using keybot::app::Viewer;

static int failures = 0;
static void check(bool ok, const char* what) {
    if (!ok) { std::fprintf(stderr, "FAILED: %s\n", what); ++failures; }
}
static bool near(Point a, Point b, double eps = 1e-9) { return std::abs(a.x - b.x) < eps && std::abs(a.y - b.y) < eps; }

int main() {
    Viewer v;
    v.set_viewport({10, 20, 400, 300});
    v.set_image_size(1000, 2000);
    check(v.fitted(), "fitted after load");
    check(std::abs(v.zoom() - (300.0 - 48) / 2000 * 0.98) < 1e-12, "fit zoom uses the limiting axis, minus the padding");
    check(near(v.image_to_screen({500, 1000}), {210, 170}), "image centre at viewport centre");
    const Rect r = v.image_rect_on_screen();
    check(r.y > 20 && r.y + r.h < 320 && std::abs(r.x + r.w * 0.5 - 210) < 1e-9, "fitted image inside viewport");

    const Point cursor{100, 80};
    const Point under = v.screen_to_image(cursor);
    v.zoom_at(2.5, cursor);
    check(!v.fitted(), "zoom leaves fit mode");
    check(near(v.image_to_screen(under), cursor, 1e-9), "zoom keeps the point under the cursor");
    v.pan({30, -12});
    check(near(v.image_to_screen(under), {130, 68}, 1e-9), "pan moves the image with the mouse");
    for (Point p : {Point{0, 0}, Point{123.5, 77.25}, Point{999, 1999}})
        check(near(v.screen_to_image(v.image_to_screen(p)), p, 1e-9), "round trip");

    Viewer small;  // a tiny viewport gets no padding
    small.set_viewport({0, 0, 100, 100});
    small.set_image_size(100, 50);
    check(std::abs(small.zoom() - 0.98) < 1e-12, "no padding in a small viewport");

    v.set_view(1e6, {5, 5});
    check(v.zoom() == Viewer::kMaxZoom, "zoom clamped");
    v.set_viewport({0, 0, 800, 600});
    check(!v.fitted() && near(v.center(), {5, 5}), "resize keeps a manual view");
    v.fit();
    check(std::abs(v.zoom() - (600.0 - 48) / 2000 * 0.98) < 1e-12, "fit again");
    v.set_viewport({0, 0, 2000, 600});
    check(std::abs(v.zoom() - (600.0 - 48) / 2000 * 0.98) < 1e-12 && near(v.image_to_screen({500, 1000}), {1000, 300}),
          "fitted view follows viewport changes");

    if (failures == 0) std::puts("viewer transforms: all checks passed");
    return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
