// Bland-Altman and per-vertebra plots for `keybot compare` (see compare_plots.hpp). Cairo's toy text API is
// enough here: short Latin labels in one sans-serif face.
#include "compare_plots.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include <cairo.h>

#include "keybot/core/error.hpp"

namespace keybot::cli {
namespace {

struct Colour {
    double r, g, b, a = 1.0;
};
const Colour kInk{0.1, 0.1, 0.1};
const Colour kGrid{0.88, 0.88, 0.88};
const Colour kPoints{0.12, 0.40, 0.75, 0.7};
const Colour kBias{0.80, 0.15, 0.15};
const Colour kLimits{0.45, 0.45, 0.45};
const Colour kBox{0.65, 0.80, 0.95};
const Colour kMedian{0.05, 0.25, 0.60};
const Colour kMean{0.85, 0.35, 0.05};
const char* const kFont = "DejaVu Sans";
constexpr double kTextSize = 13.0;
constexpr double kTitleSize = 15.0;

using Surface = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
using Context = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;

void set(cairo_t* cr, const Colour& c) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a); }

// Text anchored at (x, y): ax / ay 0 = left / top, 0.5 = centre, 1 = right / bottom; optionally turned to read
// upwards (y-axis labels).
void text(cairo_t* cr, double x, double y, const std::string& s, double ax, double ay, double size = kTextSize, bool bold = false,
          bool vertical = false) {
    cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s.c_str(), &e);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    if (vertical) cairo_rotate(cr, -M_PI / 2);
    cairo_move_to(cr, -e.x_advance * ax, size * 0.8 - size * ay);
    cairo_show_text(cr, s.c_str());
    cairo_restore(cr);
}

std::string format(const char* pattern, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, pattern, v);
    return buf;
}

// Round tick steps (1, 2 or 5 x 10^k) covering [lo, hi] with about `target` intervals.
struct Axis {
    double lo = 0.0, hi = 1.0, step = 0.2;
};
Axis nice_axis(double lo, double hi, int target = 6) {
    if (!(hi > lo)) {
        lo -= 1.0;
        hi += 1.0;
    }
    const double raw = (hi - lo) / target;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * magnitude >= raw) {
            step = m * magnitude;
            break;
        }
    return {std::floor(lo / step) * step, std::ceil(hi / step) * step, step};
}

std::string tick_label(double v, double step) { return format(step >= 1.0 ? "%.0f" : step >= 0.1 ? "%.1f" : "%.2f", std::fabs(v) < step * 1e-6 ? 0.0 : v); }

// A plot area on the figure with data -> pixel mapping.
struct Panel {
    double left, top, right, bottom;  // pixels
    Axis x, y;
    double px(double v) const { return left + (v - x.lo) / (x.hi - x.lo) * (right - left); }
    double py(double v) const { return bottom - (v - y.lo) / (y.hi - y.lo) * (bottom - top); }
};

// Grid, frame, y ticks, and x ticks unless the caller labels categories itself.
void draw_axes(cairo_t* cr, const Panel& p, const std::string& x_label, const std::string& y_label, bool x_ticks) {
    cairo_set_line_width(cr, 1.0);
    for (double v = p.y.lo; v <= p.y.hi + p.y.step * 0.5; v += p.y.step) {
        set(cr, kGrid);
        cairo_move_to(cr, p.left, p.py(v));
        cairo_line_to(cr, p.right, p.py(v));
        cairo_stroke(cr);
        set(cr, kInk);
        text(cr, p.left - 6, p.py(v), tick_label(v, p.y.step), 1.0, 0.5);
    }
    if (x_ticks)
        for (double v = p.x.lo; v <= p.x.hi + p.x.step * 0.5; v += p.x.step) {
            set(cr, kGrid);
            cairo_move_to(cr, p.px(v), p.top);
            cairo_line_to(cr, p.px(v), p.bottom);
            cairo_stroke(cr);
            set(cr, kInk);
            text(cr, p.px(v), p.bottom + 6, tick_label(v, p.x.step), 0.5, 0.0);
        }
    set(cr, kInk);
    cairo_rectangle(cr, p.left, p.top, p.right - p.left, p.bottom - p.top);
    cairo_stroke(cr);
    text(cr, (p.left + p.right) / 2, p.bottom + 28, x_label, 0.5, 0.0);
    text(cr, p.left - 62, (p.top + p.bottom) / 2, y_label, 0.5, 0.0, kTextSize, false, true);
}

