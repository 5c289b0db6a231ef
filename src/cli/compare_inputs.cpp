// Reading and pairing the two sides of `keybot compare` (see compare_inputs.hpp).
#include "compare_inputs.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "keybot/core/aasce.hpp"
#include "keybot/core/document.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/core/formats.hpp"
#include "keybot/core/spine_repair.hpp"

namespace keybot::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// An eval file holds every click's prediction for every image (about 20 MB for the 481 training images at 10
// clicks); far beyond that is not an annotation file, and is refused before it is read.
constexpr std::uintmax_t kMaxInputFileBytes = 512ull * 1024 * 1024;
// Deeper JSON than any of the accepted layouts (eval files nest 5 levels) is refused while parsing.
constexpr int kMaxJsonDepth = 16;

const char* const kLandmarksFile = "landmarks.csv";
const char* const kFilenamesFile = "filenames.csv";

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The matching key: "a/b/x.png" -> "x".
std::string key_of_image(const std::string& image_file) { return fs::path(image_file).filename().stem().string(); }

// The key of an annotation file that records no image name: its name without the suffixes KeyBot writes.
std::string key_of_annotation_file(const std::string& path) {
    std::string name = fs::path(path).filename().string();
    for (const char* suffix : {".keybot.json", ".coco.json", ".landmarks.csv", ".json", ".csv"})
        if (ends_with(name, suffix) && name.size() > std::string(suffix).size()) return name.substr(0, name.size() - std::string(suffix).size());
    return name;
}

std::string read_input_text(const std::string& path) {
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(path, ec);
    if (!ec && size > kMaxInputFileBytes)
        throw Error("'" + path + "': the file is " + std::to_string(size >> 20) + " MiB, more than the limit of " +
                    std::to_string(kMaxInputFileBytes >> 20) + " MiB for an annotation file");
    return read_file_text(path);
}

json parse_json(const std::string& text, const std::string& path) {
    const json::parser_callback_t depth_guard = [&](int depth, json::parse_event_t, json&) {
        if (depth > kMaxJsonDepth) throw Error("'" + path + "': JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
        return true;
    };
    try {
        return json::parse(text, depth_guard);
    } catch (const json::exception& e) {
        throw Error("'" + path + "': not valid JSON (" + excerpt(e.what(), 120) + ")");
    }
}

std::vector<Point> positions(const std::vector<AnnotatedPoint>& points) {
    std::vector<Point> out;
    for (const AnnotatedPoint& p : points) out.push_back({p.x, p.y});
    return out;
}

AnnotationItem item_from_document(const Document& d, const std::string& path) {
    if (d.schema().name != aasce_spine().name)
        throw Error("'" + path + "': schema " + d.schema().name + "; compare measures the " + aasce_spine().name + " schema");
    const ImageInfo& img = d.image();
    return {img.file_name.empty() ? key_of_annotation_file(path) : key_of_image(img.file_name), img.file_name, path,
            img.width, img.height, positions(d.points()), false, false};
}

std::vector<Point> eval_points(const json& pred, int width, int height, const std::string& where) {
    const auto n = static_cast<std::size_t>(aasce_spine().size());
    if (!pred.is_array() || pred.size() != n) throw Error(where + ": expected " + std::to_string(n) + " [x, y] points");
    std::vector<Point> out;
    for (const json& p : pred) {
        if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
            throw Error(where + ": point " + std::to_string(out.size()) + " is not [x, y]");
        const Point q{p[0].get<double>(), p[1].get<double>()};
        if (!coordinate_in_range(q.x, width) || !coordinate_in_range(q.y, height))
            throw Error(where + ": point " + std::to_string(out.size()) + " lies far outside the " + std::to_string(width) + " x " +
                        std::to_string(height) + " image");
        out.push_back(q);
    }
    return out;
}

// `keybot eval --json`: {"images": [{file, width, height, clicked, pred[k][68][2]}], "summary": {...}}.
std::vector<AnnotationItem> items_from_eval(const json& root, const std::string& path, int clicks) {
    std::vector<AnnotationItem> out;
    for (std::size_t i = 0; i < root["images"].size(); ++i) {
        const json& im = root["images"][i];
        const std::string where = "'" + path + "' images[" + std::to_string(i) + "]";
        if (!im.is_object() || !im.contains("file") || !im["file"].is_string() || !im.contains("pred") || !im["pred"].is_array())
            throw Error(where + ": expected {file, width, height, pred} as `keybot eval --json` writes");
        const int width = im.value("width", 0), height = im.value("height", 0);
        if (width <= 0 || height <= 0 || width > kMaxImageSide || height > kMaxImageSide)
            throw Error(where + ": no valid image width and height");
        const std::string file = im["file"].get<std::string>();
        if (static_cast<int>(im["pred"].size()) <= clicks)
            throw Error(where + " (" + file + ") has predictions for 0.." + std::to_string(static_cast<int>(im["pred"].size()) - 1) +
                        " clicks; --clicks " + std::to_string(clicks) + " asks for more");
        out.push_back({key_of_image(file), file, path + " [" + file + "]", width, height,
                       eval_points(im["pred"][static_cast<std::size_t>(clicks)], width, height, where + " (" + file + ")"), false, false});
    }
    return out;
}

std::vector<AnnotationItem> items_from_json_file(const std::string& path, int clicks) {
    const std::string text = read_input_text(path);
    const json root = parse_json(text, path);
    try {
        if (root.is_object() && root.contains("schema_version")) return {item_from_document(document_from_json(text), path)};
        if (root.is_object() && root.contains("annotations"))
            return {item_from_document(document_from_coco(text, aasce_spine()), path)};
    } catch (const Error& e) {
        const std::string message = e.what();
        throw Error(message.rfind("'" + path + "'", 0) == 0 ? message : "'" + path + "': " + message);
    }
    if (root.is_object() && root.contains("images") && root["images"].is_array()) {
        try {
            return items_from_eval(root, path, clicks);
        } catch (const json::exception& e) {  // a field of the wrong type
            throw Error("'" + path + "': not laid out as `keybot eval --json` writes (" + excerpt(e.what(), 120) + ")");
        }
    }
    throw Error("'" + path + "': not KeyBot JSON, COCO JSON or a `keybot eval --json` file");
}

// Normalised AASCE rows of `landmarks` named by `names` (the filenames.csv beside it), or one row named by the
// landmarks file itself when there is no names file.
std::vector<AnnotationItem> items_from_landmarks(const std::string& landmarks, const std::string& names) {
    const auto rows = parse_number_rows(read_input_text(landmarks), "'" + landmarks + "'");
    std::vector<std::string> files;
    if (!names.empty()) files = parse_name_lines(read_input_text(names));
    else if (rows.size() == 1) files = {key_of_annotation_file(landmarks)};
    else throw Error("'" + landmarks + "' holds " + std::to_string(rows.size()) + " rows but no " + kFilenamesFile + " names them");
    if (files.size() != rows.size())
        throw Error("'" + names + "' has " + std::to_string(files.size()) + " names but '" + landmarks + "' " +
                    std::to_string(rows.size()) + " rows");
    std::vector<AnnotationItem> out;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::string where = "'" + landmarks + "' row " + std::to_string(i + 1);
        std::vector<Point> fractions;
        try {
            fractions = aasce_points_from_row(rows[i], 1, 1);
        } catch (const Error& e) {
            throw Error(where + ": " + e.what());
        }
        out.push_back({key_of_image(files[i]), names.empty() ? std::string() : files[i], where, 0, 0, fractions, true, true});
    }
    return out;
}

