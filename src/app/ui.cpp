#include "ui.hpp"

#include <SDL_scancode.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "annotator.hpp"
#include "app.hpp"
#include "commands.hpp"
#include "imgui.h"
#include "keybot/core/cobb_ends.hpp"
#include "keybot/core/file_io.hpp"
#include "platform.hpp"
#include "review_panel.hpp"

namespace keybot::app {

namespace {

constexpr ImGuiWindowFlags kPanelFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                         ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing;
constexpr double kWheelZoomStep = 1.15;
constexpr double kHitRadius = 10.0;  // screen px around a point that grab it
constexpr float kSidePanelWidth = 270.0f;
constexpr const char* kErrorPopup = "KeyBot";
constexpr const char* kPathPopup = "Path";

// ImGui 1.86 with the SDL backend indexes keys by SDL scancode; a tap seen in this frame's events also counts
// (see UiState::key_taps).
bool key_pressed(const UiState& ui, int key, bool repeat = false) {
    return ImGui::IsKeyPressed(key, repeat) ||
           std::any_of(ui.key_taps.begin(), ui.key_taps.end(), [key](const UiState::KeyTap& t) { return t.key == key; });
}
bool tapped_with(const UiState& ui, unsigned mods) {
    return std::any_of(ui.key_taps.begin(), ui.key_taps.end(), [mods](const UiState::KeyTap& t) { return (t.mod & mods) != 0; });
}
bool key_down(int key) { return ImGui::IsKeyDown(key); }

}  // namespace

void begin_key_events(UiState& ui) { ui.key_taps.clear(); }

void note_key_event(UiState& ui, const SDL_Event& event) {
    if (event.type == SDL_KEYDOWN && !event.key.repeat) ui.key_taps.push_back({event.key.keysym.scancode, event.key.keysym.mod});
}

namespace {

// A button that runs a command of the table (commands.hpp): disabled when the command cannot run now (or
// `enabled` is false), its description as the tooltip, its first key binding in the label's tooltip.
bool command_button(App& app, const char* label, const std::string& name, const nlohmann::json& args = nlohmann::json::array(),
                    bool enabled = true) {
    const Command* c = find_command(name);
    ImGui::BeginDisabled(!c || !enabled || !c->can_run(app));
    const bool clicked = ImGui::Button(label);
    ImGui::EndDisabled();
    if (c && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("%s%s%s", c->description.c_str(), c->keys.empty() ? "" : "  -  key ", c->keys.empty() ? "" : c->keys[0].label.c_str());
    if (clicked) run_command(app, name, args);
    return clicked;
}

// A checkbox showing `value` whose change runs `name` with [args..., on|off].
void command_checkbox(App& app, const char* label, bool value, const std::string& name, nlohmann::json args = nlohmann::json::array()) {
    if (!ImGui::Checkbox(label, &value)) return;
    args.push_back(value);
    run_command(app, name, args);
}

void begin_panel(const char* name, ImVec2 pos, ImVec2 size, ImGuiWindowFlags extra_flags = 0) {
    ImGui::SetNextWindowPos(pos);
    ImGui::SetNextWindowSize(size);
    ImGui::Begin(name, nullptr, kPanelFlags | extra_flags);
}

void open_image_dialog(UiState& ui) {
    if (!platform_open_file_picker()) ui.show_prompt = UiState::Prompt::open_image;
}
void import_dialog(UiState& ui) {
    if (!platform_open_annotation_picker()) ui.show_prompt = UiState::Prompt::import_annotation;
}

void draw_toolbar(App& app, UiState& ui, float height) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    begin_panel("##toolbar", vp->Pos, ImVec2(vp->Size.x, height));
    if (ImGui::Button("Open image...")) open_image_dialog(ui);
    ImGui::SameLine();
    const ImageEntry* e = app.state.active();
    ImGui::BeginDisabled(!e);
    if (ImGui::Button("Import annotation...")) import_dialog(ui);
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!e || !e->has_points);
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    ImGui::TextUnformatted("Export:");
    ImGui::SameLine();
    ImGui::EndDisabled();
    command_button(app, "JSON", "export-file", {"json"});
    ImGui::SameLine();
    command_button(app, "AASCE CSV", "export-file", {"aasce"});
    ImGui::SameLine();
    command_button(app, "COCO", "export-file", {"coco"});
    ImGui::SameLine();
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    command_button(app, "Fit (F)", "fit");
    ImGui::SameLine();
    command_button(app, "1:1", "view", {1.0, app.viewer.center().x, app.viewer.center().y});
    ImGui::End();
}

// The keyboard shortcuts: the key bindings of the command table. Modifiers must match exactly (Shift+Tab is
// not Tab); a command that cannot run now ignores its key.
void handle_keys(App& app, const UiState& ui) {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput || ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId)) return;
    if (!app.state.active()) return;
    const bool ctrl = io.KeyCtrl || io.KeySuper || tapped_with(ui, KMOD_CTRL | KMOD_GUI);
    const bool shift = io.KeyShift || tapped_with(ui, KMOD_SHIFT);
    const unsigned mods = (ctrl ? KeyBinding::ctrl : 0u) | (shift ? KeyBinding::shift : 0u);
    for (const Command& c : commands()) {
        for (const KeyBinding& k : c.keys) {
            if (k.mods != mods || !key_pressed(ui, k.scancode, k.repeat)) continue;
            if (c.can_run(app)) run_command(app, c.name, k.args);
        }
    }
}