void line(cairo_t* cr, double x0, double y0, double x1, double y1, const Colour& c, double width, bool dashed = false) {
    set(cr, c);
    cairo_set_line_width(cr, width);
    const double dash[] = {7.0, 5.0};
    cairo_set_dash(cr, dash, dashed ? 2 : 0, 0.0);
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    cairo_stroke(cr);
    cairo_set_dash(cr, nullptr, 0, 0.0);
}

void dot(cairo_t* cr, double x, double y, double radius, const Colour& c) {
    set(cr, c);
    cairo_arc(cr, x, y, radius, 0, 2 * M_PI);
    cairo_fill(cr);
}

Surface new_figure(int width, int height, Context& cr) {
    Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height), &cairo_surface_destroy);
    cr = Context(cairo_create(surface.get()), &cairo_destroy);
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_paint(cr.get());
    return surface;
}

void save(cairo_surface_t* surface, const std::string& path) {
    cairo_surface_flush(surface);
    const cairo_status_t status = cairo_surface_write_to_png(surface, path.c_str());
    if (status != CAIRO_STATUS_SUCCESS) throw Error("cannot write '" + path + "': " + cairo_status_to_string(status));
}

void bland_altman_panel(cairo_t* cr, const Panel& frame, const CobbAgreement& c, const char* name) {
    const BlandAltman& ba = c.bland_altman;
    const bool limits = std::isfinite(ba.sd);
    std::string title = std::string(name) + " curve: n " + std::to_string(ba.n);
    if (ba.n > 0) title += ", bias " + format("%+.2f", ba.bias) + "\xC2\xB0";
    if (std::isfinite(c.icc)) title += ", ICC " + format("%.3f", c.icc);
    set(cr, kInk);
    text(cr, (frame.left + frame.right) / 2, frame.top - 26, title, 0.5, 0.0, kTextSize, true);
    if (ba.n == 0) {
        text(cr, (frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2, "no images", 0.5, 0.5);
        return;
    }
    double xlo = 1e300, xhi = -1e300, ylo = 0.0, yhi = 0.0;
    for (std::size_t i = 0; i < c.a.size(); ++i) {
        const double m = (c.a[i] + c.b[i]) / 2, d = c.a[i] - c.b[i];
        xlo = std::min(xlo, m), xhi = std::max(xhi, m), ylo = std::min(ylo, d), yhi = std::max(yhi, d);
    }
    if (limits) ylo = std::min(ylo, ba.lower), yhi = std::max(yhi, ba.upper);
    const double ypad = std::max(0.5, 0.1 * (yhi - ylo)), xpad = std::max(1.0, 0.05 * (xhi - xlo));
    Panel p = frame;
    // Cobb angles are not negative: an axis starting below 0 would only waste room.
    p.x = nice_axis(xlo >= 0.0 ? std::max(0.0, xlo - xpad) : xlo - xpad, xhi + xpad);
    p.y = nice_axis(ylo - ypad, yhi + ypad);
    draw_axes(cr, p, "mean of A and B (\xC2\xB0)", "A \xE2\x88\x92 B (\xC2\xB0)", true);
    cairo_save(cr);
    cairo_rectangle(cr, p.left, p.top, p.right - p.left, p.bottom - p.top);
    cairo_clip(cr);
    line(cr, p.left, p.py(0), p.right, p.py(0), kInk, 0.8);
    line(cr, p.left, p.py(ba.bias), p.right, p.py(ba.bias), kBias, 2.0);
    if (limits) {
        line(cr, p.left, p.py(ba.upper), p.right, p.py(ba.upper), kLimits, 1.5, true);
        line(cr, p.left, p.py(ba.lower), p.right, p.py(ba.lower), kLimits, 1.5, true);
    }
    for (std::size_t i = 0; i < c.a.size(); ++i) dot(cr, p.px((c.a[i] + c.b[i]) / 2), p.py(c.a[i] - c.b[i]), 4.0, kPoints);
    cairo_restore(cr);
    set(cr, kBias);
    text(cr, p.right - 4, p.py(ba.bias) - 2, "bias " + format("%+.2f", ba.bias), 1.0, 1.0);
    if (limits) {
        set(cr, kLimits);
        text(cr, p.right - 4, p.py(ba.upper) - 2, "+1.96 SD " + format("%+.2f", ba.upper), 1.0, 1.0);
        text(cr, p.right - 4, p.py(ba.lower) + 2, "\xE2\x88\x92" "1.96 SD " + format("%+.2f", ba.lower), 1.0, 0.0);
    }
}

// Legend entries drawn left to right from (x, y): a sample mark and its text.
enum class Mark { dot, solid, dashed, box, median };
void legend(cairo_t* cr, double x, double y, const std::vector<std::pair<Mark, std::string>>& entries,
            const std::vector<Colour>& colours) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const Colour& c = colours[i];
        switch (entries[i].first) {
            case Mark::dot: dot(cr, x + 10, y, 4.5, c); break;
            case Mark::solid: line(cr, x, y, x + 22, y, c, 2.0); break;
            case Mark::dashed: line(cr, x, y, x + 22, y, c, 1.5, true); break;
            case Mark::box:
                set(cr, c);
                cairo_rectangle(cr, x + 4, y - 7, 14, 14);
                cairo_fill(cr);
                break;
            case Mark::median: line(cr, x + 2, y, x + 20, y, c, 2.5); break;
        }
        set(cr, kInk);
        text(cr, x + 28, y, entries[i].second, 0.0, 0.5);
        cairo_text_extents_t e;
        cairo_text_extents(cr, entries[i].second.c_str(), &e);
        x += 28 + e.x_advance + 24;
    }
}

}  // namespace

