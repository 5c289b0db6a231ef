#pragma once
// The revision pipeline: refiner with the user's hints, then detector -> corrector rounds on the points the
// user has not placed. Asynchronous at its core (chained Session::run_async calls) so the browser backend can
// drive it from JS callbacks; blocking helpers wrap it for native tools.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "keybot/core/document.hpp"
#include "keybot/core/schema.hpp"
#include "keybot/engine/contract.hpp"
#include "keybot/engine/flag_fusion.hpp"
#include "keybot/engine/preprocess.hpp"
#include "keybot/engine/session.hpp"

namespace keybot::engine {

struct Models {
    std::unique_ptr<Session> refiner, detector, corrector;
    std::unique_ptr<Session>& slot(Role role) {
        return role == Role::refiner ? refiner : role == Role::detector ? detector : corrector;
    }
};

// Opens DIR/refiner.onnx, DIR/detector.onnx, DIR/corrector.onnx (errors name the file). `suffix` selects a
// variant, e.g. ".int8" -> refiner.int8.onnx.
Models load_models(const std::string& dir, const SessionOptions& options = {}, const std::string& suffix = "");

inline constexpr int kRoundsFromModels = -1;
inline constexpr int kDefaultRounds = 2;
inline constexpr const char* kPipelineRoundsKey = "keybot.pipeline_rounds";

struct PipelineOptions {
    // detector -> corrector rounds; kRoundsFromModels: what the corrector's metadata keybot.pipeline_rounds says
    // (the training run measures whether its corrector earns a round), else kDefaultRounds.
    int rounds = kRoundsFromModels;
    double threshold = 0.5;  // error_prob >= threshold: untrusted (corrected), and flagged after the last round
    bool heatmap = false;    // also fetch the refiner's heatmaps (when the model has them) into Revision::heatmap
    // Keep a corrector move only when the detector, run on the moved points, rates it less likely wrong than
    // the position it replaced; otherwise the point goes back (the corrector must not undo what hints fixed).
    bool verify_corrections = false;
    // Flags (and untrusted points) from the detector's probability fused with the refiner's heatmap spread, when
    // the detector's metadata has the fusion weights and the refiner the `spread` output (flag_fusion.hpp).
    bool flag_fusion = true;
};

// The refiner's belief over the whole image: per cell, the largest over points of that point's probability
// relative to its own peak (1 at every point's most likely cell). Cells tile the image exactly: cell (c, r)
// covers original x in [c, c+1) * width / cols and y in [r, r+1) * height / rows.
struct Heatmap {
    int cols = 0, rows = 0;
    std::vector<float> values;  // rows * cols, row-major, in [0,1]
    bool empty() const { return values.empty(); }
};

// Summarises [points, rows, cols] probabilities into one Heatmap (see above).
Heatmap summarize_heatmaps(const std::vector<float>& maps, int points, int rows, int cols);

// A point counts as a user hint when its provenance is user_placed or user_confirmed.
bool is_user_point(const AnnotatedPoint& p);

struct Revision {
    std::vector<AnnotatedPoint> points;  // original px, provenance, error probability (final detector)
    std::vector<Point> refined;          // refiner output (original px, user points exact): the refiner-only result
    Heatmap heatmap;                     // when PipelineOptions::heatmap and the refiner has the output
    std::string error;                   // non-empty when a model run failed (then points is empty)
    bool ok() const { return error.empty(); }
};
using RevisionCallback = std::function<void(Revision)>;

class Pipeline {
public:
    // Validates all three models against the contract for `schema` and checks they agree on the input size.
    // Throws keybot::Error naming the model and the problem. The models must outlive the pipeline and any run.
    Pipeline(Models& models, PipelineOptions options = {}, const Schema& schema = aasce_spine());

    const Schema& schema() const { return schema_; }
    const PipelineOptions& options() const { return options_; }
    int input_width() const { return geometry_.input_width; }
    int input_height() const { return geometry_.input_height; }
    // Whether the flags combine detector and refiner spread (PipelineOptions::flag_fusion and models that allow it).
    bool fuses_flags() const { return fusion_.has_value(); }
    PreparedImage prepare(const Image& original) const;
    PreparedImage prepare(const std::vector<std::uint8_t>& encoded_image) const;  // decode errors: keybot::Error

    // `current` holds schema().size() points in original px; user points are hints and come back unchanged
    // (bit-exact, with their provenance). `done` is called exactly once.
    void revise_async(const PreparedImage& image, std::vector<AnnotatedPoint> current, RevisionCallback done) const;
    // Refiner only (no detector/corrector); Revision::points carry provenance predicted, error_probability 0.
    void refine_async(const PreparedImage& image, std::vector<AnnotatedPoint> current, RevisionCallback done) const;

    // Blocking wrappers; throw keybot::Error on failure.
    Revision revise(const PreparedImage& image, std::vector<AnnotatedPoint> current) const;
    Revision refine(const PreparedImage& image, std::vector<AnnotatedPoint> current) const;

    // A user correction as ONE undo step: point `index` is placed at `position` (user_placed), the pipeline
    // revises the rest, and the document gets the whole result via set_points. Undo restores the state before.
    void apply_user_correction(Document& document, const PreparedImage& image, int index, Point position) const;

private:
    Models& models_;
    PipelineOptions options_;
    Schema schema_;
    ModelGeometry geometry_;
    std::optional<FlagFusion> fusion_;
};

}  // namespace keybot::engine
