#pragma once
// The annotation of one image: schema-sized points with provenance and the image's pixel spacing, plus
// whole-state undo/redo.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "keybot/core/geometry.hpp"
#include "keybot/core/schema.hpp"
#include "keybot/core/spacing.hpp"

namespace keybot {

// Who produced a point's current position; drives colouring and review in the annotator.
enum class Provenance { predicted, flagged, model_corrected, user_placed, user_confirmed };

const char* to_string(Provenance p);
Provenance provenance_from_string(const std::string& text);  // throws keybot::Error for unknown names

struct AnnotatedPoint {
    double x = 0.0;  // original-image pixels
    double y = 0.0;
    Provenance provenance = Provenance::predicted;
    double error_probability = 0.0;  // model's estimate that this point is wrong, in [0,1]
};
bool operator==(const AnnotatedPoint& a, const AnnotatedPoint& b);
inline bool operator!=(const AnnotatedPoint& a, const AnnotatedPoint& b) { return !(a == b); }

struct ImageInfo {
    ImageInfo(std::string name = {}, int w = 0, int h = 0) : file_name(std::move(name)), width(w), height(h) {}
    std::string file_name;
    int width = 0;
    int height = 0;
    PixelSpacing spacing;  // known for DICOM files with spacing attributes, or after a user calibration
    // DICOM identity, so a result can be matched back to the archive (empty for other formats). Nothing else
    // of a DICOM header is kept: no patient name, ID or birth date.
    std::string study_uid, series_uid, sop_instance_uid;
};
bool operator==(const ImageInfo& a, const ImageInfo& b);

// Every edit stores the complete previous point list (68 points are ~2 KiB) and pixel spacing, so undo restores
// both exactly (a user calibration is undone like a point edit).
class Document {
public:
    // What one undo step restores.
    struct State {
        std::vector<AnnotatedPoint> points;
        PixelSpacing spacing;
        bool operator==(const State& other) const { return points == other.points && spacing == other.spacing; }
    };

    explicit Document(Schema schema, ImageInfo image = {});

    const Schema& schema() const { return schema_; }
    const ImageInfo& image() const { return image_; }
    const std::vector<AnnotatedPoint>& points() const { return points_; }
    const AnnotatedPoint& point(int index) const;

    // Edits: each records one undo step and clears the redo stack. Indices are checked (keybot::Error).
    void set_point(int index, const AnnotatedPoint& point);
    void move_point(int index, double x, double y, Provenance provenance = Provenance::user_placed);
    void set_provenance(int index, Provenance provenance);
    void set_points(std::vector<AnnotatedPoint> points);  // whole set, e.g. a new prediction; size must match
    // A new pixel spacing (a user calibration, or the file's own back); the points stay. Throws keybot::Error
    // for a spacing the document JSON could not load again (see restore_history).
    void set_spacing(const PixelSpacing& spacing);

    bool can_undo() const { return !undo_.empty(); }
    bool can_redo() const { return !redo_.empty(); }
    bool undo();  // false when there is nothing to undo
    bool redo();
    std::size_t undo_depth() const { return undo_.size(); }
    void clear_history();
    // The history itself (oldest first; the last entry is what undo/redo restores next), e.g. for an autosave
    // that survives a crash with its undo steps. restore_history checks every state's size, coordinates and
    // spacing (none, or both sides within (0, 1000) mm; keybot::Error) and replaces both stacks only when all are
    // valid.
    using History = std::vector<State>;
    const History& undo_stack() const { return undo_; }
    const History& redo_stack() const { return redo_; }
    void restore_history(History undo, History redo);

    static constexpr std::size_t kMaxHistory = 1000;  // oldest steps are dropped beyond this

private:
    void check_index(int index) const;
    void commit(State next);
    bool step(History& from, History& to);  // undo / redo: `from`'s newest state becomes the current one

    Schema schema_;
    ImageInfo image_;
    std::vector<AnnotatedPoint> points_;
    History undo_;
    History redo_;
};

// JSON: {"schema_version":1,"schema":name,"image":{"file","width","height"},"points":[{"name","x","y",
// "provenance","error_probability"}...]}. Loading checks everything and throws keybot::Error with the reason.
std::string to_json(const Document& document);
Document document_from_json(const std::string& text, const Schema& expected);
Document document_from_json(const std::string& text);  // schema looked up by name among built-ins

constexpr int kDocumentSchemaVersion = 1;

// Annotation text is refused above this size before any parsing: one image's KeyBot document is ~10 KB, its
// COCO file ~25 KB, so 4 MiB leaves room for other tools' extra fields while a 10 MB paste fails at once.
constexpr std::size_t kMaxAnnotationBytes = 4 * 1024 * 1024;

// Coordinates the readers (KeyBot JSON, COCO, AASCE rows) accept, in units of the image side: points may lie a
// little outside the image, a point at -1e300 is a broken file. With the image size unknown (0) an absolute
// bound applies instead. Non-finite values are never in range.
constexpr double kMinNormalisedCoordinate = -0.5;
constexpr double kMaxNormalisedCoordinate = 1.5;
constexpr double kMaxCoordinateWithoutSize = 1e6;
bool coordinate_in_range(double pixels, int image_side);
// A position a user gives a point (drag, nudge, API, script), moved into the image rectangle
// [0, width-1] x [0, height-1] (no change when the size is unknown): every document the app saves then loads
// again, since the readers refuse points far outside the image. Vertebra corners lie inside the image.
Point keep_inside_image(Point position, const ImageInfo& image);
// Throws keybot::Error "<what>: point P (NAME) has x = V, outside ..." for the first point out of range.
void check_coordinates(const std::vector<AnnotatedPoint>& points, const Schema& schema, const ImageInfo& image,
                       const std::string& what);

}  // namespace keybot