std::vector<AnnotationItem> items_from_aasce_with_images(const std::string& dir) {
    const AasceDataset ds = read_aasce(dir);
    std::vector<AnnotationItem> out;
    for (const AasceRow& r : ds.rows)
        out.push_back({key_of_image(r.file_name), r.file_name, "'" + dir + "/" + kLandmarksFile + "' row " + std::to_string(r.index + 1),
                       r.width, r.height, r.raw, false, true});
    return out;
}

// "x.landmarks.csv" -> "x.filenames.csv" beside it, or "" when there is none.
std::string names_file_for(const std::string& landmarks) {
    const std::string name = fs::path(landmarks).filename().string();
    const std::string stem = name.substr(0, name.size() - std::string(kLandmarksFile).size());
    const fs::path names = fs::path(landmarks).parent_path() / (stem + kFilenamesFile);
    std::error_code ec;
    return ends_with(name, kLandmarksFile) && fs::is_regular_file(names, ec) ? names.string() : std::string();
}

std::vector<AnnotationItem> items_from_file(const std::string& path, int clicks) {
    if (ends_with(path, ".json")) return items_from_json_file(path, clicks);
    if (ends_with(path, ".csv")) return items_from_landmarks(path, names_file_for(path));
    // Other names: decide by the content, as the app's import does.
    const std::string text = read_input_text(path);
    const auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    if (first != std::string::npos && (text[first] == '{' || text[first] == '[')) return items_from_json_file(path, clicks);
    return items_from_landmarks(path, "");
}

void read_folder(const std::string& dir, int clicks, CompareInput& in) {
    std::error_code ec;
    if (fs::is_regular_file(fs::path(dir) / kLandmarksFile, ec) && fs::is_regular_file(fs::path(dir) / kFilenamesFile, ec)) {
        const bool with_images = fs::is_directory(fs::path(dir) / "images", ec);
        in.items = with_images ? items_from_aasce_with_images(dir)
                               : items_from_landmarks((fs::path(dir) / kLandmarksFile).string(), (fs::path(dir) / kFilenamesFile).string());
        in.description = std::string("AASCE folder, ") + std::to_string(in.items.size()) + " rows" +
                         (with_images ? ", image sizes from images/" : ", no images/ (coordinates normalised)");
        return;
    }
    std::vector<std::string> files;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string p = it->path().string();
        std::error_code entry_ec;
        if ((ends_with(p, ".json") || ends_with(p, "." + std::string(kLandmarksFile))) && !it->is_directory(entry_ec)) files.push_back(p);
    }
    if (ec) throw Error("'" + dir + "': cannot list the folder (" + ec.message() + ")");
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) {
        try {
            auto items = items_from_file(f, clicks);
            in.items.insert(in.items.end(), items.begin(), items.end());
        } catch (const std::exception& e) {
            in.problems.push_back(e.what());
        }
    }
    if (files.empty())
        throw Error("'" + dir + "': no annotation files (*.json, *.landmarks.csv, or landmarks.csv with filenames.csv)");
    in.description = std::to_string(files.size()) + " files, " + std::to_string(in.items.size()) + " annotations";
}

