#pragma once
// Internal: the state machine of one pipeline revision (pipeline_run.cpp).
#include "keybot/engine/pipeline.hpp"

namespace keybot::engine {

void start_revision_run(const Models& models, const PipelineOptions& options, int points, const PreparedImage& image,
                        std::vector<AnnotatedPoint> current, RevisionCallback done, bool refine_only);

}  // namespace keybot::engine
