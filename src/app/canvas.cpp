#include "canvas.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>

#include "app.hpp"
#include "keybot/core/cobb_ends.hpp"
#include "review_state.hpp"

namespace keybot::app {

namespace {

ImVec2 to_screen(const App& app, double x, double y) {
    const Point s = app.viewer.image_to_screen({x, y});
    return ImVec2(float(s.x), float(s.y));
}

constexpr ImU32 kQuadColor = IM_COL32(90, 200, 255, 150);
constexpr ImU32 kLabelColor = IM_COL32(220, 240, 255, 255);
constexpr ImU32 kShadow = IM_COL32(0, 0, 0, 200);
constexpr ImU32 kCurveColors[3] = {IM_COL32(255, 80, 200, 255), IM_COL32(255, 225, 60, 255), IM_COL32(120, 255, 140, 255)};
constexpr const char* kCurveNames[3] = {"Main", "Upper", "Lower"};
// The reference: hollow markers in a colour no provenance uses, a line to each counterpart (red when farther
// than the tolerance).
constexpr ImU32 kReferenceColor = IM_COL32(255, 60, 220, 255);
constexpr ImU32 kPairLineColor = IM_COL32(255, 200, 240, 150);
constexpr ImU32 kOverToleranceColor = IM_COL32(255, 50, 50, 255);

void text_with_shadow(ImDrawList* draw, ImVec2 pos, ImU32 color, const char* text) {
    draw->AddText(ImVec2(pos.x + 1, pos.y + 1), kShadow, text);
    draw->AddText(pos, color, text);
}

void draw_cobb(ImDrawList* draw, const App& app, const ImageEntry& e, const std::vector<AnnotatedPoint>& pts) {
    std::vector<Point> xy;
    for (const auto& p : pts) xy.push_back({p.x, p.y});
    CobbEnds ends;
    try {
        ends = cobb_end_vertebrae(xy, e.height);
    } catch (const std::exception&) {
        return;
    }
    const auto& names = e.doc->schema().group_names;
    const CobbCurve curves[3] = {ends.main, ends.upper, ends.lower};
    for (int c = 2; c >= 0; --c) {  // main curve drawn last, on top
        const CobbCurve& curve = curves[c];
        if (curve.angle < 0.05) continue;
        ImVec2 label_at;
        for (int v : {curve.top, curve.bottom}) {
            Point l, r;
            vertebra_midline(xy, v, &l, &r);
            const Point d = r - l;
            const Point a = l - d * 0.9, b = r + d * 0.9;  // extended beyond the vertebra on both sides
            const ImVec2 sa = to_screen(app, a.x, a.y), sb = to_screen(app, b.x, b.y);
            draw->AddLine(sa, sb, kShadow, 4.0f);
            draw->AddLine(sa, sb, kCurveColors[c], 2.0f);
            if (v == curve.top) label_at = ImVec2(sb.x + 6, sb.y - 8);
        }
        char text[96];
        const std::string top = curve.top < int(names.size()) ? names[curve.top] : std::to_string(curve.top + 1);
        const std::string bottom = curve.bottom < int(names.size()) ? names[curve.bottom] : std::to_string(curve.bottom + 1);
        std::snprintf(text, sizeof text, "%s %.1f\xC2\xB0 (%s-%s)", kCurveNames[c], curve.angle, top.c_str(), bottom.c_str());
        text_with_shadow(draw, label_at, kCurveColors[c], text);
    }
}

void draw_reference(ImDrawList* draw, const App& app, const ImageEntry& e, const std::vector<AnnotatedPoint>& pts) {
    const std::vector<Point>& ref = e.review.reference.points;
    if (ref.size() != pts.size()) return;
    std::vector<bool> over(pts.size(), false);
    try {
        if (const auto report = review_report(e, app.review_tolerance))
            for (int i : report->over) over[std::size_t(i)] = true;
    } catch (const std::exception&) {
        // Not comparable (e.g. undefined Cobb angles): the panel says why; the pairs are still drawn.
    }
    for (std::size_t i = 0; i < ref.size(); ++i) {
        const ImVec2 a = to_screen(app, pts[i].x, pts[i].y), b = to_screen(app, ref[i].x, ref[i].y);
        draw->AddLine(a, b, over[i] ? kOverToleranceColor : kPairLineColor, over[i] ? 2.0f : 1.0f);
    }
    for (const Point& r : ref) {
        const ImVec2 s = to_screen(app, r.x, r.y);
        draw->AddCircle(s, 5.5f, kShadow, 12, 3.0f);
        draw->AddCircle(s, 5.5f, kReferenceColor, 12, 1.5f);
    }
}

}  // namespace

ImU32 reference_color() { return kReferenceColor; }

ImU32 provenance_color(Provenance p) {
    switch (p) {
        case Provenance::predicted: return IM_COL32(0, 200, 255, 255);
        case Provenance::flagged: return IM_COL32(255, 140, 0, 255);
        case Provenance::model_corrected: return IM_COL32(200, 120, 255, 255);
        case Provenance::user_placed: return IM_COL32(60, 230, 90, 255);
        case Provenance::user_confirmed: return IM_COL32(255, 255, 255, 255);
    }
    return IM_COL32_WHITE;
}

const char* provenance_label(Provenance p) {
    switch (p) {
        case Provenance::predicted: return "predicted";
        case Provenance::flagged: return "flagged (check it)";
        case Provenance::model_corrected: return "corrected by the model";
        case Provenance::user_placed: return "placed by you";
        case Provenance::user_confirmed: return "confirmed (locked)";
    }
    return "?";
}

int hit_test(const App& app, const ImageEntry& e, Point screen, double radius) {
    if (!e.has_points || e.review.practice) return -1;  // practice: a click places the target
    const auto& pts = e.shown_points();
    int best = -1;
    double best_d = radius;
    for (int i = 0; i < int(pts.size()); ++i) {
        const double d = distance(app.viewer.image_to_screen({pts[i].x, pts[i].y}), screen);
        if (d <= best_d) best_d = d, best = i;
    }
    return best;
}

void sync_heatmap_texture(App& app, const ImageEntry& e) {
    HeatmapTexture& t = app.heatmap_texture;
    if (!app.overlays.heatmap || e.heatmap.empty()) return;
    if (t.holds(e.id, e.heatmap_generation)) return;
    t.upload(e.heatmap.data(), e.heatmap_cols, e.heatmap_rows);
    t.entry = e.id;
    t.generation = e.heatmap_generation;
}

void draw_annotation(ImDrawList* draw, const App& app, const ImageEntry& e, const CanvasDrag& drag, float pulse) {
    if (!e.has_points) return;
    const HeatmapTexture& heat = app.heatmap_texture;
    if (app.overlays.heatmap && !e.review.practice && !e.heatmap.empty() && heat.holds(e.id, e.heatmap_generation)) {
        // The model saw the whole image resized, so the map's cells tile the image rectangle exactly.
        draw->AddImage(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(heat.id())), to_screen(app, 0, 0),
                       to_screen(app, e.width, e.height));
    }
    std::vector<AnnotatedPoint> pts = e.shown_points();
    if (drag.index >= 0 && drag.index < int(pts.size())) {
        pts[drag.index].x = drag.position.x;
        pts[drag.index].y = drag.position.y;
        pts[drag.index].provenance = Provenance::user_placed;
    }
    const Schema& schema = e.doc->schema();
    const bool corners4 = schema.corner_names.size() == 4;
    // Practice shows only what the user placed: the models' points, flags and heatmaps would give answers away.
    const bool practice = e.review.practice;
    const auto shown = [&](int i) { return !practice || is_placed(pts[std::size_t(i)]); };
    const bool all_shown = !practice || placed_count(pts) == int(pts.size());

