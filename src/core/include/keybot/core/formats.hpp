#pragma once
// Exchange formats for one image's annotation besides the native JSON of document.hpp:
//   AASCE CSV  one landmarks.csv row (x1..xN, y1..yN normalised by the image width / height, like the AASCE 2019
//              data set) plus its filenames.csv row (the image file name). Provenance is not stored.
//   COCO       keypoints JSON for one image: one annotation per group of the schema (per vertebra: 4 keypoints
//              top_left, top_right, bottom_left, bottom_right, visibility 2, bbox around them, "group": "T1").
//              The category "vertebra" lists the corner names as keypoints and the quad as skeleton. KeyBot
//              also writes each point's provenance and error probability in the annotation's
//              "keybot_provenance" / "keybot_error_probability" arrays (ignored by other COCO tools) and reads
//              them back when present. Coordinates are image pixels as in the document (pixel centres at
//              integer coordinates). Import also accepts a single annotation holding all N keypoints in schema
//              order.
// Every reader checks its input and throws keybot::Error with a message naming the problem.
#include <string>
#include <vector>

#include "keybot/core/document.hpp"

namespace keybot {

// --- AASCE CSV -------------------------------------------------------------------------------------------------
// "x1,...,xN,y1,...,yN\n" with 17 significant digits (reimport reproduces the pixels to ~1e-12 relative).
// Throws keybot::Error when the document's image size is unknown (0).
std::string aasce_landmarks_row(const Document& document);
std::string aasce_filenames_row(const Document& document);  // "name\n"
// Parses one landmarks row (first non-empty line of `text`; a header line of non-numbers is rejected):
// 2N values, each normalised to [0,1] (small excursions to [-0.5, 1.5] are tolerated: points may lie just
// outside the image). Returns N points in pixels with `provenance`, error probability 0.
std::vector<AnnotatedPoint> points_from_aasce_row(const std::string& text, const Schema& schema, int width, int height,
                                                  Provenance provenance = Provenance::user_confirmed);

// --- COCO keypoints --------------------------------------------------------------------------------------------
// The schema must be grouped (groups + corner_names); keybot::Error otherwise.
std::string to_coco_json(const Document& document);
// Reads a COCO keypoints file with exactly one image. Points without keybot_provenance get `provenance`.
Document document_from_coco(const std::string& text, const Schema& schema,
                            Provenance provenance = Provenance::user_confirmed);

// --- Import with format detection ------------------------------------------------------------------------------
enum class AnnotationFormat { keybot_json, aasce_csv, coco_json };
const char* to_string(AnnotationFormat format);

struct ImportedAnnotation {
    AnnotationFormat format = AnnotationFormat::keybot_json;
    std::vector<AnnotatedPoint> points;  // schema-sized, image pixels
};

// Detects the format (JSON with "schema_version" = KeyBot, JSON with "annotations" = COCO, else an AASCE row)
// and reads the points for the image described by `image` (its width/height convert AASCE rows; a KeyBot or
// COCO file made for a different image size is rejected with a message giving both sizes).
ImportedAnnotation import_annotation(const std::string& text, const Schema& schema, const ImageInfo& image);

}  // namespace keybot
