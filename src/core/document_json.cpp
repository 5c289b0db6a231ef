// JSON save/load for Document. Loading validates every field itself so that users get a message naming the
// offending field rather than a generic nlohmann type error.
#include <cmath>

#include <nlohmann/json.hpp>

#include "keybot/core/document.hpp"
#include "keybot/core/error.hpp"

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
    return v.get<int>();
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
        throw Error("annotation JSON: '" + where + "name' is '" + p["name"].get<std::string>() + "', expected '" +
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

json parse_root(const std::string& text) {
    json root;
    try {
        root = json::parse(text);
    } catch (const json::parse_error& e) {
        throw Error(std::string("annotation JSON is malformed: ") + e.what());
    }
    if (!root.is_object()) throw Error("annotation JSON: top level must be an object");
    const json& version = field(root, "schema_version", "");
    if (!version.is_number_integer() || version.get<long long>() != kDocumentSchemaVersion)
        throw Error("annotation JSON: unsupported schema_version " + version.dump() + " (expected " +
                    std::to_string(kDocumentSchemaVersion) + ")");
    return root;
}

Document parse_document(const json& root, const Schema& schema) {
    const std::string name = string_field(root, "schema", "");
    if (name != schema.name) throw Error("annotation JSON: schema is '" + name + "', expected '" + schema.name + "'");
    const json& img = object_field(root, "image", "");
    ImageInfo info{string_field(img, "file", "image."), int_field(img, "width", "image."), int_field(img, "height", "image.")};
    if (info.width < 0 || info.height < 0) throw Error("annotation JSON: image size must not be negative");
    const json& pts = field(root, "points", "");
    if (!pts.is_array()) throw Error("annotation JSON: field 'points' must be an array");
    if (static_cast<int>(pts.size()) != schema.size())
        throw Error("annotation JSON: " + std::to_string(pts.size()) + " points, schema '" + schema.name + "' needs " +
                    std::to_string(schema.size()));
    std::vector<AnnotatedPoint> points;
    for (int i = 0; i < schema.size(); ++i) points.push_back(parse_point(pts[i], i, schema));
    Document doc(schema, info);
    doc.set_points(std::move(points));
    doc.clear_history();  // a freshly loaded document starts with nothing to undo
    return doc;
}

}  // namespace

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
                 {"image", {{"file", document.image().file_name}, {"width", document.image().width}, {"height", document.image().height}}},
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
    if (!schema) throw Error("annotation JSON: unknown schema '" + name + "'");
    return parse_document(root, *schema);
}

}  // namespace keybot
