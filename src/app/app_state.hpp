#pragma once
// What the annotator knows, independent of drawing: the images of this session (each with its annotation
// document and undo history, display settings, view and "done" mark), which one is open, and the last error.
// Loading never throws and never loses work: a bad file only records an error; the open images stay.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "keybot/core/decoded_image.hpp"
#include "keybot/core/document.hpp"
#include "keybot/core/geometry.hpp"
#include "keybot/core/image.hpp"
#include "review_state.hpp"

namespace keybot::app {

struct LoadedImage {
    std::string name;        // file name shown to the user
    Image image;             // as decoded: values 0..255 (8-bit) or 0..65535 (16-bit)
    int bit_depth = 8;
    float min_value = 0.0f;  // data range in stored units (the initial display window)
    float max_value = 0.0f;
    ImageInfo info;          // size; for DICOM the pixel spacing and UIDs (the document's ImageInfo)
    std::string notice;      // e.g. a multi-frame DICOM: only the first frame is shown
    std::shared_ptr<const DicomImage> dicom;  // DICOM: modality values and grey-level attributes
};

// Display mapping in normalized units (stored value / image.max_value): low -> black, high -> white.
struct DisplaySettings {
    float window_low = 0.0f;
    float window_high = 1.0f;
    bool invert = false;
    int voi_preset = 0;  // DICOM: which of the file's VOI presets renders the shown pixels (dicom.hpp)
};

// DICOM: the effective window of `display` in the file's own (modality) units, when the preset is a window
// or the full range; false for a VOI LUT (no linear window to speak of) or a non-DICOM image.
bool window_in_file_units(const LoadedImage& loaded, const DisplaySettings& display, double* center, double* width);

// The full data range of an image, not inverted (what an image opens with, and the display's Reset); a flat
// image gets a one-step window. DICOM: [0,1] of the VOI preset's output, i.e. the file's own window.
DisplaySettings full_range(const LoadedImage& loaded);

// Pan/zoom of one image, kept while another image is shown.
struct SavedView {
    bool valid = false;
    bool fitted = true;
    double zoom = 1.0;
    Point center;
};

constexpr std::size_t kMaxFileBytes = 200u * 1024u * 1024u;  // larger files are refused before decoding
// The user-facing refusal of a file of `size` bytes, or "" when it is not too large (the page asks before
// copying the bytes into wasm memory: keybot_file_size_error).
std::string file_size_error(std::size_t size, const std::string& name);

// One image of the session.
struct ImageEntry {
    std::uint64_t id = 0;               // unique within the session
    std::string key;                    // autosave key: content hash + name (stable across sessions)
    std::string name;
    std::string source_path;            // native: where it was opened from (exports go next to it); may be empty
    std::vector<std::uint8_t> bytes;    // the encoded file (re-decoding, autosave)
    int width = 0, height = 0, bit_depth = 8;
    std::unique_ptr<LoadedImage> loaded;  // decoded pixels: only while this image is the open one
    std::unique_ptr<Document> doc;
    bool has_points = false;            // a prediction or an imported/restored annotation exists
    bool done = false;                  // marked done by the user
    DisplaySettings display;
    SavedView view;
    int selected = -1;                  // selected point
    unsigned changes = 0;               // increases on every change of doc / done (autosave, API)
    unsigned saved_changes = ~0u;       // `changes` when last autosaved (~0: never)
    double changed_ms = 0.0;            // when `changes` last increased (autosave debounce)
    // Inference: the model input (engine::PreparedImage, made on first use) and the newest run in flight.
    std::shared_ptr<const void> prepared;
    std::uint64_t pending_ticket = 0;   // 0 = none; results of older tickets are dropped (superseded)
    std::vector<AnnotatedPoint> preview;  // shown while a correction runs: the document plus the user's edit
    // The refiner's heatmap summary from the model run that produced the current points (teaching overlay);
    // empty when the points came from elsewhere (undo, import, restore) or the model has no heatmaps.
    std::vector<float> heatmap;           // heatmap_rows * heatmap_cols values in [0,1], tiling the whole image
    int heatmap_cols = 0, heatmap_rows = 0;
    unsigned heatmap_generation = 0;      // increases whenever `heatmap` changes (texture upload)
    ReviewState review;                   // reference to compare with, practice mode (never saved with the document)
    const std::vector<AnnotatedPoint>& shown_points() const { return pending_ticket && !preview.empty() ? preview : doc->points(); }
};

// Reviewed = the user has placed or confirmed the point. An image counts as done when the user marks it done
// (D / checkbox); marking done is offered once every point is reviewed or the user decides so.
bool is_reviewed(const AnnotatedPoint& p);
int reviewed_count(const ImageEntry& entry);
int flagged_count(const ImageEntry& entry);
// The refiner's heatmap summary of the entry's points (cols x rows values); one that does not fit the size, or an
// empty one, clears it.
void set_heatmap(ImageEntry& entry, std::vector<float> values, int cols, int rows);

class AppState {
public:
    // Decodes an image from memory and adds it to the session (opening it). The same file (same content and
    // name) opened again just switches to it. On failure keeps everything as it was, records a user-facing
    // error and returns false; never throws. `annotation_json` (optional): restore this annotation (autosave
    // wrapper or plain document JSON) instead of predicting.
    bool load_image(const std::uint8_t* data, std::size_t size, const std::string& name,
                    const std::string& annotation_json = {}, const std::string& source_path = {});
    // Native only: reads the file, then load_image().
    bool load_image_file(const std::string& path);

