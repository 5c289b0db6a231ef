#include "app_state.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <new>
#include <utility>

#include <nlohmann/json.hpp>

#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/core/spacing_json.hpp"

namespace keybot::app {

namespace {

std::unique_ptr<LoadedImage> make_loaded_image(Image image, const std::string& name) {
    auto loaded = std::make_unique<LoadedImage>();
    loaded->name = name;
    loaded->bit_depth = image.max_value > 255.0f ? 16 : 8;
    const auto [lo, hi] = std::minmax_element(image.pixels.begin(), image.pixels.end());
    loaded->min_value = *lo;
    loaded->max_value = *hi;
    loaded->image = std::move(image);
    return loaded;
}

std::unique_ptr<LoadedImage> decode(const std::vector<std::uint8_t>& bytes, const std::string& name) {
    DecodedImage decoded = decode_image_with_info(bytes.data(), bytes.size(), name);
    if (decoded.image.empty()) throw Error("the file contains no pixels");
    auto loaded = make_loaded_image(std::move(decoded.image), name);
    loaded->info = std::move(decoded.info);
    loaded->notice = std::move(decoded.notice);
    loaded->dicom = std::move(decoded.dicom);
    return loaded;
}

// A DICOM image shown through VOI preset `preset` (its pixels and data range); name, info and file kept.
std::unique_ptr<LoadedImage> through_preset(const LoadedImage& from, int preset) {
    auto loaded = make_loaded_image(apply_voi(*from.dicom, preset), from.name);
    loaded->info = from.info;
    loaded->dicom = from.dicom;
    return loaded;
}

std::string megabytes(std::size_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f MB", double(bytes) / (1024.0 * 1024.0));
    return buf;
}

}  // namespace

std::string file_size_error(std::size_t size, const std::string& name) {
    if (size <= kMaxFileBytes) return {};
    return "Could not open \"" + name + "\": the file is " + megabytes(size) + "; KeyBot opens files up to " +
           megabytes(kMaxFileBytes);
}

DisplaySettings full_range(const LoadedImage& loaded) {
    DisplaySettings d;
    if (loaded.dicom) return d;  // the shown pixels are already the VOI's output: all of [0,1], as the file says
    const float scale = loaded.image.max_value;
    d.window_low = loaded.min_value / scale;
    d.window_high = std::max(loaded.max_value, loaded.min_value + 1.0f) / scale;
    return d;
}

bool is_reviewed(const AnnotatedPoint& p) {
    return p.provenance == Provenance::user_placed || p.provenance == Provenance::user_confirmed;
}

int reviewed_count(const ImageEntry& e) {
    if (!e.doc || !e.has_points) return 0;
    return int(std::count_if(e.doc->points().begin(), e.doc->points().end(), is_reviewed));
}

int flagged_count(const ImageEntry& e) {
    if (!e.doc || !e.has_points) return 0;
    return int(std::count_if(e.doc->points().begin(), e.doc->points().end(),
                             [](const AnnotatedPoint& p) { return p.provenance == Provenance::flagged; }));
}

void set_heatmap(ImageEntry& e, std::vector<float> values, int cols, int rows) {
    if (values.empty() && e.heatmap.empty()) return;
    const bool fits = cols > 0 && rows > 0 && values.size() == std::size_t(cols) * rows;
    e.heatmap = fits ? std::move(values) : std::vector<float>{};
    e.heatmap_cols = fits ? cols : 0;
    e.heatmap_rows = fits ? rows : 0;
    ++e.heatmap_generation;
}

void AppState::touch(ImageEntry& entry, double now_ms, bool points_moved) {
    ++entry.changes;
    ++changes_;
    entry.changed_ms = now_ms;
    if (points_moved) set_heatmap(entry, {}, 0, 0);
}

bool AppState::load_image(const std::uint8_t* data, std::size_t size, const std::string& name,
                          const std::string& annotation_json, const std::string& source_path) {
    const std::string shown = name.empty() ? std::string("(unnamed)") : name;
    try {
        if (const std::string too_large = file_size_error(size, shown); !too_large.empty()) {
            set_error(too_large);
            return false;
        }
        std::vector<std::uint8_t> bytes(data, data + size);
        const std::string key = content_hash(data, size) + "-" + shown;
        for (int i = 0; i < image_count(); ++i) {
            if (entries_[i]->key == key && entries_[i]->bytes == bytes) {
                if (!select(i)) return false;
                error_.clear();
                return true;
            }
        }
        auto loaded = decode(bytes, shown);
        auto entry = std::make_unique<ImageEntry>();
        entry->id = next_id_++;
        entry->key = key;
        entry->name = shown;
        entry->source_path = source_path;
        entry->width = loaded->image.width;
        entry->height = loaded->image.height;
        entry->bit_depth = loaded->bit_depth;
        entry->display = full_range(*loaded);
        ImageInfo info = loaded->info;  // DICOM: spacing and UIDs
        info.file_name = shown;
        entry->doc = std::make_unique<Document>(aasce_spine(), info);
        if (!loaded->notice.empty()) set_notice(loaded->notice);
        if (!annotation_json.empty()) {
            try {
                restore_autosave(*entry, annotation_json);
            } catch (const std::exception& e) {
                set_error("The saved annotation of \"" + shown + "\" could not be restored (" + e.what() +
                          "); the image is open without it.");
            }
        }
        entry->bytes = std::move(bytes);
        if (ImageEntry* previous = active()) {
            previous->loaded.reset();  // only the open image keeps its pixels
        }
        entry->loaded = std::move(loaded);
        entries_.push_back(std::move(entry));
        active_ = image_count() - 1;
        ++image_generation_;
        ++changes_;
        if (annotation_json.empty()) error_.clear();
        return true;
    } catch (const std::bad_alloc&) {
        set_error("Could not open \"" + shown + "\": not enough memory for this image.");
    } catch (const std::exception& e) {
        set_error("Could not open \"" + shown + "\": " + e.what());
    }
    return false;
}

bool AppState::load_image_file(const std::string& path) {
    try {
        const auto bytes = read_file_bytes(path);
        return load_image(bytes.data(), bytes.size(), base_name(path), {}, path);
    } catch (const std::exception& e) {
        set_error(e.what());
        return false;
    }
}

const LoadedImage* AppState::image() const {
    const ImageEntry* e = active();
    return e ? e->loaded.get() : nullptr;
}

ImageEntry* AppState::find(std::uint64_t id) {
    for (auto& e : entries_)
        if (e->id == id) return e.get();
    return nullptr;
}

bool window_in_file_units(const LoadedImage& loaded, const DisplaySettings& d, double* center, double* width) {
    if (!loaded.dicom) return false;
    const DicomInfo& info = loaded.dicom->info;
    if (d.voi_preset < 0 || d.voi_preset >= int(info.voi_presets.size())) return false;
    const VoiPreset& p = info.voi_presets[d.voi_preset];
    double c, w;
    if (p.kind == VoiPreset::Kind::window) {
        c = p.center;
        w = p.width;
    } else if (p.kind == VoiPreset::Kind::full_range) {
        c = 0.5 * (info.range_low + info.range_high);
        w = info.range_high - info.range_low;
    } else {
        return false;
    }
    // The shown pixels hold the preset's output in [0,1] (inverted for MONOCHROME1): low..high of the display
    // window cover that share of the preset's window.
    double lo = d.window_low, hi = d.window_high;
    if (info.inverted) {
        lo = 1.0 - d.window_high;
        hi = 1.0 - d.window_low;
    }
    *width = w * (hi - lo);
    *center = c - 0.5 * w + w * 0.5 * (lo + hi);
    return true;
}

bool AppState::set_voi_preset(int preset) {
    ImageEntry* e = active();
    if (!e || !e->loaded || !e->loaded->dicom) {
        set_error("VOI presets apply to DICOM images only.");
        return false;
    }
    const DicomImage& dicom = *e->loaded->dicom;
    if (preset < 0 || preset >= int(dicom.info.voi_presets.size())) {
        set_error("This DICOM file has " + std::to_string(dicom.info.voi_presets.size()) + " VOI presets (0.." +
                  std::to_string(int(dicom.info.voi_presets.size()) - 1) + ").");
        return false;
    }
    e->loaded = through_preset(*e->loaded, preset);
    e->display = full_range(*e->loaded);
    e->display.voi_preset = preset;
    ++image_generation_;
    return true;
}

bool AppState::select(int i) {
    if (i < 0 || i >= image_count()) return false;
    if (i == active_) return true;
    ImageEntry& next = *entries_[i];
    try {
        if (!next.loaded) {
            next.loaded = decode(next.bytes, next.name);
            if (next.loaded->dicom && next.display.voi_preset != 0)  // the preset this image was shown with
                next.loaded = through_preset(*next.loaded, next.display.voi_preset);
        }
    } catch (const std::bad_alloc&) {
        set_error("Could not show \"" + next.name + "\": not enough memory.");
        return false;
    } catch (const std::exception& e) {
        set_error("Could not show \"" + next.name + "\": " + e.what());
        return false;
    }
    if (ImageEntry* previous = active()) previous->loaded.reset();
    active_ = i;
    ++image_generation_;
    ++changes_;
    return true;
}

void AppState::clear() {
    entries_.clear();
    active_ = -1;
    ++image_generation_;
    ++changes_;
}

int AppState::done_count() const {
    return int(std::count_if(entries_.begin(), entries_.end(), [](const auto& e) { return e->done; }));
}

DisplaySettings& AppState::display() { return active() ? active()->display : no_display_; }
const DisplaySettings& AppState::display() const { return active() ? active()->display : no_display_; }

void AppState::set_error(const std::string& message) {
    error_ = message;
    ++error_count_;
    std::fprintf(stderr, "keybot: %s\n", message.c_str());
}

std::string base_name(const std::string& path) {
    const auto slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string content_hash(const std::uint8_t* data, std::size_t size) {
    std::uint64_t h = 1469598103934665603ull;
    for (std::size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ull;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

namespace {

// Undo/redo states in the autosave, compactly: [[x, y, "provenance", error_probability], ...] per state, or
// {"points": [...], "pixel_spacing": {"row_mm", "col_mm", "type"} | null} for a state whose spacing differs
// from the annotation's (before or after a calibration). Older autosaves hold only the first form: their
// states all have the annotation's spacing.
nlohmann::json spacing_json(const PixelSpacing& s) { return s.known() ? pixel_spacing_json(s) : nullptr; }

PixelSpacing spacing_from_json(const nlohmann::json& j) {
    return j.is_null() ? PixelSpacing{} : pixel_spacing_from_json(j, "the autosave's history", "pixel_spacing");
}

nlohmann::json history_json(const Document::History& stack, const PixelSpacing& current) {
    nlohmann::json out = nlohmann::json::array();
    const std::size_t first = stack.size() > kAutosaveHistory ? stack.size() - kAutosaveHistory : 0;
    for (std::size_t i = first; i < stack.size(); ++i) {
        nlohmann::json points = nlohmann::json::array();
        for (const AnnotatedPoint& p : stack[i].points) points.push_back({p.x, p.y, to_string(p.provenance), p.error_probability});
        if (stack[i].spacing == current) out.push_back(std::move(points));
        else out.push_back({{"points", std::move(points)}, {"pixel_spacing", spacing_json(stack[i].spacing)}});
    }
    return out;
}

Document::History history_from_json(const nlohmann::json& j, const PixelSpacing& current) {
    if (!j.is_array()) throw Error("the autosave's history is not a list");
    Document::History out;
    for (const auto& entry : j) {
        const bool with_spacing = entry.is_object() && entry.contains("points") && entry.contains("pixel_spacing");
        const nlohmann::json& state = with_spacing ? entry["points"] : entry;
        if (!state.is_array()) throw Error("the autosave's history holds a state that is not a list");
        std::vector<AnnotatedPoint> points;
        for (const auto& p : state) {
            if (!p.is_array() || p.size() != 4 || !p[0].is_number() || !p[1].is_number() || !p[2].is_string() || !p[3].is_number())
                throw Error("the autosave's history holds a malformed point");
            AnnotatedPoint a;
            a.x = p[0].get<double>();
            a.y = p[1].get<double>();
            a.provenance = provenance_from_string(p[2].get<std::string>());
            a.error_probability = p[3].get<double>();
            if (!(a.error_probability >= 0.0 && a.error_probability <= 1.0)) throw Error("the autosave's history holds a bad error probability");
            points.push_back(a);
        }
        out.push_back({std::move(points), with_spacing ? spacing_from_json(entry["pixel_spacing"]) : current});
    }
    return out;
}

}  // namespace

std::string autosave_json(const ImageEntry& e) {
    nlohmann::json root = {{"keybot_autosave", 1}, {"name", e.name}, {"done", e.done}, {"has_points", e.has_points}};
    root["annotation"] = nlohmann::json::parse(to_json(*e.doc));
    const PixelSpacing& spacing = e.doc->image().spacing;
    root["history"] = {{"undo", history_json(e.doc->undo_stack(), spacing)}, {"redo", history_json(e.doc->redo_stack(), spacing)}};
    return root.dump();
}

void restore_autosave(ImageEntry& e, const std::string& text) {
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& err) {
        throw Error(std::string("malformed JSON: ") + err.what());
    }
    bool done = false, has_points = true;
    std::string doc_text = text;
    if (root.is_object() && root.contains("keybot_autosave")) {
        if (!root.contains("annotation") || !root["annotation"].is_object()) throw Error("the autosave has no annotation");
        done = root.value("done", false);
        has_points = root.value("has_points", true);
        doc_text = root["annotation"].dump();
    }
    Document doc = document_from_json(doc_text, aasce_spine());
    if (doc.image().width != e.width || doc.image().height != e.height)
        throw Error("it was made for a " + std::to_string(doc.image().width) + " x " + std::to_string(doc.image().height) + " image");
    // The undo history, when the autosave has one (older autosaves do not): a broken history is dropped, the
    // annotation itself is kept.
    if (root.is_object() && root.contains("history") && root["history"].is_object()) {
        try {
            const auto& h = root["history"];
            const PixelSpacing& spacing = doc.image().spacing;
            doc.restore_history(history_from_json(h.value("undo", nlohmann::json::array()), spacing),
                                history_from_json(h.value("redo", nlohmann::json::array()), spacing));
        } catch (const std::exception&) {
            doc.clear_history();
        }
    }
    e.doc = std::make_unique<Document>(std::move(doc));
    e.done = done;
    e.has_points = has_points;
}

}  // namespace keybot::app
