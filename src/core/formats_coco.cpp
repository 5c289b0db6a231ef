// COCO keypoints JSON for one image (see formats.hpp for the layout), and import with format detection.
#include <algorithm>
#include <cctype>
#include <cmath>

#include <nlohmann/json.hpp>

#include "json_input.hpp"
#include "keybot/core/spacing_json.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/formats.hpp"
#include "keybot/core/image.hpp"

namespace keybot {
namespace {

using nlohmann::json;

void require_grouped(const Schema& schema) {
    if (schema.groups.empty() || schema.corner_names.empty())
        throw Error("COCO: schema '" + schema.name + "' has no groups / corner names");
}

[[noreturn]] void fail(const std::string& what) { throw Error("COCO JSON: " + what); }

const json& member(const json& object, const char* key, const std::string& where) {
    if (!object.is_object()) fail("'" + where + "' must be an object");
    auto it = object.find(key);
    if (it == object.end()) fail("missing field '" + where + (where.empty() ? "" : ".") + key + "'");
    return *it;
}

double finite_number(const json& v, const std::string& where) {
    if (!v.is_number()) fail("'" + where + "' must be a number");
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail("'" + where + "' is not finite");
    return d;
}

// Reads annotation `a`'s keypoints ([x,y,v] triples) into out[indices[k]]; optional keybot fields too.
void read_keypoints(const json& a, const std::string& where, const std::vector<int>& indices,
                    std::vector<AnnotatedPoint>& out, Provenance fallback) {
    const json& kp = member(a, "keypoints", where);
    if (!kp.is_array() || kp.size() != 3 * indices.size())
        fail("'" + where + ".keypoints' must hold " + std::to_string(3 * indices.size()) + " numbers (x, y, v per point), got " +
             (kp.is_array() ? std::to_string(kp.size()) : std::string("no array")));
    const json* prov = a.contains("keybot_provenance") ? &a["keybot_provenance"] : nullptr;
    const json* prob = a.contains("keybot_error_probability") ? &a["keybot_error_probability"] : nullptr;
    if (prov && (!prov->is_array() || prov->size() != indices.size()))
        fail("'" + where + ".keybot_provenance' must list " + std::to_string(indices.size()) + " names");
    if (prob && (!prob->is_array() || prob->size() != indices.size()))
        fail("'" + where + ".keybot_error_probability' must list " + std::to_string(indices.size()) + " numbers");
    for (std::size_t k = 0; k < indices.size(); ++k) {
        const std::string w = where + ".keypoints[" + std::to_string(3 * k) + "]";
        AnnotatedPoint p;
        p.x = finite_number(kp[3 * k], w);
        p.y = finite_number(kp[3 * k + 1], where + ".keypoints[" + std::to_string(3 * k + 1) + "]");
        const double v = finite_number(kp[3 * k + 2], where + ".keypoints[" + std::to_string(3 * k + 2) + "]");
        if (v == 0) fail("'" + where + "' point " + std::to_string(k + 1) + " is not labelled (visibility 0); KeyBot needs every point");
        p.provenance = fallback;
        if (prov) {
            if (!(*prov)[k].is_string()) fail("'" + where + ".keybot_provenance' entries must be strings");
            try {
                p.provenance = provenance_from_string((*prov)[k].get<std::string>());
            } catch (const Error& e) {
                fail("'" + where + ".keybot_provenance': " + e.what());
            }
        }
        if (prob) {
            p.error_probability = finite_number((*prob)[k], where + ".keybot_error_probability");
            if (p.error_probability < 0 || p.error_probability > 1) fail("'" + where + ".keybot_error_probability' must be within [0,1]");
        }
        out[indices[k]] = p;
    }
}

}  // namespace

std::string to_coco_json(const Document& document) {
    const Schema& schema = document.schema();
    require_grouped(schema);
    const ImageInfo& img = document.image();
    const auto& pts = document.points();
    json skeleton = json::array();
    // Quad outline over the corners (COCO skeleton indices are 1-based): tl-tr, tr-br, br-bl, bl-tl when the
    // corners are the usual four; otherwise a simple chain.
    const int nc = static_cast<int>(schema.corner_names.size());
    if (nc == 4) skeleton = json::array({{1, 2}, {2, 4}, {4, 3}, {3, 1}});
    else for (int c = 1; c < nc; ++c) skeleton.push_back({c, c + 1});
    json annotations = json::array();
    for (std::size_t g = 0; g < schema.groups.size(); ++g) {
        json kp = json::array(), prov = json::array(), prob = json::array();
        double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
        for (int i : schema.groups[g]) {
            const AnnotatedPoint& p = pts[i];
            kp.push_back(p.x);
            kp.push_back(p.y);
            kp.push_back(2);
            prov.push_back(to_string(p.provenance));
            prob.push_back(p.error_probability);
            x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
        }
        json a = {{"id", g + 1},
                  {"image_id", 1},
                  {"category_id", 1},
                  {"group", g < schema.group_names.size() ? schema.group_names[g] : std::to_string(g + 1)},
                  {"keypoints", std::move(kp)},
                  {"num_keypoints", schema.groups[g].size()},
                  {"bbox", {x0, y0, x1 - x0, y1 - y0}},
                  {"area", (x1 - x0) * (y1 - y0)},
                  {"iscrowd", 0},
                  {"keybot_provenance", std::move(prov)},
                  {"keybot_error_probability", std::move(prob)}};
        annotations.push_back(std::move(a));
    }
    json image = {{"id", 1}, {"file_name", img.file_name}, {"width", img.width}, {"height", img.height}};
    // COCO has no field for it: "pixel_spacing" is ours, as in KeyBot JSON (mm figures need it and its type)
    if (img.spacing.known()) image["pixel_spacing"] = pixel_spacing_json(img.spacing);
    json root = {
        {"info", {{"description", "KeyBot annotation (" + schema.name + ")"}, {"version", "1"}}},
        {"images", {std::move(image)}},
        {"categories", {{{"id", 1}, {"name", "vertebra"}, {"supercategory", "spine"},
                         {"keypoints", schema.corner_names}, {"skeleton", std::move(skeleton)}}}},
        {"annotations", std::move(annotations)},
        {"keybot_schema", schema.name}};
    return root.dump(1);
}

Document detail::document_from_coco_root(const json& root, const Schema& schema, Provenance provenance) {
    require_grouped(schema);
    if (!root.is_object()) fail("top level must be an object");
    if (root.contains("keybot_schema") && root["keybot_schema"] != schema.name)
        fail("made for schema " + excerpt(root["keybot_schema"].dump()) + ", expected '" + schema.name + "'");
    const json& images = member(root, "images", "");
    if (!images.is_array() || images.size() != 1)
        fail("'images' must list exactly one image, got " + (images.is_array() ? std::to_string(images.size()) : std::string("no array")));
    const json& im = images[0];
    ImageInfo info;
    const json& id = member(im, "id", "images[0]");
    const json& file = member(im, "file_name", "images[0]");
    if (!file.is_string()) fail("'images[0].file_name' must be a string");
    info.file_name = file.get<std::string>();
    const json& w = member(im, "width", "images[0]");
    const json& h = member(im, "height", "images[0]");
    auto side_ok = [](const json& v) {  // get<int>() would wrap values beyond int
        return v.is_number_unsigned() ? v.get<std::uint64_t>() <= std::uint64_t(kMaxImageSide)
                                      : v.is_number_integer() && v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() <= kMaxImageSide;
    };
    if (!side_ok(w) || !side_ok(h)) fail("'images[0].width/height' must be integers within 0.." + std::to_string(kMaxImageSide));
    info.width = w.get<int>();
    info.height = h.get<int>();
    if (im.contains("pixel_spacing"))
        info.spacing = pixel_spacing_from_json(im["pixel_spacing"], "COCO JSON", "images[0].pixel_spacing");

    const json& anns = member(root, "annotations", "");
    if (!anns.is_array()) fail("'annotations' must be an array");
    std::vector<const json*> mine;
    for (const json& a : anns) {
        if (!a.is_object()) fail("every annotation must be an object");
        if (a.contains("image_id") && a["image_id"] != id) continue;
        mine.push_back(&a);
    }
    std::vector<AnnotatedPoint> points(schema.size());
    const std::size_t groups = schema.groups.size();
    if (mine.size() == 1 && member(*mine[0], "keypoints", "annotations[0]").size() == 3 * std::size_t(schema.size())) {
        std::vector<int> all(schema.size());
        for (int i = 0; i < schema.size(); ++i) all[i] = i;
        read_keypoints(*mine[0], "annotations[0]", all, points, provenance);
    } else if (mine.size() == groups) {
        // By "group" name when present, else in order of "id".
        std::vector<bool> seen(groups, false);
        std::stable_sort(mine.begin(), mine.end(), [](const json* a, const json* b) {
            const bool ia = a->contains("id") && (*a)["id"].is_number(), ib = b->contains("id") && (*b)["id"].is_number();
            return ia && ib ? (*a)["id"].get<double>() < (*b)["id"].get<double>() : false;
        });
        for (std::size_t k = 0; k < groups; ++k) {
            const json& a = *mine[k];
            std::size_t g = k;
            if (a.contains("group")) {
                const auto it = a["group"].is_string()
                    ? std::find(schema.group_names.begin(), schema.group_names.end(), a["group"].get<std::string>())
                    : schema.group_names.end();
                if (it == schema.group_names.end()) fail("annotation group " + excerpt(a["group"].dump()) + " is not part of schema '" + schema.name + "'");
                g = std::size_t(it - schema.group_names.begin());
            }
            if (seen[g]) fail("group '" + schema.group_names[g] + "' is annotated twice");
            seen[g] = true;
            read_keypoints(a, "annotations[" + std::to_string(k) + "]", schema.groups[g], points, provenance);
        }
    } else {
        fail("expected " + std::to_string(groups) + " annotations (one per vertebra) or one with " +
             std::to_string(schema.size()) + " keypoints for the image, got " + std::to_string(mine.size()));
    }
    check_coordinates(points, schema, info, "COCO JSON");
    Document doc(schema, info);
    doc.set_points(std::move(points));
    doc.clear_history();
    return doc;
}

Document document_from_coco(const std::string& text, const Schema& schema, Provenance provenance) {
    return detail::document_from_coco_root(detail::parse_annotation_json(text, "COCO JSON"), schema, provenance);
}

const char* to_string(AnnotationFormat format) {
    switch (format) {
        case AnnotationFormat::keybot_json: return "KeyBot JSON";
        case AnnotationFormat::aasce_csv: return "AASCE CSV";
        case AnnotationFormat::coco_json: return "COCO JSON";
    }
    return "?";
}

ImportedAnnotation import_annotation(const std::string& text, const Schema& schema, const ImageInfo& image) {
    ImportedAnnotation out;
    // Size and shape first, so a 10 MB paste of anything is refused before a parser allocates for it.
    if (text.size() > kMaxAnnotationBytes)
        throw Error("the annotation is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                    std::to_string(kMaxAnnotationBytes / (1024 * 1024)) + " MiB (KeyBot JSON, COCO JSON or an AASCE row)");
    const auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    if (first == std::string::npos) throw Error("the annotation file is empty");
    const char c = text[first];
    const bool json_text = c == '{' || c == '[';
    if (!json_text && !std::isdigit(static_cast<unsigned char>(c)) && c != '-' && c != '+' && c != '.')
        throw Error("not KeyBot JSON, COCO JSON or an AASCE row (the text starts with '" + excerpt(text.substr(first), 20) + "')");
    auto check_size = [&](const ImageInfo& made_for) {
        if (made_for.width > 0 && made_for.height > 0 && image.width > 0 &&
            (made_for.width != image.width || made_for.height != image.height))
            throw Error(std::string(to_string(out.format)) + ": made for a " + std::to_string(made_for.width) + " x " +
                        std::to_string(made_for.height) + " image, but the open image is " + std::to_string(image.width) +
                        " x " + std::to_string(image.height));
    };
    if (json_text) {
        const json root = detail::parse_annotation_json(text, "annotation JSON");
        const bool coco = root.is_object() && root.contains("annotations");
        out.format = coco ? AnnotationFormat::coco_json : AnnotationFormat::keybot_json;
        const Document d = coco ? detail::document_from_coco_root(root, schema, Provenance::user_confirmed)
                                : detail::document_from_json_root(root, schema);
        check_size(d.image());
        out.points = d.points();
        return out;
    }
    out.format = AnnotationFormat::aasce_csv;
    out.points = points_from_aasce_row(text, schema, image.width, image.height);
    return out;
}

}  // namespace keybot
