#pragma once
// The annotator's link to keybot_engine: the three models, the revision pipeline and the runs in flight.
// Runs never block the frame loop: natively each run is a std::async task (ONNX Runtime sessions allow
// concurrent runs), in the browser the pipeline completes from the event loop. Finished runs are collected
// once per frame by take_finished() and applied on the main thread.
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "keybot/core/document.hpp"
#include "keybot/core/image.hpp"

#if KEYBOT_HAVE_ENGINE
#include "keybot/engine/pipeline.hpp"
#endif

namespace keybot::app {

// predict and correct land in the document; reference is the models' own prediction (no user hints) kept
// beside it for review (ImageEntry::review), never in the document.
enum class JobKind { predict, correct, reference };

struct RevisionJob {
    std::uint64_t ticket = 0;     // increasing per job
    std::uint64_t entry_id = 0;   // ImageEntry::id
    JobKind kind = JobKind::predict;
    int index = -1;               // corrected point
    std::vector<AnnotatedPoint> input;   // points handed to the pipeline (hints = user points)
    double started_ms = 0.0;
    // Set when finished:
    std::vector<AnnotatedPoint> output;  // empty when the run failed
    std::vector<float> heatmap;          // the refiner's heatmap summary (see engine::Heatmap); may be empty
    int heatmap_cols = 0, heatmap_rows = 0;
    std::string error;
    double finished_ms = 0.0;
};

double now_ms();  // monotonic milliseconds

// The model roles in loading order, by the engine's names (engine::Role): "refiner", "detector", "corrector".
std::vector<std::string> model_role_names();

class Inference {
public:
    enum class State { none, loading, ready, failed };
    Inference();
    ~Inference();
    Inference(const Inference&) = delete;
    Inference& operator=(const Inference&) = delete;

    // Native: opens DIR/{refiner,detector,corrector}.onnx synchronously. False (message()) on failure.
    bool load_dir(const std::string& dir, int threads);
    // Any platform: `role` is one of model_role_names(); the pipeline is built once all three are open.
    void load_role_async(const std::string& role, std::vector<std::uint8_t> bytes, const std::string& label);
    void set_failed(const std::string& message);

    State state() const { return state_; }
    bool ready() const;
    const std::string& message() const { return message_; }  // "" / why not ready
    std::string backend() const;                              // "cpu", "cuda", "webgpu", "wasm" or "none"
    int threads() const { return threads_; }
    int opened() const;  // models open so far (0..3)
    void set_threads(int threads) { threads_ = threads; }
    std::string models_label() const { return label_; }

    // The model input for an image (resized); requires ready(). Throws keybot::Error on bad images.
    std::shared_ptr<const void> prepare(const Image& image) const;
    // Starts a run (revise: refiner + detector/corrector) of `job.input` on a prepared image.
    void start(std::shared_ptr<RevisionJob> job, std::shared_ptr<const void> prepared);
    std::vector<std::shared_ptr<RevisionJob>> take_finished();
    int in_flight() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    State state_ = State::none;
    std::string message_, label_;
    int threads_ = 0;
};

}  // namespace keybot::app
