// Revision pipeline as a chain of asynchronous model runs. One RevisionRun object holds the state of a single
// revision and is kept alive by the callbacks that capture it.
#include "keybot/engine/pipeline.hpp"

#include <algorithm>
#include <future>
#include <stdexcept>
#include <string>

#include "keybot/core/error.hpp"
#include "pipeline_run.hpp"

namespace keybot::engine {

bool is_user_point(const AnnotatedPoint& p) {
    return p.provenance == Provenance::user_placed || p.provenance == Provenance::user_confirmed;
}

Heatmap summarize_heatmaps(const std::vector<float>& maps, int points, int rows, int cols) {
    Heatmap h;
    const std::size_t cells = std::size_t(rows) * cols;
    if (points <= 0 || rows <= 0 || cols <= 0 || maps.size() != cells * points) return h;
    h.rows = rows;
    h.cols = cols;
    h.values.assign(cells, 0.0f);
    for (int k = 0; k < points; ++k) {
        const float* m = maps.data() + cells * k;
        float peak = 0.0f;
        for (std::size_t i = 0; i < cells; ++i) peak = std::max(peak, m[i]);
        if (!(peak > 0.0f)) continue;  // an all-zero (or NaN) map adds nothing
        const float inv = 1.0f / peak;
        for (std::size_t i = 0; i < cells; ++i) h.values[i] = std::max(h.values[i], std::min(1.0f, m[i] * inv));
    }
    return h;
}

Models load_models(const std::string& dir, const SessionOptions& options, const std::string& suffix) {
    Models m;
    m.refiner = open_session_file(dir + "/refiner" + suffix + ".onnx", options);
    m.detector = open_session_file(dir + "/detector" + suffix + ".onnx", options);
    m.corrector = open_session_file(dir + "/corrector" + suffix + ".onnx", options);
    return m;
}

Pipeline::Pipeline(Models& models, PipelineOptions options, const Schema& schema)
    : models_(models), options_(options), schema_(schema) {
    if (!models.refiner || !models.detector || !models.corrector) throw Error("pipeline: a model is missing");
    if (options_.rounds == kRoundsFromModels) {
        const std::string meta = models.corrector->info().metadata_value(kPipelineRoundsKey);
        options_.rounds = kDefaultRounds;
        if (!meta.empty()) {
            try {
                std::size_t used = 0;
                options_.rounds = std::stoi(meta, &used);
                if (used != meta.size() || options_.rounds < 0) throw std::invalid_argument(meta);
            } catch (const std::exception&) {
                throw Error("model '" + models.corrector->info().label + "': metadata " + kPipelineRoundsKey +
                            " should be a whole number >= 0, not '" + meta + "'");
            }
        }
    }
    if (options_.rounds < 0) throw Error("pipeline: rounds must be >= 0");
    geometry_ = validate_model(models.refiner->info(), Role::refiner, schema_);
    fusion_ = flag_fusion_of(models.detector->info());  // a malformed value is an error even when unused
    if (!options_.flag_fusion || !models.refiner->info().output(contract::kSpread)) fusion_.reset();
    for (auto [session, role] : {std::pair{models.detector.get(), Role::detector}, std::pair{models.corrector.get(), Role::corrector}}) {
        const ModelGeometry g = validate_model(session->info(), role, schema_);
        if (g.input_width != geometry_.input_width || g.input_height != geometry_.input_height)
            throw Error("model '" + session->info().label + "' (" + to_string(role) + "): input size " +
                        std::to_string(g.input_width) + "x" + std::to_string(g.input_height) + " differs from the refiner's " +
                        std::to_string(geometry_.input_width) + "x" + std::to_string(geometry_.input_height));
    }
}

PreparedImage Pipeline::prepare(const Image& original) const {
    return prepare_image(original, geometry_.input_width, geometry_.input_height);
}

PreparedImage Pipeline::prepare(const std::vector<std::uint8_t>& encoded_image) const { return prepare(decode_image(encoded_image)); }

void Pipeline::revise_async(const PreparedImage& image, std::vector<AnnotatedPoint> current, RevisionCallback done) const {
    start_revision_run(models_, options_, fusion_ ? &*fusion_ : nullptr, schema_.size(), image, std::move(current),
                       std::move(done), /*refine_only=*/false);
}

void Pipeline::refine_async(const PreparedImage& image, std::vector<AnnotatedPoint> current, RevisionCallback done) const {
    start_revision_run(models_, options_, nullptr, schema_.size(), image, std::move(current), std::move(done),
                       /*refine_only=*/true);
}

namespace {
template <typename Start>
Revision wait_for(Start start) {
    std::promise<Revision> promise;
    auto future = promise.get_future();
    start([&promise](Revision r) { promise.set_value(std::move(r)); });
    Revision r = future.get();
    if (!r.ok()) throw Error(r.error);
    return r;
}
}  // namespace

Revision Pipeline::revise(const PreparedImage& image, std::vector<AnnotatedPoint> current) const {
    return wait_for([&](RevisionCallback cb) { revise_async(image, std::move(current), std::move(cb)); });
}

Revision Pipeline::refine(const PreparedImage& image, std::vector<AnnotatedPoint> current) const {
    return wait_for([&](RevisionCallback cb) { refine_async(image, std::move(current), std::move(cb)); });
}

void Pipeline::apply_user_correction(Document& document, const PreparedImage& image, int index, Point position) const {
    std::vector<AnnotatedPoint> next = document.points();
    if (index < 0 || index >= static_cast<int>(next.size())) throw Error("correction: point index " + std::to_string(index) + " out of range");
    next[index] = AnnotatedPoint{position.x, position.y, Provenance::user_placed, 0.0};
    document.set_points(revise(image, std::move(next)).points);  // one undo step for the whole correction
}

}  // namespace keybot::engine