// The image area: an invisible button catching the mouse; the image itself is drawn by ImageRenderer, the
// annotation on top with this window's draw list.
void draw_viewer(App& app, UiState& ui, ImVec2 pos, ImVec2 size) {
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    begin_panel("##viewer", pos, size,
                ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::PopStyleVar();
    app.viewer.set_viewport({pos.x, pos.y, size.x, size.y});
    ImGui::InvisibleButton("##image", ImVec2(std::max(size.x, 1.0f), std::max(size.y, 1.0f)),
                           ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight |
                               ImGuiButtonFlags_MouseButtonMiddle);
    const ImGuiIO& io = ImGui::GetIO();
    Viewer& viewer = app.viewer;
    ImageEntry* e = app.state.active();
    if (viewer.has_image() && e) {
        const Point mouse{io.MousePos.x, io.MousePos.y};
        const bool hovered = ImGui::IsItemHovered();
        if (hovered && io.MouseWheel != 0.0f) {
            const Point at = viewer.screen_to_image(mouse);
            run_command(app, "zoom", {std::pow(kWheelZoomStep, io.MouseWheel), at.x, at.y});
        }
        const bool space = key_down(SDL_SCANCODE_SPACE) && !io.WantTextInput;

        // Press: left on a point = drag it (practice: place the target there; calibrating: draw the line);
        // Space+left, middle, right = pan; Shift+right = window/level.
        const bool left_press = hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left) && !space;
        if (ui.calibration.on()) {
            calibration_mouse(app, ui.calibration, left_press, mouse);
        } else if (left_press && e->review.practice) {
            const Point at = viewer.screen_to_image(mouse);
            run_command(app, "practice-place", {at.x, at.y});
        } else if (left_press) {
            const int hit = hit_test(app, *e, mouse, kHitRadius);
            if (e->has_points) run_command(app, "select", {hit});
            if (hit >= 0) {
                const AnnotatedPoint& p = e->shown_points()[hit];
                ui.drag = CanvasDrag{hit, {p.x, p.y}, {p.x, p.y}};
                ui.drag_press_mouse = mouse;
            }
        }
        if (hovered && (ImGui::IsMouseClicked(ImGuiMouseButton_Middle) || ImGui::IsMouseClicked(ImGuiMouseButton_Right) ||
                        (space && ImGui::IsMouseClicked(ImGuiMouseButton_Left)))) {
            if (io.KeyShift && ImGui::IsMouseClicked(ImGuiMouseButton_Right)) ui.leveling = true;
            else ui.panning = true;
        }
        if (ui.drag.index >= 0) {
            // The point follows the mouse by its movement since the press (no jump to the cursor).
            ui.drag.position = ui.drag.start + (mouse - ui.drag_press_mouse) * (1.0 / viewer.zoom());
            ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
            if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
                const CanvasDrag done = ui.drag;
                ui.drag = CanvasDrag{};
                if (done.position != done.start) run_command(app, "move", {done.index, done.position.x, done.position.y});
            }
        } else if (ui.panning) {
            if (io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f) run_command(app, "pan", {io.MouseDelta.x, io.MouseDelta.y});
            ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeAll);
            if (!ImGui::IsMouseDown(ImGuiMouseButton_Left) && !ImGui::IsMouseDown(ImGuiMouseButton_Middle) &&
                !ImGui::IsMouseDown(ImGuiMouseButton_Right))
                ui.panning = false;
        } else if (ui.leveling) {
            // Horizontal: window width, vertical: level (centre), in normalized units per screen px.
            const DisplaySettings& d = e->display;
            const float level = 0.5f * (d.window_low + d.window_high) + io.MouseDelta.y * 0.002f;
            const float width = std::clamp((d.window_high - d.window_low) * std::pow(1.01f, io.MouseDelta.x), 0.002f, 2.0f);
            if (io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f) run_command(app, "window", {level - 0.5f * width, level + 0.5f * width});
            if (!ImGui::IsMouseDown(ImGuiMouseButton_Right)) ui.leveling = false;
        } else if (hovered && !ui.calibration.on() && hit_test(app, *e, mouse, kHitRadius) >= 0) {
            ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        }
        if (ui.calibration.on() && key_pressed(ui, SDL_SCANCODE_ESCAPE)) ui.calibration = CalibrationTool{};  // not Esc's command
        else handle_keys(app, ui);
        ImDrawList* draw = ImGui::GetWindowDrawList();
        sync_heatmap_texture(app, *e);
        // The flagged points' rings pulse for a few seconds after the last change, then rest at full size (the
        // app draws no frames while idle).
        const float pulse = app.pacer.pulsing(now_ms()) ? 0.5f + 0.5f * float(std::sin(ImGui::GetTime() * 6.0)) : 1.0f;
        draw_annotation(draw, app, *e, ui.drag, pulse);
        draw_calibration(draw, app, ui.calibration);
    } else {
        const char* hint = "Open an image (button above) or drop one here.";
        const ImVec2 text = ImGui::CalcTextSize(hint);
        ImGui::GetWindowDrawList()->AddText(ImVec2(pos.x + (size.x - text.x) * 0.5f, pos.y + (size.y - text.y) * 0.5f),
                                            ImGui::GetColorU32(ImGuiCol_TextDisabled), hint);
    }
    ImGui::End();
}

