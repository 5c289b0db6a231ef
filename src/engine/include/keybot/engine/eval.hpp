#pragma once
// Click-simulation evaluation. Protocol per image: predict with no hints; then for k = 1..N the simulated user
// takes the point with the largest error among those it has not placed (ties: lowest index), places it exactly
// at ground truth, and the model runs again with all its hints. Three tracks, each with its own simulated user:
//   full     the revision pipeline (refiner + detector/corrector rounds)
//   refiner  the refiner alone
//   manual   no model after k = 0: only the clicked points change from the 0-click full prediction
#include <array>
#include <vector>

#include "keybot/core/geometry.hpp"
#include "keybot/engine/pipeline.hpp"

namespace keybot::engine {

struct ClickTrack {
    std::vector<int> clicked;                 // index placed by click k (k = 1..N)
    std::vector<std::vector<Point>> pred;     // k = 0..N, original px
    std::vector<double> mre;                  // k = 0..N, over all points (user points at their exact position)
    std::vector<std::vector<double>> errors;  // k = 0..N, each point's radial error, original px
    std::vector<std::array<double, 3>> cobb;  // k = 0..N, reference-method angles of pred
};

struct ImageEvaluation {
    ClickTrack full, refiner, manual;
};

// truth: schema-sized ground truth in original px. Throws keybot::Error when a model run fails.
ImageEvaluation evaluate_clicks(const Pipeline& pipeline, const PreparedImage& image, const std::vector<Point>& truth,
                                int clicks);

// The detector judged on the refiner's 0-click output, the situation the app shows first. A point is an error
// when it lies more than `error_px` input-tensor px from the truth (the detector's training definition, its
// metadata's keybot.error_threshold_px); it is flagged when error_probability >= the pipeline's threshold.
struct DetectorCounts {
    int true_positive = 0, false_positive = 0, false_negative = 0, points = 0;
    double precision() const;
    double recall() const;
    double error_rate() const;  // errors among all points
    DetectorCounts& operator+=(const DetectorCounts& o);
};

// `detect_only`: a pipeline with rounds = 0 (refiner, then the final detector).
DetectorCounts detector_counts(const Pipeline& detect_only, const PreparedImage& image, const std::vector<Point>& truth,
                               double error_px);

struct ThresholdReach {
    double threshold = 0.0;   // MRE in original px
    int reached = 0;          // images whose MRE got <= threshold within N clicks
    double mean_clicks = 0.0; // over the images that reached it (0 when none)
};

struct TrackSummary {
    std::vector<double> mre;         // k = 0..N, mean over images
    std::vector<double> median;      // k = 0..N, median point error over all points of all images
    std::vector<double> p90;         // k = 0..N, 90th percentile of the same
    std::vector<double> cobb_smape;  // k = 0..N, percent
    std::vector<ThresholdReach> reach;
};

struct EvalSummary {
    int images = 0;
    TrackSummary full, refiner, manual;
};

// truth_angles: per image, the ground-truth Cobb angles (angles.csv order).
EvalSummary summarize(const std::vector<ImageEvaluation>& images, const std::vector<std::array<double, 3>>& truth_angles,
                      const std::vector<double>& thresholds);

}  // namespace keybot::engine
