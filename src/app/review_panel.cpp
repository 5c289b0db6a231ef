#include "review_panel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>

#include "app.hpp"
#include "canvas.hpp"
#include "commands.hpp"
#include "imgui.h"
#include "keybot/core/cobb.hpp"
#include "platform.hpp"
#include "review_state.hpp"
#include "ui.hpp"

namespace keybot::app {

namespace {

using json = nlohmann::json;

constexpr float kDiagramBoxWidth = 34.0f;   // one schema group (vertebra) in the diagram, px
constexpr float kDiagramBoxHeight = 7.0f;
constexpr float kDiagramGap = 2.0f;
constexpr ImU32 kDiagramColor = IM_COL32(120, 140, 160, 255);
constexpr ImU32 kTargetColor = IM_COL32(255, 210, 60, 255);
constexpr ImU32 kOverColor = IM_COL32(255, 110, 100, 255);

bool run_button(App& app, const char* label, const char* command, const json& args = json::array(), bool enabled = true) {
    const Command* c = find_command(command);
    ImGui::BeginDisabled(!enabled || !c || !c->can_run(app));
    const bool clicked = ImGui::Button(label);
    ImGui::EndDisabled();
    if (c && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", c->description.c_str());
    if (clicked) run_command(app, command, args);
    return clicked;
}

// Where corner `c` of `count` sits in a unit box: from its name when it says top/bottom/left/right (the schema
// table's words), else spread around the box.
ImVec2 corner_in_box(const std::string& name, int c, int count) {
    const bool left = name.find("left") != std::string::npos, right = name.find("right") != std::string::npos;
    const bool top = name.find("top") != std::string::npos, bottom = name.find("bottom") != std::string::npos;
    if ((left || right) && (top || bottom)) return ImVec2(left ? 0.0f : 1.0f, top ? 0.0f : 1.0f);
    const float t = count > 0 ? float(c) / float(count) : 0.0f;
    return ImVec2(0.5f + 0.5f * std::cos(6.2831853f * t), 0.5f + 0.5f * std::sin(6.2831853f * t));
}

// The schema as a column of groups (a spine diagram for the vertebra schema), the target's group and corner
// highlighted.
void draw_schema_diagram(const Schema& schema, int target) {
    if (schema.groups.empty()) return;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float step = kDiagramBoxHeight + kDiagramGap;
    const float x0 = at.x + ImGui::GetContentRegionAvail().x * 0.5f - kDiagramBoxWidth * 0.5f;
    for (std::size_t g = 0; g < schema.groups.size(); ++g) {
        const auto& members = schema.groups[g];
        const ImVec2 lo(x0, at.y + float(g) * step), hi(x0 + kDiagramBoxWidth, lo.y + kDiagramBoxHeight);
        const auto hit = std::find(members.begin(), members.end(), target);
        const bool is_target = hit != members.end();
        if (is_target) draw->AddRectFilled(lo, hi, IM_COL32(255, 210, 60, 70));
        draw->AddRect(lo, hi, is_target ? kTargetColor : kDiagramColor);
        if (g < schema.group_names.size() && (is_target || g == 0 || g + 1 == schema.groups.size())) {
            const char* name = schema.group_names[g].c_str();
            draw->AddText(ImVec2(hi.x + 8, lo.y - 4), is_target ? kTargetColor : kDiagramColor, name);
        }
        if (!is_target) continue;
        const int c = int(hit - members.begin());
        const std::string corner = c < int(schema.corner_names.size()) ? schema.corner_names[std::size_t(c)] : "";
        const ImVec2 u = corner_in_box(corner, c, int(members.size()));
        const ImVec2 p(lo.x + u.x * kDiagramBoxWidth, lo.y + u.y * kDiagramBoxHeight);
        draw->AddCircleFilled(p, 4.5f, IM_COL32(0, 0, 0, 220), 12);
        draw->AddCircleFilled(p, 3.5f, kTargetColor, 12);
    }
    ImGui::Dummy(ImVec2(1.0f, float(schema.groups.size()) * step));
}

void draw_practice(App& app, const ImageEntry& e) {
    const Schema& schema = e.doc->schema();
    const auto& pts = e.doc->points();
    const int total = schema.size(), placed = e.has_points ? placed_count(pts) : 0;
    ImGui::Text("Placed %d of %d points", placed, total);
    if (e.selected >= 0) {
        const AnnotatedPoint& p = pts[std::size_t(e.selected)];
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kTargetColor), "%s %s", is_placed(p) && e.has_points ? "Place again:" : "Place:",
                           point_label(schema, e.selected).c_str());
        ImGui::TextDisabled("Click on the image where it goes.");
    } else {
        ImGui::TextUnformatted("Every point is placed.");
    }
    draw_schema_diagram(schema, e.selected);
    // Any point can be placed again: pick it here (or select-named), then click.
    const std::string current = e.selected >= 0 ? point_label(schema, e.selected) : std::string("(pick a point)");
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##target", current.c_str())) {
        for (int i : placement_order(schema)) {
            const bool done = e.has_points && is_placed(pts[std::size_t(i)]);
            const std::string label = point_label(schema, i) + (done ? "  (placed)" : "");
            if (ImGui::Selectable(label.c_str(), i == e.selected)) run_command(app, "select", {i});
        }
        ImGui::EndCombo();
    }
    run_button(app, "Undo", "undo", json::array(), e.doc->can_undo());
    ImGui::SameLine();
    run_button(app, "Check", "practice-check", json::array(), placed == total && !e.review.check_pending);
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled) && placed < total)
        ImGui::SetTooltip("Place every point first (%d left).", total - placed);
    if (e.review.check_pending) ImGui::TextUnformatted("The models are predicting the reference...");
    if (e.review.checked) ImGui::TextWrapped("Checked against %s.", e.review.reference.describe().c_str());
    else if (e.review.reference.loaded()) ImGui::TextDisabled("Reference loaded: hidden until Check.");
    else ImGui::TextDisabled("Check compares with the models' prediction (no reference loaded).");
}

