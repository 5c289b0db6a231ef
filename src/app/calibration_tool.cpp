#include "calibration_tool.hpp"

#include <cstdio>

#include "app.hpp"
#include "calibration.hpp"
#include "commands.hpp"

namespace keybot::app {

namespace {

constexpr const char* kPopup = "Calibrate";
constexpr double kMinDragScreenPx = 4.0;  // a shorter drag is a click, not a line
constexpr ImU32 kLineColor = IM_COL32(255, 230, 60, 255);
constexpr ImU32 kShadow = IM_COL32(0, 0, 0, 200);

// The tool belongs to one image: once another is shown (or none), the line means nothing.
bool on_its_image(const App& app, const CalibrationTool& tool) {
    const ImageEntry* e = app.state.active();
    return tool.on() && e && e->id == tool.entry;
}

ImVec2 screen(const App& app, Point image) {
    const Point s = app.viewer.image_to_screen(image);
    return ImVec2(float(s.x), float(s.y));
}

}  // namespace

void draw_spacing_section(App& app, CalibrationTool& tool) {
    const ImageEntry* e = app.state.active();
    if (!e) return;
    const PixelSpacing& s = e->doc->image().spacing;
    if (!s.known()) ImGui::TextDisabled("None: lengths in px only");
    else if (s.row_mm == s.col_mm) ImGui::Text("%.4g mm per px (%s spacing)", s.row_mm, s.type.c_str());
    else ImGui::Text("%.4g x %.4g mm per px (%s spacing)", s.row_mm, s.col_mm, s.type.c_str());
    if (ImGui::Button(tool.on() ? "Cancel calibration" : "Calibrate...")) {
        const bool start = !tool.on();
        tool = CalibrationTool{};
        if (start) {
            tool.step = CalibrationTool::Step::waiting;
            tool.entry = e->id;
        }
    }
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Drag along something of known length on the image (a ruler), then give its length in mm.");
    if (s.type != "user") return;
    ImGui::SameLine();
    const Command* clear = find_command("calibrate-clear");
    if (ImGui::Button("Clear##calibration")) run_command(app, "calibrate-clear");  // the Review section has a "Clear"
    if (clear && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", clear->description.c_str());
}

void calibration_mouse(const App& app, CalibrationTool& tool, bool press, Point mouse) {
    if (!on_its_image(app, tool)) return;
    const Point at = keep_inside_image(app.viewer.screen_to_image(mouse), app.state.active()->doc->image());
    if (tool.step == CalibrationTool::Step::waiting && press) {
        tool.a = tool.b = at;
        tool.step = CalibrationTool::Step::dragging;
    } else if (tool.step == CalibrationTool::Step::dragging) {
        tool.b = at;
        if (ImGui::IsMouseDown(ImGuiMouseButton_Left)) return;
        const bool line = distance(tool.a, tool.b) >= kMinCalibrationPx &&
                          distance(app.viewer.image_to_screen(tool.a), mouse) >= kMinDragScreenPx;
        tool.step = line ? CalibrationTool::Step::asking : CalibrationTool::Step::waiting;
    }
}

void draw_calibration(ImDrawList* draw, const App& app, const CalibrationTool& tool) {
    if (!on_its_image(app, tool)) return;
    if (tool.step != CalibrationTool::Step::waiting) {
        const ImVec2 a = screen(app, tool.a), b = screen(app, tool.b);
        draw->AddLine(a, b, kShadow, 4.0f);
        draw->AddLine(a, b, kLineColor, 2.0f);
        for (const ImVec2& end : {a, b}) draw->AddCircleFilled(end, 3.5f, kLineColor, 12);
        char text[48];
        std::snprintf(text, sizeof text, "%.1f px", distance(tool.a, tool.b));
        draw->AddText(ImVec2(b.x + 9, b.y - 7), kShadow, text);
        draw->AddText(ImVec2(b.x + 8, b.y - 8), kLineColor, text);
    }
    if (tool.step == CalibrationTool::Step::asking) return;
    const Rect& vp = app.viewer.viewport();
    const char* hint = "Calibration: drag along a line of known length (Esc: cancel)";
    const ImVec2 at(float(vp.x) + 8, float(vp.y) + 8);
    draw->AddText(ImVec2(at.x + 1, at.y + 1), kShadow, hint);
    draw->AddText(at, kLineColor, hint);
}

void draw_calibration_popup(App& app, CalibrationTool& tool, bool enter, bool escape) {
    if (tool.on() && !on_its_image(app, tool)) tool = CalibrationTool{};
    const bool asking = tool.step == CalibrationTool::Step::asking;
    if (asking && !ImGui::IsPopupOpen(kPopup)) ImGui::OpenPopup(kPopup);
    if (!ImGui::BeginPopupModal(kPopup, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
    bool close = !asking;
    if (asking) {
        ImGui::Text("The line is %.1f px long. Its real length:", distance(tool.a, tool.b));
        if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10.0f);
        // The value applies as it is typed: Enter may come as a tap ImGui never sees (UiState::key_taps), and then
        // a field that applies only on Enter would drop what was typed.
        ImGui::InputDouble("mm", &tool.mm, 1.0, 10.0, "%.2f");
        if (ImGui::Button("OK") || enter) {
            run_command(app, "calibrate", {tool.a.x, tool.a.y, tool.b.x, tool.b.y, tool.mm});  // a failure shows its error
            close = true;
        }
        ImGui::SameLine();
        close |= ImGui::Button("Cancel") || escape;
    }
    if (close) {
        tool = CalibrationTool{};
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

}  // namespace keybot::app
