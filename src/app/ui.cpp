#include "ui.hpp"

#include <SDL_scancode.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app.hpp"
#include "imgui.h"
#include "platform.hpp"

namespace keybot::app {

namespace {

constexpr ImGuiWindowFlags kPanelFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                         ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing;
constexpr double kWheelZoomStep = 1.15;
constexpr const char* kErrorPopup = "Could not open image";
constexpr const char* kOpenPopup = "Open image";

// ImGui 1.86 with the SDL backend indexes keys by SDL scancode.
bool key_pressed(SDL_Scancode key) { return ImGui::IsKeyPressed(key, false); }

void begin_panel(const char* name, ImVec2 pos, ImVec2 size, ImGuiWindowFlags extra_flags = 0) {
    ImGui::SetNextWindowPos(pos);
    ImGui::SetNextWindowSize(size);
    ImGui::Begin(name, nullptr, kPanelFlags | extra_flags);
}

void draw_toolbar(App& app, UiState& ui, float height) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    begin_panel("##toolbar", vp->Pos, ImVec2(vp->Size.x, height));
    if (ImGui::Button("Open image...")) {
        if (!platform_open_file_picker()) ui.show_path_prompt = true;
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(!app.viewer.has_image());
    if (ImGui::Button("Fit (F)")) app.viewer.fit();
    ImGui::SameLine();
    if (ImGui::Button("1:1")) app.viewer.set_view(1.0, app.viewer.center());
    ImGui::SameLine();
    ImGui::Checkbox("Invert (I)", &app.state.display().invert);
    ImGui::EndDisabled();
    ImGui::End();
}

// The image area: an invisible button catching the mouse; the image itself is drawn by ImageRenderer.
void draw_viewer(App& app, ImVec2 pos, ImVec2 size) {
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    // Transparent and always behind the toolbar, status bar and popups: the image shows through.
    begin_panel("##viewer", pos, size,
                ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::PopStyleVar();
    app.viewer.set_viewport({pos.x, pos.y, size.x, size.y});
    ImGui::InvisibleButton("##image", ImVec2(std::max(size.x, 1.0f), std::max(size.y, 1.0f)),
                           ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight |
                               ImGuiButtonFlags_MouseButtonMiddle);
    const ImGuiIO& io = ImGui::GetIO();
    Viewer& viewer = app.viewer;
    if (viewer.has_image()) {
        if (ImGui::IsItemHovered() && io.MouseWheel != 0.0f)
            viewer.zoom_at(std::pow(kWheelZoomStep, io.MouseWheel), {io.MousePos.x, io.MousePos.y});
        // Pan: drag with any button (left-drag will become "pan with Space held" once keypoints take clicks).
        if (ImGui::IsItemActive() && (io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f)) {
            viewer.pan({io.MouseDelta.x, io.MouseDelta.y});
            ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeAll);
        }
        if (!io.WantTextInput) {
            if (key_pressed(SDL_SCANCODE_F)) viewer.fit();
            if (key_pressed(SDL_SCANCODE_I)) app.state.display().invert = !app.state.display().invert;
        }
    } else {
        const char* hint = "Open an image (button above) or drop one here.";
        const ImVec2 text = ImGui::CalcTextSize(hint);
        ImGui::GetWindowDrawList()->AddText(ImVec2(pos.x + (size.x - text.x) * 0.5f, pos.y + (size.y - text.y) * 0.5f),
                                            ImGui::GetColorU32(ImGuiCol_TextDisabled), hint);
    }
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
    std::snprintf(buf, sizeof buf, "   |   (%d, %d) = %g", x, y, double(img->image.at(x, y)));
    return buf;
}

void draw_status_bar(const App& app, ImVec2 pos, ImVec2 size) {
    begin_panel("##status", pos, size);
    if (const LoadedImage* img = app.state.image()) {
        ImGui::Text("%s   |   %d x %d px, %d-bit   |   zoom %.0f%%%s", img->name.c_str(), img->image.width,
                    img->image.height, img->bit_depth, app.viewer.zoom() * 100.0, cursor_readout(app).c_str());
    } else {
        ImGui::TextDisabled("No image");
    }
    if (!app.state.error().empty()) {
        ImGui::SameLine();
        ImGui::TextColored(ImVec4(1.0f, 0.4f, 0.35f, 1.0f), "   %s", app.state.error().c_str());
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
    const bool dismissed = ImGui::Button("OK") || key_pressed(SDL_SCANCODE_RETURN) || key_pressed(SDL_SCANCODE_ESCAPE);
    if (dismissed) app.state.clear_error();
    if (dismissed || app.state.error().empty()) ImGui::CloseCurrentPopup();  // also closes after a good load
    ImGui::EndPopup();
}

void draw_open_path_popup(App& app, UiState& ui) {
    if (ui.show_path_prompt) {
        ImGui::OpenPopup(kOpenPopup);
        ui.show_path_prompt = false;
    }
    if (!ImGui::BeginPopupModal(kOpenPopup, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
    ImGui::TextUnformatted("Image file (PNG, JPEG, BMP, PGM; 8 or 16 bit), or drop a file onto the window:");
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 36.0f);
    const bool entered = ImGui::InputText("##path", ui.path, sizeof ui.path, ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::Button("Open") || entered) {
        ImGui::CloseCurrentPopup();
        app.state.load_image_file(ui.path);
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || key_pressed(SDL_SCANCODE_ESCAPE)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
}

}  // namespace

void draw_ui(App& app, UiState& ui) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const ImGuiStyle& style = ImGui::GetStyle();
    const float toolbar_h = ImGui::GetFrameHeight() + 2.0f * style.WindowPadding.y;
    const float status_h = ImGui::GetTextLineHeight() + 2.0f * style.WindowPadding.y;
    const float viewer_h = std::max(vp->Size.y - toolbar_h - status_h, 1.0f);

    draw_viewer(app, ImVec2(vp->Pos.x, vp->Pos.y + toolbar_h), ImVec2(vp->Size.x, viewer_h));
    draw_toolbar(app, ui, toolbar_h);
    draw_status_bar(app, ImVec2(vp->Pos.x, vp->Pos.y + toolbar_h + viewer_h), ImVec2(vp->Size.x, status_h));
    draw_error_popup(app, ui);
    draw_open_path_popup(app, ui);
}

}  // namespace keybot::app