void legend_item(Provenance p) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetTextLineHeight();
    draw->AddCircleFilled(ImVec2(at.x + h * 0.5f, at.y + h * 0.5f), h * 0.3f, provenance_color(p), 12);
    ImGui::Dummy(ImVec2(h, h));
    ImGui::SameLine();
    ImGui::TextUnformatted(provenance_label(p));
}

void draw_images_section(App& app, UiState& ui) {
    const int n = app.state.image_count();
    const int done = app.state.done_count();
    char progress[64];
    std::snprintf(progress, sizeof progress, "%d of %d done", done, n);
    ImGui::ProgressBar(n ? float(done) / n : 0.0f, ImVec2(-1, 0), progress);
    if (ImGui::BeginListBox("##images", ImVec2(-1, ImGui::GetTextLineHeightWithSpacing() * std::clamp(n, 3, 6) + 6))) {
        for (int i = 0; i < n; ++i) {
            const ImageEntry& e = app.state.entry(i);
            ImGui::PushID(i);
            command_checkbox(app, "##done", e.done, "set-done", {i});
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("Done (D)");
            ImGui::SameLine();
            char label[320];
            std::snprintf(label, sizeof label, "%s  (%d/%d%s)", e.name.c_str(), reviewed_count(e), e.doc->schema().size(),
                          e.has_points ? "" : ", no points");
            if (ImGui::Selectable(label, i == app.state.active_index())) run_command(app, "select-image", {i});
            ImGui::PopID();
        }
        ImGui::EndListBox();
    }
    if (ImGui::Button("Open image...")) open_image_dialog(ui);
    ImGui::SameLine();
    ImGui::BeginDisabled(n == 0);
    if (ImGui::Button("New session...")) ui.confirm_new_session = true;
    ImGui::EndDisabled();
}

