#include "json_input.hpp"

#include <algorithm>
#include <iterator>

#include "keybot/core/error.hpp"
#include "keybot/core/spacing_json.hpp"

namespace keybot::detail {

using nlohmann::json;

nlohmann::json parse_annotation_json(const std::string& text, const std::string& what) {
    if (text.size() > kMaxAnnotationBytes)
        throw Error(what + ": the text is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                    std::to_string(kMaxAnnotationBytes / (1024 * 1024)) + " MiB for one image's annotation");
    const auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    if (first == std::string::npos) throw Error(what + " is malformed: the text is empty");
    if (text[first] != '{' && text[first] != '[')
        throw Error(what + " is malformed: not a JSON object (the text starts with '" + excerpt(text.substr(first), 20) + "')");
    const json::parser_callback_t depth_guard = [&what](int depth, json::parse_event_t, json&) {
        if (depth > kMaxJsonDepth)
            throw Error(what + ": nested more than " + std::to_string(kMaxJsonDepth) + " levels deep");
        return true;
    };
    try {
        return json::parse(text, depth_guard);
    } catch (const json::parse_error& e) {
        // nlohmann's message ends with "last read: '<token>'", which can be the whole input: keep it short.
        throw Error(what + " is malformed at byte " + std::to_string(e.byte) + ": " + excerpt(e.what(), 160));
    } catch (const json::exception& e) {  // e.g. out_of_range.406 for 1e400
        throw Error(what + ": " + excerpt(e.what(), 160));
    }
}

}  // namespace keybot::detail

namespace keybot {

nlohmann::json pixel_spacing_json(const PixelSpacing& s) {
    return {{"row_mm", s.row_mm}, {"col_mm", s.col_mm}, {"type", s.type}};
}

PixelSpacing pixel_spacing_from_json(const nlohmann::json& v, const std::string& what, const std::string& path) {
    auto fail = [&](const std::string& field, const std::string& problem) {
        throw Error(what + ": '" + path + field + "' " + problem);
    };
    if (!v.is_object()) fail("", "must be an object");
    auto number = [&](const char* key) {
        const auto it = v.find(key);
        if (it == v.end() || !it->is_number()) fail(std::string(".") + key, "must be a number");
        const double d = it->get<double>();
        if (!(d > 0 && d < 1000)) fail(std::string(".") + key, "must be between 0 and 1000 mm");
        return d;
    };
    PixelSpacing s;
    s.row_mm = number("row_mm");
    s.col_mm = number("col_mm");
    const auto type = v.find("type");
    if (type == v.end() || !type->is_string()) fail(".type", "must be a string");
    s.type = type->get<std::string>();
    static const char* const kTypes[] = {"detector", "estimated", "calibrated", "unknown", "user"};
    if (std::find(std::begin(kTypes), std::end(kTypes), s.type) == std::end(kTypes))
        fail(".type", "is '" + excerpt(s.type) + "', expected detector, estimated, calibrated, unknown or user");
    return s;
}

}  // namespace keybot
