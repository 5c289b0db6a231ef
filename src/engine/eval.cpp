#include "keybot/engine/eval.hpp"

#include <algorithm>
#include <functional>

#include "keybot/core/cobb.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/metrics.hpp"

namespace keybot::engine {
namespace {

using Predict = std::function<std::vector<Point>(const std::vector<AnnotatedPoint>&)>;

std::vector<Point> positions(const std::vector<AnnotatedPoint>& points) {
    std::vector<Point> out;
    out.reserve(points.size());
    for (const auto& p : points) out.push_back({p.x, p.y});
    return out;
}

void record(ClickTrack& t, std::vector<Point> pred, const std::vector<Point>& truth, double image_height) {
    t.mre.push_back(mean_radial_error(pred, truth));
    t.errors.push_back(radial_errors(pred, truth));
    t.cobb.push_back(cobb_angles(pred, image_height).columns());
    t.pred.push_back(std::move(pred));
}

ClickTrack simulate(const std::vector<Point>& truth, int clicks, double image_height, const Predict& predict) {
    const int n = static_cast<int>(truth.size());
    std::vector<AnnotatedPoint> state(n);
    ClickTrack t;
    record(t, predict(state), truth, image_height);
    for (int k = 1; k <= clicks && k <= n; ++k) {
        const std::vector<double> err = radial_errors(t.pred.back(), truth);
        int worst = -1;
        for (int i = 0; i < n; ++i)
            if (!is_user_point(state[i]) && (worst < 0 || err[i] > err[worst])) worst = i;
        state[worst] = AnnotatedPoint{truth[worst].x, truth[worst].y, Provenance::user_placed, 0.0};
        t.clicked.push_back(worst);
        record(t, predict(state), truth, image_height);
    }
    return t;
}

TrackSummary summarize_track(const std::vector<const ClickTrack*>& tracks, const std::vector<std::array<double, 3>>& truth_angles,
                             const std::vector<double>& thresholds) {
    TrackSummary s;
    if (tracks.empty()) return s;
    const std::size_t ks = tracks.front()->mre.size();
    for (std::size_t k = 0; k < ks; ++k) {
        double sum = 0.0;
        std::vector<std::array<double, 3>> angles;
        for (const ClickTrack* t : tracks) sum += t->mre.at(k), angles.push_back(t->cobb.at(k));
        s.mre.push_back(sum / static_cast<double>(tracks.size()));
        std::vector<double> all;
        for (const ClickTrack* t : tracks) all.insert(all.end(), t->errors.at(k).begin(), t->errors.at(k).end());
        s.median.push_back(all.empty() ? 0.0 : percentile(all, 0.5));
        s.p90.push_back(all.empty() ? 0.0 : percentile(all, 0.9));
        s.cobb_smape.push_back(cobb_smape(angles, truth_angles));
    }
    for (double th : thresholds) {
        ThresholdReach r{th, 0, 0.0};
        double clicks = 0.0;
        for (const ClickTrack* t : tracks)
            for (std::size_t k = 0; k < t->mre.size(); ++k)
                if (t->mre[k] <= th) {
                    ++r.reached, clicks += static_cast<double>(k);
                    break;
                }
        r.mean_clicks = r.reached ? clicks / r.reached : 0.0;
        s.reach.push_back(r);
    }
    return s;
}

}  // namespace

ImageEvaluation evaluate_clicks(const Pipeline& pipeline, const PreparedImage& image, const std::vector<Point>& truth, int clicks) {
    if (static_cast<int>(truth.size()) != pipeline.schema().size())
        throw Error("evaluate_clicks: ground truth has " + std::to_string(truth.size()) + " points");
    const double h = image.height;
    ImageEvaluation e;
    e.full = simulate(truth, clicks, h, [&](const auto& s) { return positions(pipeline.revise(image, s).points); });
    e.refiner = simulate(truth, clicks, h, [&](const auto& s) { return positions(pipeline.refine(image, s).points); });
    const std::vector<Point> zero_click = e.full.pred.front();
    e.manual = simulate(truth, clicks, h, [&](const std::vector<AnnotatedPoint>& s) {
        std::vector<Point> p = zero_click;
        for (std::size_t i = 0; i < s.size(); ++i)
            if (is_user_point(s[i])) p[i] = {s[i].x, s[i].y};
        return p;
    });
    return e;
}

double DetectorCounts::precision() const {
    return true_positive + false_positive ? static_cast<double>(true_positive) / (true_positive + false_positive) : 0.0;
}
double DetectorCounts::recall() const {
    return true_positive + false_negative ? static_cast<double>(true_positive) / (true_positive + false_negative) : 0.0;
}
double DetectorCounts::error_rate() const {
    return points ? static_cast<double>(true_positive + false_negative) / points : 0.0;
}
DetectorCounts& DetectorCounts::operator+=(const DetectorCounts& o) {
    true_positive += o.true_positive, false_positive += o.false_positive, false_negative += o.false_negative;
    points += o.points;
    return *this;
}

DetectorCounts detector_counts(const Pipeline& detect_only, const PreparedImage& image, const std::vector<Point>& truth,
                               double error_px) {
    if (detect_only.options().rounds != 0) throw Error("detector_counts: the pipeline must have rounds = 0");
    const Revision r = detect_only.revise(image, std::vector<AnnotatedPoint>(truth.size()));
    DetectorCounts c;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        // in input-tensor px, where the threshold was defined (the aspect is not kept, so not a plain scale)
        const bool error = distance(image.to_input({r.points[i].x, r.points[i].y}), image.to_input(truth[i])) > error_px;
        const bool flagged = r.points[i].error_probability >= detect_only.options().threshold;
        c.true_positive += error && flagged, c.false_positive += !error && flagged, c.false_negative += error && !flagged;
        ++c.points;
    }
    return c;
}

EvalSummary summarize(const std::vector<ImageEvaluation>& images, const std::vector<std::array<double, 3>>& truth_angles,
                      const std::vector<double>& thresholds) {
    if (truth_angles.size() != images.size()) throw Error("summarize: one set of truth angles per image expected");
    EvalSummary s;
    s.images = static_cast<int>(images.size());
    std::vector<const ClickTrack*> full, refiner, manual;
    for (const auto& e : images) full.push_back(&e.full), refiner.push_back(&e.refiner), manual.push_back(&e.manual);
    s.full = summarize_track(full, truth_angles, thresholds);
    s.refiner = summarize_track(refiner, truth_angles, thresholds);
    s.manual = summarize_track(manual, truth_angles, thresholds);
    return s;
}

}  // namespace keybot::engine