    const LoadedImage* image() const;
    // Increases whenever the shown pixels change (load, switching images): the renderer re-uploads then.
    unsigned image_generation() const { return image_generation_; }

    ImageEntry* active() { return active_ >= 0 ? entries_[active_].get() : nullptr; }
    const ImageEntry* active() const { return active_ >= 0 ? entries_[active_].get() : nullptr; }
    int active_index() const { return active_; }
    int image_count() const { return int(entries_.size()); }
    ImageEntry& entry(int i) { return *entries_[i]; }
    const ImageEntry& entry(int i) const { return *entries_[i]; }
    ImageEntry* find(std::uint64_t id);
    // Switches to image i (decodes it; frees the previous one's pixels). False (with an error) on failure.
    bool select(int i);
    // Removes every image (the caller clears the autosave).
    void clear();
    int done_count() const;

    DisplaySettings& display();
    const DisplaySettings& display() const;
    // DICOM: renders the open image through VOI preset `preset` (window reset to it, as the file shows it).
    // False (error recorded) for a non-DICOM image or an index out of range.
    bool set_voi_preset(int preset);

    const std::string& error() const { return error_; }
    unsigned error_count() const { return error_count_; }
    void clear_error() { error_.clear(); }
    void set_error(const std::string& message);
    // A short non-error notice (e.g. "Restored 3 images"), shown in the status bar.
    const std::string& notice() const { return notice_; }
    void set_notice(const std::string& text) { notice_ = text; }

    // Every change of an entry's points, spacing or done mark goes through here: it is counted (autosave, API
    // listeners) and timed at `now_ms` (autosave debounce). When `points_moved`, the heatmap goes with the points
    // it belonged to (a model run sets its own after this).
    void touch(ImageEntry& entry, double now_ms, bool points_moved);
    unsigned changes() const { return changes_; }

private:
    std::vector<std::unique_ptr<ImageEntry>> entries_;
    int active_ = -1;
    std::uint64_t next_id_ = 1;
    unsigned image_generation_ = 0;
    unsigned changes_ = 0;
    DisplaySettings no_display_;
    std::string error_, notice_;
    unsigned error_count_ = 0;
};

// "name" from "/some/dir/name" (either slash).
std::string base_name(const std::string& path);
// 64-bit FNV-1a of the bytes as 16 hex digits.
std::string content_hash(const std::uint8_t* data, std::size_t size);

// Autosave wrapper: {"keybot_autosave":1,"name","done","has_points","annotation":{document JSON},
// "history":{"undo":[...],"redo":[...]}} with the last kAutosaveHistory undo and redo states each, with their
// pixel spacing where it differs from the annotation's (a crash or a reload keeps the undo steps, calibrations
// included; about 3 KB per state).
constexpr std::size_t kAutosaveHistory = 50;
std::string autosave_json(const ImageEntry& entry);
// Restores doc/done/has_points from an autosave wrapper or a plain document JSON; throws keybot::Error.
void restore_autosave(ImageEntry& entry, const std::string& text);

}  // namespace keybot::app