void draw_figures(App& app, const ImageEntry& e) {
    std::optional<ReviewReport> report;
    try {
        report = review_report(e, app.review_tolerance);
    } catch (const std::exception& err) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(ImVec4(1, 0.6f, 0.4f, 1), "Cannot compare: %s", err.what());
        ImGui::PopTextWrapPos();
        return;
    }
    if (!report) return;
    const PairComparison& c = report->comparison;
    const Schema& schema = e.doc->schema();
    // In image px, like the tolerance; mm figures live in the side panel where the spacing is known.
    ImGui::Text("Mean distance %.2f px", c.mean);
    if (c.max_index >= 0) ImGui::Text("Largest %.2f px (%s)", c.max, point_label(schema, c.max_index).c_str());
    const int within = int(c.distances.size() - report->over.size());
    ImGui::Text("%d of %d within %.1f px", within, int(c.distances.size()), report->tolerance);
    if (c.has_cobb && ImGui::BeginTable("##cobb", 4, ImGuiTableFlags_SizingStretchSame)) {
        for (const char* h : {"Cobb", "yours", "ref.", "diff."}) {
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", h);
        }
        for (int k = 0; k < 3; ++k) {
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(kCobbColumnLabels[k]);
            for (double v : {c.cobb_a[std::size_t(k)], c.cobb_b[std::size_t(k)], c.cobb_diff[std::size_t(k)]}) {
                ImGui::TableNextColumn();
                ImGui::Text("%.1f", v);
            }
        }
        ImGui::EndTable();
    }
    if (report->over.empty()) return;
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kOverColor), "Over tolerance (click to go there):");
    const float rows = float(std::min<std::size_t>(report->over.size(), 6));
    if (ImGui::BeginListBox("##over", ImVec2(-1, ImGui::GetTextLineHeightWithSpacing() * rows + 6))) {
        for (int i : report->over) {
            char label[96];
            std::snprintf(label, sizeof label, "%-16s %6.1f px", point_label(schema, i).c_str(), c.distances[std::size_t(i)]);
            ImGui::PushID(i);
            if (ImGui::Selectable(label, i == e.selected)) {
                const AnnotatedPoint& p = e.doc->points()[std::size_t(i)];
                run_command(app, "select", {i});
                run_command(app, "view", {std::max(app.viewer.zoom(), 1.0), p.x, p.y});
            }
            ImGui::PopID();
        }
        ImGui::EndListBox();
    }
}

void draw_reference_controls(App& app, UiState& ui, const ImageEntry& e) {
    if (ImGui::Button("Load reference...") && !platform_open_reference_picker()) ui.show_prompt = UiState::Prompt::load_reference;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("KeyBot JSON, COCO JSON or an AASCE landmarks row; it is never edited.");
    ImGui::SameLine();
    run_button(app, "Prediction", "compare-use-prediction", json::array(), !e.review.prediction_ticket);
    ImGui::SameLine();
    run_button(app, "Clear", "compare-clear", json::array(), e.review.reference.loaded());
    float tolerance = float(app.review_tolerance);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6.0f);
    if (ImGui::InputFloat("Tolerance (px)", &tolerance, 1.0f, 5.0f, "%.1f", ImGuiInputTextFlags_EnterReturnsTrue) &&
        tolerance != float(app.review_tolerance))
        run_command(app, "compare-tolerance", {double(tolerance)});
    if (!e.review.reference.loaded()) {
        ImGui::TextDisabled(e.review.prediction_ticket ? "The models are predicting the reference..." : "No reference loaded.");
        return;
    }
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(reference_color()), "o");
    ImGui::SameLine();
    ImGui::TextWrapped("Reference: %s", e.review.reference.describe().c_str());
}

}  // namespace

void draw_review_section(App& app, UiState& ui) {
    const ImageEntry* e = app.state.active();
    if (!e) {
        ImGui::TextDisabled("Open an image to compare or practise.");
        return;
    }
    bool practice = e->review.practice;
    if (ImGui::Checkbox("Practice mode", &practice)) run_command(app, "practice", {practice});
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Place every point yourself, in order, with the models silent; Check scores you against the "
                          "reference (or the models' prediction).");
    if (e->review.practice) draw_practice(app, *e);
    ImGui::Separator();
    draw_reference_controls(app, ui, *e);
    draw_figures(app, *e);
}

}  // namespace keybot::app
