// JSON save/load for Document. Loading validates every field itself so that users get a message naming the
// offending field rather than a generic nlohmann type error.
#include <algorithm>
#include <cmath>
#include <iterator>

#include <nlohmann/json.hpp>

#include "json_input.hpp"
#include "keybot/core/spacing_json.hpp"
#include "keybot/core/document.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/image.hpp"

namespace keybot {
namespace {

using nlohmann::json;

const json& field(const json& object, const char* key, const std::string& where) {
    auto it = object.find(key);
    if (it == object.end()) throw Error("annotation JSON: missing field '" + where + key + "'");
    return *it;
}

double number_field(const json& object, const char* key, const std::string& where) {
    const json& v = field(object, key, where);
    if (!v.is_number()) throw Error("annotation JSON: field '" + where + key + "' must be a number");
    const double d = v.get<double>();
    if (!std::isfinite(d)) throw Error("annotation JSON: field '" + where + key + "' is not finite");
    return d;
}

int int_field(const json& object, const char* key, const std::string& where) {
    const json& v = field(object, key, where);
    if (!v.is_number_integer()) throw Error("annotation JSON: field '" + where + key + "' must be an integer");
    // get<int>() would silently wrap values beyond int; image sides beyond the decoder's limit are refused too.
    if (v.is_number_unsigned() ? v.get<std::uint64_t>() > std::uint64_t(kMaxImageSide)
                               : (v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > kMaxImageSide))
        throw Error("annotation JSON: field '" + where + key + "' must be within 0.." + std::to_string(kMaxImageSide));
    return static_cast<int>(v.get<std::int64_t>());
}

std::string string_field(const json& object, const char* key, const std::string& where) {
    const json& v = field(object, key, where);
    if (!v.is_string()) throw Error("annotation JSON: field '" + where + key + "' must be a string");
    return v.get<std::string>();
}

const json& object_field(const json& object, const char* key, const std::string& where) {
    const json& v = field(object, key, where);
    if (!v.is_object()) throw Error("annotation JSON: field '" + where + key + "' must be an object");
    return v;
}

AnnotatedPoint parse_point(const json& p, int index, const Schema& schema) {
    const std::string where = "points[" + std::to_string(index) + "].";
    if (!p.is_object()) throw Error("annotation JSON: 'points[" + std::to_string(index) + "]' must be an object");
    if (p.contains("name") && string_field(p, "name", where) != schema.landmarks[index])
        throw Error("annotation JSON: '" + where + "name' is '" + excerpt(p["name"].get<std::string>()) + "', expected '" +
                    schema.landmarks[index] + "'");
    AnnotatedPoint out;
    out.x = number_field(p, "x", where);
    out.y = number_field(p, "y", where);
    try {
        out.provenance = provenance_from_string(string_field(p, "provenance", where));
    } catch (const Error& e) {
        throw Error("annotation JSON: '" + where + "provenance': " + e.what());
    }
    out.error_probability = number_field(p, "error_probability", where);
    if (out.error_probability < 0.0 || out.error_probability > 1.0)
        throw Error("annotation JSON: '" + where + "error_probability' must be within [0,1]");
    return out;
}

// Optional "image.pixel_spacing".
PixelSpacing parse_spacing(const json& img) {
    if (!img.contains("pixel_spacing")) return {};
    return pixel_spacing_from_json(img["pixel_spacing"], "annotation JSON", "image.pixel_spacing");
}

// Optional "image.dicom": the Study, Series and SOP Instance UIDs (digits and dots, at most 64 characters).
void parse_dicom_identity(const json& img, ImageInfo& info) {
    if (!img.contains("dicom")) return;
    const json& d = object_field(img, "dicom", "image.");
    auto uid = [&](const char* key) -> std::string {
        if (!d.contains(key)) return {};
        const std::string v = string_field(d, key, "image.dicom.");
        if (v.size() > 64 || v.find_first_not_of("0123456789.") != std::string::npos)
            throw Error(std::string("annotation JSON: 'image.dicom.") + key + "' is not a DICOM UID");
        return v;
    };
    info.study_uid = uid("study_uid");
    info.series_uid = uid("series_uid");
    info.sop_instance_uid = uid("sop_instance_uid");
}

json image_json(const ImageInfo& info) {
    json img = {{"file", info.file_name}, {"width", info.width}, {"height", info.height}};
    if (info.spacing.known()) img["pixel_spacing"] = pixel_spacing_json(info.spacing);
    json dicom = json::object();
    if (!info.study_uid.empty()) dicom["study_uid"] = info.study_uid;
    if (!info.series_uid.empty()) dicom["series_uid"] = info.series_uid;
    if (!info.sop_instance_uid.empty()) dicom["sop_instance_uid"] = info.sop_instance_uid;
    if (!dicom.empty()) img["dicom"] = std::move(dicom);
    return img;
}

void check_root(const json& root) {
    if (!root.is_object()) throw Error("annotation JSON: top level must be an object");
    const json& version = field(root, "schema_version", "");
    if (!version.is_number_integer() || version.get<long long>() != kDocumentSchemaVersion)
        throw Error("annotation JSON: unsupported schema_version " + excerpt(version.dump()) + " (expected " +
                    std::to_string(kDocumentSchemaVersion) + ")");
}

json parse_root(const std::string& text) {
    json root = detail::parse_annotation_json(text, "annotation JSON");
    check_root(root);
    return root;
}

Document parse_document(const json& root, const Schema& schema) {
    const std::string name = string_field(root, "schema", "");
    if (name != schema.name) throw Error("annotation JSON: schema is '" + excerpt(name) + "', expected '" + schema.name + "'");
    const json& img = object_field(root, "image", "");
    ImageInfo info{string_field(img, "file", "image."), int_field(img, "width", "image."), int_field(img, "height", "image.")};
    info.spacing = parse_spacing(img);
    parse_dicom_identity(img, info);
    const json& pts = field(root, "points", "");
    if (!pts.is_array()) throw Error("annotation JSON: field 'points' must be an array");
    if (static_cast<int>(pts.size()) != schema.size())
        throw Error("annotation JSON: " + std::to_string(pts.size()) + " points, schema '" + schema.name + "' needs " +
                    std::to_string(schema.size()));
    std::vector<AnnotatedPoint> points;
    for (int i = 0; i < schema.size(); ++i) points.push_back(parse_point(pts[i], i, schema));
    check_coordinates(points, schema, info, "annotation JSON");
    Document doc(schema, info);
    doc.set_points(std::move(points));
    doc.clear_history();  // a freshly loaded document starts with nothing to undo
    return doc;
}

}  // namespace

Document detail::document_from_json_root(const json& root, const Schema& schema) {
    check_root(root);
    return parse_document(root, schema);
}

std::string to_json(const Document& document) {
    json pts = json::array();
    const Schema& schema = document.schema();
    for (int i = 0; i < schema.size(); ++i) {
        const AnnotatedPoint& p = document.points()[i];
        pts.push_back({{"name", schema.landmarks[i]},
                       {"x", p.x},
                       {"y", p.y},
                       {"provenance", to_string(p.provenance)},
                       {"error_probability", p.error_probability}});
    }
    json root = {{"schema_version", kDocumentSchemaVersion},
                 {"schema", schema.name},
                 {"image", image_json(document.image())},
                 {"points", std::move(pts)}};
    return root.dump(1);
}

Document document_from_json(const std::string& text, const Schema& expected) {
    return parse_document(parse_root(text), expected);
}

Document document_from_json(const std::string& text) {
    const json root = parse_root(text);
    const std::string name = string_field(root, "schema", "");
    const Schema* schema = find_schema(name);
    if (!schema) throw Error("annotation JSON: unknown schema '" + excerpt(name) + "'");
    return parse_document(root, *schema);
}

}  // namespace keybot