// With a known pixel spacing: the selected corner's distances to the two other corners of its edges, and its
// vertebra's height (mean of the left and right edges), in mm with the spacing's type.
void draw_point_lengths(const ImageEntry& e, const std::vector<AnnotatedPoint>& pts, int selected) {
    const PixelSpacing& s = e.doc->image().spacing;
    if (!s.known() || pts.size() % 4 != 0) return;
    const int base = selected / 4 * 4, corner = selected % 4;  // tl, tr, bl, br
    auto mm = [&](int a, int b) { return length_mm(s, pts[b].x - pts[a].x, pts[b].y - pts[a].y); };
    const int across = base + (corner ^ 1), along = base + (corner ^ 2);
    const auto& names = e.doc->schema().landmarks;
    ImGui::Text("to %s %.1f mm, to %s %.1f mm", names[across].c_str(), mm(selected, across), names[along].c_str(), mm(selected, along));
    const std::string vertebra = names[base].substr(0, names[base].find('_'));
    ImGui::Text("%s height %.1f mm (%s spacing)", vertebra.c_str(), 0.5 * (mm(base, base + 2) + mm(base + 1, base + 3)), s.type.c_str());
}

void draw_point_section(App& app) {
    const ImageEntry* e = app.state.active();
    if (!e) return;
    if (!e->has_points) {
        ImGui::TextWrapped(app.inference.ready() ? "Predicting the points..." : "No points yet: the models are not ready.");
        command_button(app, "Predict", "predict");
        return;
    }
    const auto& pts = e->shown_points();
    const int reviewed = reviewed_count(*e), flagged = flagged_count(*e);
    ImGui::Text("Reviewed %d of %d points, %d flagged", reviewed, int(pts.size()), flagged);
    if (e->selected >= 0 && e->selected < int(pts.size())) {
        const AnnotatedPoint& p = pts[e->selected];
        ImGui::Text("%s  (%.1f, %.1f)", e->doc->schema().landmarks[e->selected].c_str(), p.x, p.y);
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(provenance_color(p.provenance)), "%s, error p = %.2f",
                           provenance_label(p.provenance), p.error_probability);
        draw_point_lengths(*e, pts, e->selected);
    } else {
        ImGui::TextDisabled("No point selected (click one, Tab, N, U)");
    }
    command_button(app, "Next flagged (N)", "next-flagged", nlohmann::json::array(), flagged > 0);
    ImGui::SameLine();
    command_button(app, "Next unreviewed (U)", "next-unreviewed", nlohmann::json::array(), reviewed < int(pts.size()));
    command_button(app, "Confirm (C)", "confirm");
    ImGui::SameLine();
    command_button(app, "Undo", "undo", nlohmann::json::array(), e->doc->can_undo() || e->pending_ticket);
    ImGui::SameLine();
    command_button(app, "Redo", "redo", nlohmann::json::array(), e->doc->can_redo() && !e->pending_ticket);
    ImGui::SameLine();
    command_button(app, "Predict again", "predict");
    command_checkbox(app, reviewed == int(pts.size()) ? "Done (D) - all points reviewed" : "Done (D)", e->done, "done");
}

// DICOM: the file's VOI presets and the window in the file's own units.
void draw_dicom_display(App& app, const LoadedImage& img, const DisplaySettings& d) {
    const DicomInfo& info = img.dicom->info;
    const std::string current = d.voi_preset >= 0 && d.voi_preset < int(info.voi_presets.size()) ? info.voi_presets[d.voi_preset].name : "?";
    if (ImGui::BeginCombo("VOI preset", current.c_str())) {
        for (int i = 0; i < int(info.voi_presets.size()); ++i)
            if (ImGui::Selectable(info.voi_presets[i].name.c_str(), i == d.voi_preset)) run_command(app, "voi-preset", {i});
        ImGui::EndCombo();
    }
    double center = 0, width = 0;
    const std::string units = info.rescale_type.empty() ? "" : " " + info.rescale_type;
    if (window_in_file_units(img, d, &center, &width))
        ImGui::Text("W %.1f / L %.1f%s (%s)", width, center, units.c_str(), info.voi_function.c_str());
    else
        ImGui::TextDisabled("VOI LUT: no linear window");
    ImGui::TextDisabled("%s%s, %d-bit, %s", info.photometric.c_str(), info.inverted ? " (shown inverted)" : "", info.bits_stored,
                        info.frames > 1 ? "first frame" : "one frame");
}

