#include "model_runs.hpp"

#include <algorithm>
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "app_state.hpp"
#include "inference.hpp"
#include "keybot/core/dicom.hpp"

namespace keybot::app {

namespace {
bool has_user_points(const std::vector<AnnotatedPoint>& points) {
    return std::any_of(points.begin(), points.end(), is_reviewed);
}
}  // namespace

bool ModelRuns::prepare(AppState& state, ImageEntry& e) {
    if (e.prepared) return true;
    if (!inference_.ready() || !e.loaded) return false;
    try {
        // DICOM: the models always see the file's default VOI (preset 0), whatever preset is shown.
        const bool other_preset = e.loaded->dicom && e.display.voi_preset != 0;
        e.prepared = inference_.prepare(other_preset ? model_image(*e.loaded->dicom) : e.loaded->image);
        return true;
    } catch (const std::exception& err) {
        state.set_error("Cannot prepare \"" + e.name + "\" for the models: " + err.what());
        return false;
    }
}

bool ModelRuns::prepare_or_explain(AppState& state, ImageEntry& e) {
    if (prepare(state, e)) return true;
    state.set_error(inference_.ready() ? "Cannot run the models on this image."
                                       : "No models are loaded: " + inference_.message());
    return false;
}

std::uint64_t ModelRuns::start(ImageEntry& e, JobKind kind, int index, std::vector<AnnotatedPoint> input) {
    auto job = std::make_shared<RevisionJob>();
    job->ticket = next_ticket_++;
    job->entry_id = e.id;
    job->kind = kind;
    job->index = index;
    job->input = std::move(input);
    job->started_ms = now_ms();
    if (kind == JobKind::reference) e.review.prediction_ticket = job->ticket;  // the document's runs go on
    else e.pending_ticket = job->ticket;
    if (kind == JobKind::correct) e.preview = job->input;
    inference_.start(job, e.prepared);
    return job->ticket;
}

void ModelRuns::cancel(ImageEntry& e) {
    if (!e.pending_ticket) return;
    finish(e.pending_ticket);
    e.pending_ticket = 0;
    e.preview.clear();
}

std::uint64_t ModelRuns::finished_at_once() {
    const std::uint64_t ticket = next_ticket_++;
    finish(ticket);
    return ticket;
}

bool ModelRuns::apply_finished(AppState& state) {
    bool reference = false;
    for (auto& job : inference_.take_finished()) reference |= apply(state, *job);
    return reference;
}

bool ModelRuns::busy() const { return inference_.in_flight() > 0; }

void ModelRuns::finish(std::uint64_t ticket) { finished_ticket_ = std::max(finished_ticket_, ticket); }

// The models' own prediction, kept for review: it lands beside the document, never in it.
bool ModelRuns::apply_reference(AppState& state, RevisionJob& job) {
    ImageEntry* e = state.find(job.entry_id);
    if (!e || e->review.prediction_ticket != job.ticket) return false;
    ReviewState& r = e->review;
    r.prediction_ticket = 0;
    if (job.error.empty()) {
        r.prediction = std::move(job.output);
        if (r.reference_from_prediction_pending) r.reference = reference_from_points(r.prediction, ReferenceSource::prediction);
        if (r.check_pending && r.reference.loaded()) r.checked = true;
    } else {
        state.set_error("The models could not predict the reference: " + job.error);
    }
    r.reference_from_prediction_pending = r.check_pending = false;
    return true;
}

bool ModelRuns::apply(AppState& state, RevisionJob& job) {
    finish(job.ticket);
    if (job.kind == JobKind::reference) return apply_reference(state, job);
    ImageEntry* e = state.find(job.entry_id);
    if (!e || e->pending_ticket != job.ticket) return false;  // image closed, or superseded by a newer edit / undo
    e->pending_ticket = 0;
    e->preview.clear();
    const bool first = !e->has_points;
    if (!job.error.empty()) {
        if (job.kind == JobKind::correct) e->doc->set_points(job.input);  // keep the user's edit
        state.set_error(std::string(job.kind == JobKind::correct ? "The point was moved, but the models could not "
                                                                   "update the others: "
                                                                 : "Prediction failed: ") + job.error);
        if (job.kind == JobKind::correct) state.touch(*e, now_ms(), true);
        return false;
    }
    // A prediction without hints is also the models' own view of the image (review's reference).
    if (job.kind == JobKind::predict && !has_user_points(job.input)) e->review.prediction = job.output;
    e->doc->set_points(job.output);  // the whole revision = one undo step
    if (first) e->doc->clear_history();  // nothing before the first prediction to go back to
    e->has_points = true;
    const double ms = job.finished_ms - job.started_ms;
    if (job.kind == JobKind::correct) last_latency_ms_ = ms;
    else last_predict_ms_ = ms;
    state.touch(*e, now_ms(), true);
    set_heatmap(*e, std::move(job.heatmap), job.heatmap_cols, job.heatmap_rows);
    return false;
}

}  // namespace keybot::app