void write_bland_altman_png(const std::string& path, const CompareReport& report, const std::string& label_a,
                            const std::string& label_b) {
    constexpr int kPanelWidth = 520, kHeight = 560;
    Context cr(nullptr, &cairo_destroy);
    Surface surface = new_figure(3 * kPanelWidth, kHeight, cr);
    set(cr.get(), kInk);
    text(cr.get(), 20, 14, "Bland\xE2\x80\x93" "Altman agreement of the Cobb angles: A = " + label_a + ", B = " + label_b + " (" +
                               std::to_string(report.images.size()) + " images)", 0.0, 0.0, kTitleSize, true);
    legend(cr.get(), 20, 48,
           {{Mark::dot, "one image"}, {Mark::solid, "bias (mean A \xE2\x88\x92 B)"}, {Mark::dashed, "limits of agreement (bias \xC2\xB1 1.96 SD)"}},
           {kPoints, kBias, kLimits});
    for (int k = 0; k < 3; ++k) {
        const Panel frame{k * kPanelWidth + 80.0, 110.0, (k + 1) * kPanelWidth - 20.0, kHeight - 70.0, {}, {}};
        bland_altman_panel(cr.get(), frame, report.cobb[k], kCobbNames[k]);
    }
    save(surface.get(), path);
}

void write_vertebra_profile_png(const std::string& path, const CompareReport& report, const std::string& label_a,
                                const std::string& label_b) {
    constexpr int kWidth = 1200, kHeight = 620;
    Context cr(nullptr, &cairo_destroy);
    Surface surface = new_figure(kWidth, kHeight, cr);
    cairo_t* c = cr.get();
    set(c, kInk);
    text(c, 20, 14, "Distance per vertebra, A = " + label_a + " vs B = " + label_b + " (" + std::to_string(report.images.size()) +
                        " images, 4 corners each), px", 0.0, 0.0, kTitleSize, true);
    legend(c, 20, 48, {{Mark::box, "middle half (25th\xE2\x80\x93" "75th percentile)"}, {Mark::median, "median"},
                       {Mark::solid, "whisker to the 90th percentile"}, {Mark::dot, "mean"}},
           {kBox, kMedian, kInk, kMean});
    const std::size_t n = report.per_vertebra.size();
    double top = 0.0;
    for (const Spread& s : report.per_vertebra) top = std::max({top, s.p90, s.mean});
    Panel p{90.0, 90.0, kWidth - 30.0, kHeight - 70.0, {-0.5, n - 0.5, 1.0}, nice_axis(0.0, top > 0 ? top * 1.05 : 1.0)};
    p.y.lo = 0.0;
    draw_axes(c, p, "vertebra", "distance between A and B (px)", false);
    const double half = 0.3 * (p.px(1.0) - p.px(0.0));
    for (std::size_t v = 0; v < n; ++v) {
        const Spread& s = report.per_vertebra[v];
        const double x = p.px(static_cast<double>(v));
        set(c, kInk);
        text(c, x, p.bottom + 6, report.vertebrae[v], 0.5, 0.0);
        if (s.n == 0) continue;
        line(c, x, p.py(s.p75), x, p.py(s.p90), kInk, 1.2);
        line(c, x - half / 2, p.py(s.p90), x + half / 2, p.py(s.p90), kInk, 1.2);
        set(c, kBox);
        cairo_rectangle(c, x - half, p.py(s.p75), 2 * half, p.py(s.p25) - p.py(s.p75));
        cairo_fill(c);
        line(c, x - half, p.py(s.median), x + half, p.py(s.median), kMedian, 2.5);
        dot(c, x, p.py(s.mean), 4.5, kMean);
    }
    save(surface.get(), path);
}

}  // namespace keybot::cli