void draw_display_section(App& app) {
    const ImageEntry* e = app.state.active();
    if (!e) return;
    const DisplaySettings& d = e->display;
    float level = 0.5f * (d.window_low + d.window_high), width = d.window_high - d.window_low;
    bool changed = ImGui::SliderFloat("Level", &level, 0.0f, 1.0f, "%.3f");
    changed |= ImGui::SliderFloat("Window", &width, 0.002f, 1.0f, "%.3f", ImGuiSliderFlags_Logarithmic);
    if (changed) run_command(app, "window", {level - 0.5f * width, level + 0.5f * width});
    command_checkbox(app, "Invert (I)", d.invert, "invert");
    ImGui::SameLine();
    command_button(app, "Reset", "reset-display");
    if (const LoadedImage* img = app.state.image(); img && img->dicom) draw_dicom_display(app, *img, d);
    const Overlays& o = app.overlays;
    command_checkbox(app, "Vertebrae", o.quads, "overlay", {"quads"});
    ImGui::SameLine();
    command_checkbox(app, "Cobb", o.cobb, "overlay", {"cobb"});
    ImGui::SameLine();
    command_checkbox(app, "Error p (E)", o.error_probability, "overlay", {"errorProbability"});
    command_checkbox(app, "Heatmap (H)", o.heatmap, "overlay", {"heatmap"});  // own line: the panel is too narrow for four
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(e->heatmap.empty() ? "The refiner's heatmaps appear after the next model run."
                                             : "Where the refiner believes the corners are (its last run).");
}

void draw_cobb_section(const App& app) {
    const ImageEntry* e = app.state.active();
    if (!e || !e->has_points) return;
    std::vector<Point> xy;
    for (const auto& p : e->shown_points()) xy.push_back({p.x, p.y});
    try {
        const CobbEnds ends = cobb_end_vertebrae(xy, e->height);
        const auto& names = e->doc->schema().group_names;
        const CobbCurve curves[3] = {ends.main, ends.upper, ends.lower};
        const char* labels[3] = {"Main ", "Upper", "Lower"};
        for (int c = 0; c < 3; ++c)
            ImGui::Text("%s %5.1f deg  %s-%s", labels[c], curves[c].angle, names[curves[c].top].c_str(), names[curves[c].bottom].c_str());
        ImGui::TextDisabled(ends.angles.s_shaped ? "S-shaped (reference method)" : "C-shaped (reference method)");
    } catch (const std::exception& err) {
        ImGui::TextDisabled("Cobb: %s", err.what());
    }
}

void draw_models_section(const App& app) {
    const Inference& inf = app.inference;
    switch (inf.state()) {
        case Inference::State::ready:
            ImGui::Text("Backend: %s, %d thread%s", inf.backend().c_str(), inf.threads(), inf.threads() == 1 ? "" : "s");
            ImGui::TextDisabled("%s", inf.models_label().c_str());
            break;
        case Inference::State::loading: ImGui::TextUnformatted("Loading the models..."); break;
        case Inference::State::failed:
            ImGui::PushTextWrapPos(0);
            ImGui::TextColored(ImVec4(1, 0.6f, 0.4f, 1), "Models not available: %s", inf.message().c_str());
            ImGui::PopTextWrapPos();
            break;
        case Inference::State::none: ImGui::TextDisabled("No models: points can be edited by hand."); break;
    }
}

