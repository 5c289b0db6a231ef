// One revision: refiner(hints) -> [detector -> corrector] x rounds -> detector. Each step is a run_async whose
// callback starts the next, so the same code serves inline (native) and event-loop (browser) completion.
#include <cmath>
#include <memory>

#include "pipeline_run.hpp"

namespace keybot::engine {
namespace {

namespace c = contract;

class RevisionRun : public std::enable_shared_from_this<RevisionRun> {
public:
    RevisionRun(const Models& models, const PipelineOptions& options, const FlagFusion* fusion, int n,
                const PreparedImage& image, std::vector<AnnotatedPoint> current, RevisionCallback done, bool refine_only)
        : models_(models), options_(options), fusion_(refine_only ? nullptr : fusion), n_(n), image_(image),
          current_(std::move(current)), done_(std::move(done)), refine_only_(refine_only) {}

    void start() {
        if (static_cast<int>(current_.size()) != n_)
            return fail("pipeline: expected " + std::to_string(n_) + " points, got " + std::to_string(current_.size()));
        hint_xy_.assign(2 * n_, 0.0f);
        user_.assign(n_, 0);
        std::vector<float> mask(n_, 0.0f);
        for (int i = 0; i < n_; ++i) {
            if (!is_user_point(current_[i])) continue;
            const Point p = image_.to_input({current_[i].x, current_[i].y});
            hint_xy_[2 * i] = static_cast<float>(p.x);
            hint_xy_[2 * i + 1] = static_cast<float>(p.y);
            user_[i] = 1;
            mask[i] = 1.0f;
        }
        TensorMap in{{c::kImage, image_.image}, {c::kHintXy, points_tensor(hint_xy_)}, {c::kHintMask, mask_tensor(mask)}};
        std::vector<std::string> outputs{c::kXy};
        const TensorSpec* maps = options_.heatmap ? models_.refiner->info().output(c::kHeatmaps) : nullptr;
        if (maps && maps->shape.size() == 4 && maps->shape[1] == n_ && maps->shape[2] > 0 && maps->shape[3] > 0) {
            outputs.push_back(c::kHeatmaps);
            heatmap_rows_ = static_cast<int>(maps->shape[2]);
            heatmap_cols_ = static_cast<int>(maps->shape[3]);
        }
        if (fusion_) outputs.push_back(c::kSpread);
        auto self = shared_from_this();
        models_.refiner->run_async(std::move(in), std::move(outputs), [self](RunResult r) { self->on_refined(std::move(r)); });
    }

private:
    Tensor points_tensor(const std::vector<float>& xy) const { return {{1, n_, 2}, xy}; }
    Tensor mask_tensor(const std::vector<float>& m) const { return {{1, n_}, m}; }

    // Copies a model output into `out`, checking its size and that it holds only finite numbers.
    bool take(RunResult& r, const Session& s, const char* name, std::size_t count, std::vector<float>& out) {
        if (!r.ok()) return fail(r.error), false;
        auto it = r.outputs.find(name);
        if (it == r.outputs.end() || it->second.data.size() != count)
            return fail("model '" + s.info().label + "': output '" + name + "' should have " + std::to_string(count) + " values"), false;
        for (float v : it->second.data)
            if (!std::isfinite(v)) return fail("model '" + s.info().label + "': output '" + name + "' has non-finite values"), false;
        out = std::move(it->second.data);
        return true;
    }

    // User points are fixed here as well as in the graph: whatever the model returns, the hint stays.
    void pin_user_points() {
        for (int i = 0; i < n_; ++i)
            if (user_[i]) xy_[2 * i] = hint_xy_[2 * i], xy_[2 * i + 1] = hint_xy_[2 * i + 1];
    }

    void on_refined(RunResult r) {
        if (heatmap_rows_ > 0) {  // taken first: take() moves the output it reads
            std::vector<float> maps;
            const std::size_t count = std::size_t(n_) * heatmap_rows_ * heatmap_cols_;
            if (!take(r, *models_.refiner, c::kHeatmaps, count, maps)) return;
            heatmap_ = summarize_heatmaps(maps, n_, heatmap_rows_, heatmap_cols_);
        }
        if (fusion_ && !take(r, *models_.refiner, c::kSpread, n_, spread_)) return;
        if (!take(r, *models_.refiner, c::kXy, 2 * n_, xy_)) return;
        pin_user_points();
        refined_ = xy_;
        moved_.assign(n_, 0);
        prob_.assign(n_, 0.0f);
        if (refine_only_) return finish();
        detect();
    }

    void detect() {
        TensorMap in{{c::kImage, image_.image}, {c::kXy, points_tensor(xy_)}};
        auto self = shared_from_this();
        models_.detector->run_async(std::move(in), {c::kErrorProb}, [self](RunResult r) { self->on_detected(std::move(r)); });
    }

