#include "review_actions.hpp"

#include <cmath>
#include <exception>

#include "annotator.hpp"
#include "app.hpp"
#include "review_state.hpp"

namespace keybot::app {

namespace {

// Something that changed what the canvas and the panel show, but not the document.
void review_changed(App& app) { request_redraw(app); }

}  // namespace

bool load_reference_text(App& app, const std::string& text) {
    ImageEntry* e = app.state.active();
    if (!e) {
        app.state.set_error("Open the image first, then load its reference.");
        return false;
    }
    try {
        e->review.reference = reference_from_text(text, e->doc->schema(), e->doc->image());
        e->review.reference_from_prediction_pending = false;
    } catch (const std::exception& err) {
        app.state.set_error(std::string("Could not load the reference: ") + err.what() + ". The reference was not changed.");
        return false;
    }
    app.state.set_notice("Comparing " + e->name + " with " + e->review.reference.describe());
    review_changed(app);
    return true;
}

ReviewStep use_prediction_as_reference(App& app) {
    ImageEntry* e = app.state.active();
    if (!e) return {};
    ReviewState& r = e->review;
    if (!r.prediction.empty()) {
        r.reference = reference_from_points(r.prediction, ReferenceSource::prediction);
        review_changed(app);
        return {true, 0};
    }
    const std::uint64_t ticket = predict_reference(app);
    if (ticket) r.reference_from_prediction_pending = true;
    return {ticket != 0, ticket};
}

void clear_reference(App& app) {
    if (ImageEntry* e = app.state.active()) {
        e->review.reference = Reference{};
        e->review.reference_from_prediction_pending = false;
        e->review.checked = false;
    }
    review_changed(app);
}

bool set_tolerance(App& app, double px) {
    if (!(px > 0.0) || !std::isfinite(px)) {
        app.state.set_error("The tolerance must be a positive number of pixels.");
        return false;
    }
    app.review_tolerance = px;
    review_changed(app);
    return true;
}

void set_practice(App& app, bool on) {
    ImageEntry* e = app.state.active();
    if (!e) return;
    ReviewState& r = e->review;
    r.practice = on;
    r.checked = false;
    r.check_pending = false;
    if (on) e->selected = next_to_place(e->doc->schema(), e->doc->points(), -1);
    review_changed(app);
}

int practice_place(App& app, Point position) {
    ImageEntry* e = app.state.active();
    if (!e) return -1;
    const int target = e->selected;
    if (target < 0) {
        app.state.set_error("Every point is placed: select one (list or name) to place it again, or Check.");
        return -1;
    }
    if (!place_point(app, target, position)) return -1;
    const int next = next_to_place(e->doc->schema(), e->doc->points(), target);
    e->selected = next;  // -1 once all are placed
    return target;
}

ReviewStep practice_check(App& app) {
    ImageEntry* e = app.state.active();
    if (!e) return {};
    ReviewState& r = e->review;
    if (r.reference.loaded()) {
        r.checked = true;
        review_changed(app);
        return {true, 0};
    }
    const ReviewStep step = use_prediction_as_reference(app);
    if (!step.ok) {
        app.state.set_error("Nothing to check against: load a reference, or let the models predict this image (" +
                            app.state.error() + ")");
    } else if (step.ticket) {
        r.check_pending = true;
    } else {
        r.checked = true;
    }
    return step;
}

}  // namespace keybot::app
