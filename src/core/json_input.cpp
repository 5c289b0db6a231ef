#include "json_input.hpp"

#include "keybot/core/error.hpp"

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
