#pragma once
// Internal: the state machine of one pipeline revision (pipeline_run.cpp).
#include "keybot/engine/flag_fusion.hpp"
#include "keybot/engine/pipeline.hpp"

namespace keybot::engine {

// `fusion`: combine the detector's probabilities with the refiner's spread output (null: detector alone).
void start_revision_run(const Models& models, const PipelineOptions& options, const FlagFusion* fusion, int points,
                        const PreparedImage& image, std::vector<AnnotatedPoint> current, RevisionCallback done,
                        bool refine_only);

}  // namespace keybot::engine
