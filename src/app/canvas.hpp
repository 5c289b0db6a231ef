#pragma once
// The annotation overlay drawn over the image with ImGui's draw list: vertebra quads labelled T1..L5, points
// coloured by provenance (flagged ones pulse with an orange ring), the selection, Cobb end-vertebra lines with
// their angles, the optional error-probability circles, and a reference being compared with (hollow markers,
// a line to each counterpart). In practice mode only the points the user placed are drawn.
#include <vector>

#include "imgui.h"
#include "keybot/core/document.hpp"
#include "keybot/core/geometry.hpp"

namespace keybot::app {

struct App;
struct ImageEntry;

// Provenance colours (also used by the legend).
ImU32 provenance_color(Provenance p);
const char* provenance_label(Provenance p);
ImU32 reference_color();  // the reference's markers (review panel legend)

struct CanvasDrag {
    int index = -1;          // point being dragged
    Point start;             // its image position when the drag began
    Point position;          // where it is now (image px)
};

// Nearest shown point within `radius` screen px of `screen`, or -1.
int hit_test(const App& app, const ImageEntry& entry, Point screen, double radius);

// `pulse` (0..1): the size and opacity of the rings around flagged points (animated by the caller).
void draw_annotation(ImDrawList* draw, const App& app, const ImageEntry& entry, const CanvasDrag& drag, float pulse);
// Uploads the entry's heatmap when the overlay is on and it changed (needs the GL context: call before drawing).
void sync_heatmap_texture(App& app, const ImageEntry& entry);

}  // namespace keybot::app