    void on_detected(RunResult r) {
        if (!take(r, *models_.detector, c::kErrorProb, n_, detector_prob_)) return;
        prob_ = detector_prob_;
        if (fusion_) fuse_flags();
        if (round_ > 0 && options_.verify_corrections) revert_unconfirmed_moves();
        if (round_ == options_.rounds) return finish();
        std::vector<float> trust(n_, 1.0f);
        bool any_untrusted = false;
        for (int i = 0; i < n_; ++i)
            if (!user_[i] && prob_[i] >= options_.threshold) trust[i] = 0.0f, any_untrusted = true;
        // Nothing to correct: further rounds would see the same points and return the same probabilities.
        if (!any_untrusted) return finish();
        TensorMap in{{c::kImage, image_.image}, {c::kXy, points_tensor(xy_)}, {c::kTrustMask, mask_tensor(trust)}};
        before_xy_ = xy_, before_prob_ = prob_, before_detector_prob_ = detector_prob_, before_moved_ = moved_;
        auto self = shared_from_this();
        models_.corrector->run_async(std::move(in), {corrector_output(models_.corrector->info())},
                                     [self, trust](RunResult r) { self->on_corrected(std::move(r), trust); });
    }

    void on_corrected(RunResult r, const std::vector<float>& trust) {
        std::vector<float> next;
        if (!take(r, *models_.corrector, corrector_output(models_.corrector->info()), 2 * n_, next)) return;
        for (int i = 0; i < n_; ++i) {
            if (trust[i] != 0.0f) continue;  // trusted points keep their position (enforced here too)
            if (next[2 * i] != xy_[2 * i] || next[2 * i + 1] != xy_[2 * i + 1]) moved_[i] = 1;
            xy_[2 * i] = next[2 * i];
            xy_[2 * i + 1] = next[2 * i + 1];
        }
        ++round_;
        detect();
    }

    // The refiner's spread describes the refiner's positions: points the corrector moved keep the detector's
    // probability alone.
    void fuse_flags() {
        const std::vector<float> fused = fuse_error_probability(detector_prob_, spread_, *fusion_);
        for (int i = 0; i < n_; ++i)
            if (!moved_[i]) prob_[i] = fused[i];
    }

    // A point the last correction moved whose new error probability (the detector's, which saw both positions)
    // is not lower than before gets its previous position, probability and provenance back. The detector is
    // then stale only for its neighbours' context.
    void revert_unconfirmed_moves() {
        for (int i = 0; i < n_; ++i) {
            const bool moved_now = xy_[2 * i] != before_xy_[2 * i] || xy_[2 * i + 1] != before_xy_[2 * i + 1];
            if (!moved_now || detector_prob_[i] < before_detector_prob_[i]) continue;
            xy_[2 * i] = before_xy_[2 * i];
            xy_[2 * i + 1] = before_xy_[2 * i + 1];
            prob_[i] = before_prob_[i];
            detector_prob_[i] = before_detector_prob_[i];
            moved_[i] = before_moved_[i];
        }
    }

    void finish() {
        Revision out;
        out.heatmap = std::move(heatmap_);
        out.points.resize(n_);
        out.refined.resize(n_);
        for (int i = 0; i < n_; ++i) {
            if (user_[i]) {
                out.points[i] = current_[i];  // bit-exact, provenance kept
                out.refined[i] = {current_[i].x, current_[i].y};
                continue;
            }
            const Point p = image_.to_original({xy_[2 * i], xy_[2 * i + 1]});
            AnnotatedPoint& a = out.points[i];
            a.x = p.x;
            a.y = p.y;
            a.error_probability = prob_[i];
            a.provenance = refine_only_                    ? Provenance::predicted
                           : prob_[i] >= options_.threshold ? Provenance::flagged
                           : moved_[i]                      ? Provenance::model_corrected
                                                            : Provenance::predicted;
            out.refined[i] = image_.to_original({refined_[2 * i], refined_[2 * i + 1]});
        }
        done_(std::move(out));
    }

    void fail(const std::string& error) {
        Revision out;
        out.error = error;
        done_(std::move(out));
    }

    const Models& models_;
    PipelineOptions options_;
    const FlagFusion* fusion_;  // null: flags from the detector alone
    int n_;
    PreparedImage image_;
    std::vector<AnnotatedPoint> current_;
    RevisionCallback done_;
    bool refine_only_;
    std::vector<char> user_, moved_;
    std::vector<float> hint_xy_, xy_, refined_;
    std::vector<float> spread_;         // refiner output, with fusion_
    std::vector<float> detector_prob_;  // the detector's last output
    std::vector<float> prob_;           // error probabilities used for trust and flags (fused where possible)
    std::vector<float> before_xy_, before_prob_, before_detector_prob_;  // before the last correction (verify_corrections)
    std::vector<char> before_moved_;
    int round_ = 0;
    int heatmap_rows_ = 0, heatmap_cols_ = 0;
    Heatmap heatmap_;
};

}  // namespace

void start_revision_run(const Models& models, const PipelineOptions& options, const FlagFusion* fusion, int points,
                        const PreparedImage& image, std::vector<AnnotatedPoint> current, RevisionCallback done,
                        bool refine_only) {
    std::make_shared<RevisionRun>(models, options, fusion, points, image, std::move(current), std::move(done), refine_only)
        ->start();
}

}  // namespace keybot::engine