void refuse_repeated_keys(const CompareInput& in) {
    std::map<std::string, std::vector<std::string>> sources;
    for (const AnnotationItem& item : in.items) sources[item.key].push_back(item.source);
    const std::string clashes = repeated_entries(sources, ": ");
    if (!clashes.empty())
        throw Error("'" + in.path + "' holds more than one annotation of the same image (matched by file name without extension):" + clashes);
}

std::vector<Point> in_pixels(const AnnotationItem& item, int width, int height, const char* side, std::vector<std::string>& notes) {
    std::vector<Point> points = item.points;
    if (item.normalised)
        for (Point& p : points) p = {p.x * width, p.y * height};
    if (!item.aasce_storage) return points;
    // AASCE rows store some vertebrae and corners out of order; comparing them point by point needs the schema
    // order, as `keybot eval` uses for its ground truth.
    const SpineRepair repair = repair_spine(points);
    if (repair.ok()) return repair.points;
    notes.push_back(std::string(side) + " (" + item.source + ") is not repairable, compared as stored: " + repair.summary());
    return points;
}

bool size_known(const AnnotationItem& item) { return item.width > 0 && item.height > 0; }

std::string size_text(const AnnotationItem& item) {
    return std::to_string(item.width) + " x " + std::to_string(item.height) + " (" + item.source + ")";
}

}  // namespace

CompareInput read_compare_input(const std::string& path, int clicks) {
    CompareInput in;
    in.path = path;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        read_folder(path, clicks, in);
    } else {
        if (!fs::exists(path, ec)) throw Error("'" + path + "': no such file or folder");
        in.items = items_from_file(path, clicks);
        in.description = std::to_string(in.items.size()) + (in.items.size() == 1 ? " annotation" : " annotations");
    }
    refuse_repeated_keys(in);
    return in;
}

Matching match_inputs(const CompareInput& a, const CompareInput& b, const std::string& images_dir) {
    std::map<std::string, const AnnotationItem*> by_key_b;
    for (const AnnotationItem& item : b.items) by_key_b[item.key] = &item;
    std::map<std::string, const AnnotationItem*> by_key_a;
    for (const AnnotationItem& item : a.items) by_key_a[item.key] = &item;

    Matching m;
    std::vector<std::string> unsized;
    for (const auto& [key, ia] : by_key_a) {
        const auto found = by_key_b.find(key);
        if (found == by_key_b.end()) {
            m.only_a.push_back(key);
            continue;
        }
        const AnnotationItem& ib = *found->second;
        MatchedImage img;
        img.key = key;
        img.image_file = !ia->image_file.empty() ? ia->image_file : ib.image_file;
        if (size_known(*ia) && size_known(ib) && (ia->width != ib.width || ia->height != ib.height)) {
            m.problems.push_back(key + ": A is for a " + size_text(*ia) + " image, B for a " + size_text(ib) + " one");
            continue;
        }
        const AnnotationItem& sized = size_known(*ia) ? *ia : ib;
        img.width = sized.width;
        img.height = sized.height;
        if (!size_known(sized)) {
            if (images_dir.empty()) {
                unsized.push_back(key);
                continue;
            }
            const std::string file = (fs::path(images_dir) / (img.image_file.empty() ? key : img.image_file)).string();
            try {
                const ImageHeader h = probe_image_file(file);
                img.width = h.width;
                img.height = h.height;
            } catch (const Error& e) {
                m.problems.push_back(key + ": image size unknown, and --images gives none: " + e.what());
                continue;
            }
        }
        img.a = in_pixels(*ia, img.width, img.height, "A", img.notes);
        img.b = in_pixels(ib, img.width, img.height, "B", img.notes);
        m.images.push_back(std::move(img));
    }
    for (const auto& [key, ib] : by_key_b)
        if (!by_key_a.count(key)) m.only_b.push_back(key);
    if (!unsized.empty())
        throw Error("the image size of " + std::to_string(unsized.size()) + " matched images is unknown (e.g. '" + unsized.front() +
                    "'): both sides store coordinates as fractions of the image (AASCE rows); give --images DIR, the folder "
                    "holding the images, so that distances can be measured in pixels");
    return m;
}

}  // namespace keybot::cli
