#pragma once
// The model runs of a session: prepares an image for the models, starts revision runs (a prediction, a user's
// correction, a reference for review), applies their results when they end and hands out the tickets that say
// which have ended (the JS API's movePoint() and the --script `wait` wait for theirs).
//
// App owns it next to AppState rather than AppState owning it: a run joins the engine (App::inference) to the
// session's images, and AppState stays free of the engine (it is unit-tested without one). The per-image side of a
// run (ImageEntry::pending_ticket, preview, review.prediction_ticket) stays on the image it belongs to.
#include <cstdint>
#include <vector>

#include "keybot/core/document.hpp"

namespace keybot::app {

class AppState;
class Inference;
struct ImageEntry;
struct RevisionJob;
enum class JobKind;

class ModelRuns {
public:
    explicit ModelRuns(Inference& inference) : inference_(inference) {}

    // The image's model input, made on first use. False while the models are not ready or the image is not
    // decoded, and when preparing fails (then the error is recorded).
    bool prepare(AppState& state, ImageEntry& e);
    // prepare(), or the reason the models cannot run recorded as the error.
    bool prepare_or_explain(AppState& state, ImageEntry& e);
    // Starts a run on a prepared image and returns its ticket. A run on the document supersedes the image's run
    // in flight; a reference run goes beside it.
    std::uint64_t start(ImageEntry& e, JobKind kind, int index, std::vector<AnnotatedPoint> input);
    // Ends the document's run of `e` (its result will be dropped); its ticket counts as finished.
    void cancel(ImageEntry& e);
    // The ticket of a change that needed no run (no models): finished at once.
    std::uint64_t finished_at_once();
    // Applies the runs that have ended (once per frame). True when a reference run landed: the review panel shows
    // it, though no document changed.
    bool apply_finished(AppState& state);

    bool busy() const;  // a run in flight
    std::uint64_t next_ticket() const { return next_ticket_; }
    std::uint64_t finished_ticket() const { return finished_ticket_; }  // newest ticket whose run has ended
    double last_latency_ms() const { return last_latency_ms_; }  // last correction: release -> all points; -1: none
    double last_predict_ms() const { return last_predict_ms_; }  // last full prediction; -1: none

private:
    bool apply(AppState& state, RevisionJob& job);
    bool apply_reference(AppState& state, RevisionJob& job);
    void finish(std::uint64_t ticket);

    Inference& inference_;
    std::uint64_t next_ticket_ = 1;
    std::uint64_t finished_ticket_ = 0;  // applied, superseded or failed
    double last_latency_ms_ = -1.0;
    double last_predict_ms_ = -1.0;
};

}  // namespace keybot::app