void draw_side_panel(App& app, UiState& ui, ImVec2 pos, ImVec2 size) {
    begin_panel("##side", pos, size);
    if (ImGui::CollapsingHeader("Images", ImGuiTreeNodeFlags_DefaultOpen)) draw_images_section(app, ui);
    // Practice hides what the models know (their points, flags and the Cobb angles of the whole set).
    const bool practice = app.state.active() && app.state.active()->review.practice;
    if (!practice && ImGui::CollapsingHeader("Points", ImGuiTreeNodeFlags_DefaultOpen)) draw_point_section(app);
    if (ImGui::CollapsingHeader("Review", ImGuiTreeNodeFlags_DefaultOpen)) draw_review_section(app, ui);
    if (!practice && ImGui::CollapsingHeader("Cobb angles", ImGuiTreeNodeFlags_DefaultOpen)) draw_cobb_section(app);
    if (app.state.active() && ImGui::CollapsingHeader("Pixel spacing", ImGuiTreeNodeFlags_DefaultOpen))
        draw_spacing_section(app, ui.calibration);
    if (ImGui::CollapsingHeader("Display", ImGuiTreeNodeFlags_DefaultOpen)) draw_display_section(app);
    if (ImGui::CollapsingHeader("Legend")) {
        for (Provenance p : {Provenance::predicted, Provenance::flagged, Provenance::model_corrected, Provenance::user_placed,
                             Provenance::user_confirmed})
            legend_item(p);
    }
    if (ImGui::CollapsingHeader("Models", ImGuiTreeNodeFlags_DefaultOpen)) draw_models_section(app);
    ImGui::End();
}

std::string cursor_readout(const App& app) {
    const LoadedImage* img = app.state.image();
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    if (!img || !app.viewer.viewport().contains({mouse.x, mouse.y})) return {};
    const Point p = app.viewer.screen_to_image({mouse.x, mouse.y});
    const int x = int(std::floor(p.x)), y = int(std::floor(p.y));
    if (x < 0 || y < 0 || x >= img->image.width || y >= img->image.height) return {};
    char buf[96];
    std::snprintf(buf, sizeof buf, " | (%d, %d) = %g", x, y, double(img->image.at(x, y)));
    return buf;
}

std::string engine_readout(const App& app) {
    char buf[160];
    const Inference& inf = app.inference;
    if (inf.state() == Inference::State::ready) {
        std::snprintf(buf, sizeof buf, " | %s x%d", inf.backend().c_str(), inf.threads());
    } else {
        std::snprintf(buf, sizeof buf, " | models: %s", inf.state() == Inference::State::loading ? "loading" : "none");
    }
    std::string out = buf;
    if (app.runs.last_latency_ms() >= 0) {
        std::snprintf(buf, sizeof buf, " | last click %.0f ms", app.runs.last_latency_ms());
        out += buf;
    }
    if (app.runs.busy()) out += " | updating...";
    return out;
}

void draw_status_bar(const App& app, ImVec2 pos, ImVec2 size) {
    begin_panel("##status", pos, size);
    if (const LoadedImage* img = app.state.image()) {
        ImGui::Text("%s | %d x %d px, %d-bit | zoom %.0f%%%s%s", img->name.c_str(), img->image.width, img->image.height,
                    img->bit_depth, app.viewer.zoom() * 100.0, engine_readout(app).c_str(), cursor_readout(app).c_str());
    } else {
        ImGui::TextDisabled("No image%s", engine_readout(app).c_str());
    }
    if (!app.state.error().empty()) {
        ImGui::SameLine();
        ImGui::TextColored(ImVec4(1.0f, 0.4f, 0.35f, 1.0f), "  %s", app.state.error().c_str());
    } else if (!app.state.notice().empty()) {
        ImGui::SameLine();
        ImGui::TextColored(ImVec4(0.6f, 0.9f, 1.0f, 1.0f), "  %s", app.state.notice().c_str());
    }
    ImGui::End();
}

