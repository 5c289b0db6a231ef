#pragma once
// Review actions on the open image (compare with a reference, practice mode); the command table
// (commands.cpp) reaches them, the UI and window.keybot through it. Each records a user-facing error and
// returns false / 0 when it cannot act; the document is never changed except by practice placements.
#include <cstdint>
#include <string>

#include "keybot/core/geometry.hpp"

namespace keybot::app {

struct App;

// The reference for the open image from KeyBot JSON, COCO JSON or an AASCE row. A bad text keeps the previous
// reference and records why.
bool load_reference_text(App& app, const std::string& text);
// What an action that may need a model run did: ok = done (ticket 0) or started (the run's ticket; the rest
// happens when it lands), !ok = refused (error recorded).
struct ReviewStep {
    bool ok = false;
    std::uint64_t ticket = 0;
};
// The models' prediction of the open image as the reference: at once when it is known, else after a run.
ReviewStep use_prediction_as_reference(App& app);
void clear_reference(App& app);
// Distances above `px` are listed; false (error recorded) unless 0 < px < infinity.
bool set_tolerance(App& app, double px);

// Practice mode on the open image: the models stay silent, unplaced points are hidden, the next point to place
// is selected (the target). Turning it off keeps every placed point.
void set_practice(App& app, bool on);
// Places the target (the selected point) at `position` and selects the next unplaced point after it in
// placement order. Returns the placed index, -1 (error recorded) when there is no target.
int practice_place(App& app, Point position);
// Reveals the reference (the loaded one, else the models' prediction, after a run when it is not known yet) and
// the score. Refused when there is nothing to check against.
ReviewStep practice_check(App& app);

}  // namespace keybot::app