    if (app.overlays.quads) {
        for (std::size_t g = 0; g < schema.groups.size(); ++g) {
            const auto& idx = schema.groups[g];
            if (corners4 && std::all_of(idx.begin(), idx.end(), shown)) {  // tl, tr, br, bl
                const ImVec2 q[4] = {to_screen(app, pts[idx[0]].x, pts[idx[0]].y), to_screen(app, pts[idx[1]].x, pts[idx[1]].y),
                                     to_screen(app, pts[idx[3]].x, pts[idx[3]].y), to_screen(app, pts[idx[2]].x, pts[idx[2]].y)};
                draw->AddPolyline(q, 4, kQuadColor, ImDrawFlags_Closed, 1.5f);
                if (g < schema.group_names.size()) {
                    const ImVec2 mid((q[0].x + q[3].x) * 0.5f, (q[0].y + q[3].y) * 0.5f);
                    const char* name = schema.group_names[g].c_str();
                    const ImVec2 size = ImGui::CalcTextSize(name);
                    text_with_shadow(draw, ImVec2(mid.x - size.x - 10, mid.y - size.y * 0.5f), kLabelColor, name);
                }
            }
        }
    }
    if (app.overlays.cobb && all_shown) draw_cobb(draw, app, e, pts);
    if (comparison_visible(e)) draw_reference(draw, app, e, pts);

    if (app.overlays.error_probability && !practice) {
        for (const auto& p : pts) {
            const float prob = float(std::clamp(p.error_probability, 0.0, 1.0));
            const ImU32 c = IM_COL32(int(60 + 195 * prob), int(220 - 180 * prob), 60, 90);
            draw->AddCircleFilled(to_screen(app, p.x, p.y), 4.0f + 22.0f * prob, c, 24);
        }
    }

    for (int i = 0; i < int(pts.size()); ++i) {
        if (!shown(i)) continue;
        const ImVec2 s = to_screen(app, pts[i].x, pts[i].y);
        const Provenance prov = pts[i].provenance;
        const ImU32 color = provenance_color(prov);
        if (prov == Provenance::flagged) {
            draw->AddCircle(s, 8.0f + 4.0f * pulse, IM_COL32(255, 140, 0, int(120 + 135 * pulse)), 24, 2.5f);
        }
        draw->AddCircleFilled(s, 4.5f, kShadow, 12);
        draw->AddCircleFilled(s, 3.5f, color, 12);
        if (prov == Provenance::user_confirmed) draw->AddRect(ImVec2(s.x - 6, s.y - 6), ImVec2(s.x + 6, s.y + 6), color, 0, 0, 1.5f);
        if (i == e.selected) {
            draw->AddCircle(s, 9.0f, kShadow, 24, 3.5f);
            draw->AddCircle(s, 9.0f, IM_COL32(255, 255, 255, 255), 24, 1.5f);
        }
    }
    if (e.pending_ticket) {  // the models are updating the other points
        const ImVec2 s = to_screen(app, e.width * 0.5, 0);
        text_with_shadow(draw, ImVec2(s.x - 40, std::max(s.y, app.viewer.viewport().y > 0 ? float(app.viewer.viewport().y) + 4 : 4.0f)),
                         IM_COL32(255, 255, 180, 255), "updating...");
    }
}

}  // namespace keybot::app
