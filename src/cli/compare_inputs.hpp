#pragma once
// Inputs of `keybot compare`: reads one side (a file or a folder of annotations in any supported format) into
// per-image items keyed by the image file name's stem, and pairs the two sides by that key, with the image
// size each pair is measured in.
#include <string>
#include <vector>

#include "keybot/core/geometry.hpp"

namespace keybot::cli {

struct AnnotationItem {
    std::string key;         // the image file name without folder and extension: what the two sides match on
    std::string image_file;  // the image file name as recorded (empty when the format records none)
    std::string source;      // where it was read, for messages ("a/x.json", "b/landmarks.csv row 3")
    int width = 0;           // image size as recorded; 0 when unknown
    int height = 0;
    std::vector<Point> points;  // 68, image pixels; fractions of the image size while `normalised`
    bool normalised = false;    // an AASCE row without its image: pixels need a size from elsewhere
    bool aasce_storage = false; // AASCE landmarks: vertebrae / corners may be stored out of order (repaired)
};

struct CompareInput {
    std::string path;
    std::string description;  // "3 KeyBot JSON files", "AASCE folder (481 rows)", ...
    std::vector<AnnotationItem> items;
    std::vector<std::string> problems;  // files in a folder that could not be read: "path: reason"
};

// A file (KeyBot JSON, COCO JSON, an `keybot eval --json` file, a landmarks.csv with its filenames.csv beside
// it, or a single AASCE row) or a folder (an AASCE folder with filenames.csv + landmarks.csv, else its *.json
// and *.landmarks.csv files). `clicks` picks pred[clicks] of eval files. Throws keybot::Error when the path
// cannot be read or two items of this side name the same image.
CompareInput read_compare_input(const std::string& path, int clicks);

struct MatchedImage {
    std::string key;
    std::string image_file;
    int width = 0;
    int height = 0;
    std::vector<Point> a;  // pixels, schema order
    std::vector<Point> b;
    std::vector<std::string> notes;  // e.g. an AASCE row that could not be repaired and is used as stored
};

struct Matching {
    std::vector<MatchedImage> images;    // sorted by key
    std::vector<std::string> only_a;     // keys found on one side only
    std::vector<std::string> only_b;
    std::vector<std::string> problems;   // pairs that could not be measured: "key: reason"
};

// Pairs items by key. The size of a pair is the one recorded on either side (they must agree), else the header
// of images_dir/<image file> when images_dir is not empty. Throws keybot::Error, naming an example and the
// --images option, when pairs have no known size at all.
Matching match_inputs(const CompareInput& a, const CompareInput& b, const std::string& images_dir);

}  // namespace keybot::cli
