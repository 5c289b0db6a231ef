#include "overlay.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include <stb/stb_easy_font.h>

#include "keybot/core/cobb.hpp"

namespace keybot::cli {
namespace {

struct Rgb {
    std::uint8_t r, g, b;
};

Rgb colour_of(Provenance p) {
    switch (p) {
        case Provenance::predicted: return {60, 220, 60};
        case Provenance::flagged: return {255, 50, 50};
        case Provenance::model_corrected: return {255, 200, 0};
        case Provenance::user_placed:
        case Provenance::user_confirmed: return {40, 160, 255};
    }
    return {255, 255, 255};
}

class Canvas {
public:
    Canvas(const Image& gray) : w_(gray.width), h_(gray.height), rgb_(static_cast<std::size_t>(w_) * h_ * 3) {
        const float scale = gray.max_value > 0 ? 255.0f / gray.max_value : 1.0f;
        for (std::size_t i = 0; i < gray.pixels.size(); ++i) {
            const auto v = static_cast<std::uint8_t>(std::clamp(gray.pixels[i] * scale, 0.0f, 255.0f));
            rgb_[3 * i] = rgb_[3 * i + 1] = rgb_[3 * i + 2] = v;
        }
    }

    void rect(int x0, int y0, int x1, int y1, Rgb c) {  // inclusive-exclusive, clipped
        x0 = std::max(x0, 0), y0 = std::max(y0, 0), x1 = std::min(x1, w_), y1 = std::min(y1, h_);
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) {
                std::uint8_t* p = &rgb_[(static_cast<std::size_t>(y) * w_ + x) * 3];
                p[0] = c.r, p[1] = c.g, p[2] = c.b;
            }
    }

    void dot(double x, double y, int radius, Rgb c) {
        const int cx = static_cast<int>(std::lround(x)), cy = static_cast<int>(std::lround(y));
        rect(cx - radius, cy - radius, cx + radius + 1, cy + radius + 1, c);
    }

    void line(Point a, Point b, int thickness, Rgb c) {
        const double len = distance(a, b);
        const int steps = std::max(1, static_cast<int>(std::ceil(len)));
        const int r = thickness / 2;
        for (int i = 0; i <= steps; ++i) {
            const double t = static_cast<double>(i) / steps;
            dot(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, r, c);
        }
    }

    // stb_easy_font emits axis-aligned quads in font units (about 7 px per line); scale them up.
    void text(int x, int y, const std::string& s, int scale, Rgb c) {
        static thread_local std::vector<char> buffer(64 * 1024);
        std::string copy = s;
        const int w = stb_easy_font_width(copy.data()) * scale, h = 8 * scale;
        rect(x - scale, y - scale, x + w + scale, y + h + scale, {0, 0, 0});  // backdrop for contrast
        const int quads = stb_easy_font_print(0, 0, copy.data(), nullptr, buffer.data(), static_cast<int>(buffer.size()));
        for (int q = 0; q < quads; ++q) {
            float v0[2], v2[2];  // vertex 0 and the opposite vertex 2 of the quad (16 bytes per vertex)
            std::memcpy(v0, buffer.data() + q * 64, sizeof v0);
            std::memcpy(v2, buffer.data() + q * 64 + 32, sizeof v2);
            rect(x + static_cast<int>(v0[0] * scale), y + static_cast<int>(v0[1] * scale), x + static_cast<int>(v2[0] * scale),
                 y + static_cast<int>(v2[1] * scale), c);
        }
    }

    std::vector<std::uint8_t> take() { return std::move(rgb_); }

private:
    int w_, h_;
    std::vector<std::uint8_t> rgb_;
};

}  // namespace

std::vector<std::uint8_t> render_overlay(const Image& image, const Document& document) {
    Canvas canvas(image);
    const Schema& schema = document.schema();
    const auto& pts = document.points();
    // Sizes follow the image height so overlays of 3000 px X-rays stay legible.
    const int unit = std::max(1, image.height / 600);
    auto at = [&](int i) { return Point{pts[i].x, pts[i].y}; };

    for (std::size_t g = 0; g < schema.groups.size(); ++g) {
        const auto& idx = schema.groups[g];
        if (idx.size() != 4) continue;
        bool flagged = false;
        for (int i : idx) flagged |= pts[i].provenance == Provenance::flagged;
        const Rgb edge = flagged ? Rgb{255, 50, 50} : Rgb{0, 200, 255};
        // tl - tr - br - bl - tl
        const int order[5] = {idx[0], idx[1], idx[3], idx[2], idx[0]};
        for (int k = 0; k < 4; ++k) canvas.line(at(order[k]), at(order[k + 1]), unit, edge);
        if (g < schema.group_names.size()) {
            const double right = std::max(pts[idx[1]].x, pts[idx[3]].x), mid_y = (pts[idx[1]].y + pts[idx[3]].y) / 2;
            canvas.text(static_cast<int>(right) + 4 * unit, static_cast<int>(mid_y) - 4 * unit, schema.group_names[g], unit, edge);
        }
    }
    for (std::size_t i = 0; i < pts.size(); ++i) canvas.dot(pts[i].x, pts[i].y, 2 * unit, colour_of(pts[i].provenance));

    std::vector<Point> p;
    for (std::size_t i = 0; i < pts.size(); ++i) p.push_back(at(static_cast<int>(i)));
    const auto c = cobb_angles(p, image.height).columns();
    char buf[160];
    std::snprintf(buf, sizeof buf, "Cobb %s %.1f %s %.1f %s %.1f", kCobbColumnLabels[0], c[0], kCobbColumnLabels[1], c[1],
                  kCobbColumnLabels[2], c[2]);
    // Largest scale up to 2 units at which the line fits the image width.
    const int fit = (image.width - 8 * unit) / std::max(1, stb_easy_font_width(buf));
    canvas.text(4 * unit, 4 * unit, buf, std::max(1, std::min(2 * unit, fit)), {255, 255, 255});
    return canvas.take();
}

}  // namespace keybot::cli
