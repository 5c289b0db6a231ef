#pragma once
// Guarded JSON parsing for annotation files (KeyBot JSON and COCO): size and shape checks before nlohmann sees
// the text, a nesting-depth limit while it parses (deep "[[[[..." would otherwise build a huge DOM), and every
// nlohmann exception turned into a keybot::Error whose message quotes at most a short excerpt of the input.
#include <string>

#include <nlohmann/json.hpp>

#include "keybot/core/document.hpp"

namespace keybot::detail {

constexpr int kMaxJsonDepth = 64;  // KeyBot documents nest 3 levels, COCO files about 5

// `what` starts every message ("annotation JSON", "COCO JSON").
nlohmann::json parse_annotation_json(const std::string& text, const std::string& what);

// The readers on an already parsed root, so import_annotation parses the text once.
Document document_from_json_root(const nlohmann::json& root, const Schema& schema);
Document document_from_coco_root(const nlohmann::json& root, const Schema& schema, Provenance provenance);

}  // namespace keybot::detail
