#pragma once
// The side panel's "Pixel spacing" section and the canvas's calibration mode. "Calibrate..." turns the mode on:
// the next left-drag on the image draws a line (kept in image coordinates, so it follows zoom and pan); on
// release a popup asks its length in mm, and OK runs the `calibrate` command, the path a script takes. Cancel
// or Esc leave the mode with nothing changed. While the mode is on, the left button never moves points.
#include <cstdint>

#include "imgui.h"
#include "keybot/core/geometry.hpp"

namespace keybot::app {

struct App;

struct CalibrationTool {
    enum class Step { off, waiting, dragging, asking };
    Step step = Step::off;
    std::uint64_t entry = 0;  // the image the line is drawn on: another image ends the mode
    Point a, b;               // the line's ends (image px)
    double mm = 10.0;         // the popup's length
    bool on() const { return step != Step::off; }
};

// The open image's spacing (what the mm figures use), the Calibrate... / Cancel button and, after a
// calibration, the button that clears it.
void draw_spacing_section(App& app, CalibrationTool& tool);
// The canvas's left button while the mode is on, instead of the point tools. `press`: a left click on the
// image this frame that is not the start of a pan.
void calibration_mouse(const App& app, CalibrationTool& tool, bool press, Point mouse);
// Over the image: the line and a hint.
void draw_calibration(ImDrawList* draw, const App& app, const CalibrationTool& tool);
// The length popup (call every frame); `enter` / `escape`: those keys were pressed this frame.
void draw_calibration_popup(App& app, CalibrationTool& tool, bool enter, bool escape);

}  // namespace keybot::app