void draw_error_popup(App& app, UiState& ui) {
    if (app.state.error_count() != ui.shown_error_count && !app.state.error().empty()) ImGui::OpenPopup(kErrorPopup);
    ui.shown_error_count = app.state.error_count();
    if (!ImGui::BeginPopupModal(kErrorPopup, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
    ImGui::TextUnformatted(app.state.error().c_str());
    ImGui::PopTextWrapPos();
    const bool dismissed = ImGui::Button("OK") || key_pressed(ui, SDL_SCANCODE_RETURN) || key_pressed(ui, SDL_SCANCODE_ESCAPE);
    if (dismissed) app.state.clear_error();
    if (dismissed || app.state.error().empty()) ImGui::CloseCurrentPopup();  // also closes after a good load
    ImGui::EndPopup();
}

void draw_path_popup(App& app, UiState& ui) {
    if (ui.show_prompt != UiState::Prompt::none) {
        ui.prompt_open_for = ui.show_prompt;
        ImGui::OpenPopup(kPathPopup);
        ui.show_prompt = UiState::Prompt::none;
    }
    if (!ImGui::BeginPopupModal(kPathPopup, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
    const bool image = ui.prompt_open_for == UiState::Prompt::open_image;
    const bool reference = ui.prompt_open_for == UiState::Prompt::load_reference;
    ImGui::TextUnformatted(image       ? "Image file (PNG, JPEG, BMP, PGM; 8 or 16 bit), or drop a file onto the window:"
                           : reference ? "Reference to compare with (KeyBot JSON, COCO JSON or an AASCE landmarks row):"
                                       : "Annotation file (KeyBot JSON, COCO JSON or an AASCE landmarks row):");
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 36.0f);
    const bool entered = ImGui::InputText("##path", ui.path, sizeof ui.path, ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::Button("Open") || entered) {
        ImGui::CloseCurrentPopup();
        run_command(app, image ? "open" : reference ? "compare-load-file" : "import", {std::string(ui.path)});
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || key_pressed(ui, SDL_SCANCODE_ESCAPE)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

void draw_new_session_popup(App& app, UiState& ui) {
    if (ui.confirm_new_session) {
        ImGui::OpenPopup("New session");
        ui.confirm_new_session = false;
    }
    if (!ImGui::BeginPopupModal("New session", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
    ImGui::TextUnformatted("Close every image and forget the autosaved session?\nExport what you need first.");
    if (ImGui::Button("Close all")) {
        run_command(app, "new-session");
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || key_pressed(ui, SDL_SCANCODE_ESCAPE)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

std::string stem(const std::string& name) {
    const auto dot = name.find_last_of('.');
    return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

}  // namespace

void export_to_file(App& app, const std::string& format) {
    const ImageEntry* e = app.state.active();
    if (!e) return;
    try {
        const std::string base = stem(e->name);
        std::vector<std::pair<std::string, std::string>> files;  // name, text
        if (format == "json") files.push_back({base + ".keybot.json", export_annotation(app, "json")});
        else if (format == "coco") files.push_back({base + ".coco.json", export_annotation(app, "coco")});
        else if (format == "aasce") {
            files.push_back({base + ".landmarks.csv", export_annotation(app, "aasce")});
            files.push_back({base + ".filenames.csv", export_annotation(app, "aasce-filenames")});
        } else {
            export_annotation(app, format);  // throws the "unknown format" error
        }
        std::string where;
        for (const auto& [name, text] : files) {
            const std::string saved = platform_save_text(name, text, e->source_path);
            where += (where.empty() ? "" : ", ") + saved;
        }
        app.state.set_notice("Exported " + where);
    } catch (const std::exception& err) {
        app.state.set_error(std::string("Export failed: ") + err.what());
    }
}

void draw_ui(App& app, UiState& ui) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const ImGuiStyle& style = ImGui::GetStyle();
    const float toolbar_h = ImGui::GetFrameHeight() + 2.0f * style.WindowPadding.y;
    const float status_h = ImGui::GetTextLineHeight() + 2.0f * style.WindowPadding.y;
    const float viewer_h = std::max(vp->Size.y - toolbar_h - status_h, 1.0f);
    const float panel_w = std::min(kSidePanelWidth, vp->Size.x * 0.4f);
    const float viewer_w = std::max(vp->Size.x - panel_w, 1.0f);

    draw_viewer(app, ui, ImVec2(vp->Pos.x, vp->Pos.y + toolbar_h), ImVec2(viewer_w, viewer_h));
    draw_side_panel(app, ui, ImVec2(vp->Pos.x + viewer_w, vp->Pos.y + toolbar_h), ImVec2(panel_w, viewer_h));
    draw_toolbar(app, ui, toolbar_h);
    draw_status_bar(app, ImVec2(vp->Pos.x, vp->Pos.y + toolbar_h + viewer_h), ImVec2(vp->Size.x, status_h));
    draw_error_popup(app, ui);
    draw_path_popup(app, ui);
    draw_new_session_popup(app, ui);
    draw_calibration_popup(app, ui.calibration, key_pressed(ui, SDL_SCANCODE_RETURN), key_pressed(ui, SDL_SCANCODE_ESCAPE));
}

}  // namespace keybot::app
