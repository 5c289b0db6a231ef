#pragma once
// Annotation editing on the open image: predictions, user corrections through the revision pipeline (one undo
// step each; user points never move), confirm, undo/redo, flagged-point navigation, done marks, import/export.
// Model runs are started and applied by App::runs (model_runs.hpp), autosave is App::autosaver (autosaver.hpp).
// The UI, the JS API and the native --script runner reach these through the command table (commands.hpp); the
// main loop calls poll().
#include <cstdint>
#include <string>

#include "keybot/core/geometry.hpp"
#include "keybot/core/spacing.hpp"

namespace keybot::app {

struct App;
struct ImageEntry;

// Opening images: adds the image and restores its autosaved annotation if there is one (native). The first
// prediction starts from poll() once the models are ready.
bool open_image_bytes(App& app, const std::uint8_t* data, std::size_t size, const std::string& name,
                      const std::string& annotation_json = {});
bool open_image_file(App& app, const std::string& path);
// Reopens the images of the last saved session (desktop; the browser restores from JS); returns how many.
int restore_saved_session(App& app);

// A user correction of point `index` of the open image to `position` (image px): the point becomes user_placed
// (or `confirmed` -> user_confirmed), the pipeline revises the others, and the whole result lands in the
// document as ONE undo step. Returns the ticket (0 when refused: no image / bad index; error recorded).
std::uint64_t correct_point(App& app, int index, Point position, bool confirmed = false);
std::uint64_t nudge_selected(App& app, double dx, double dy);
// A user placement without the models (practice mode): point `index` becomes user_placed at `position` (kept
// inside the image) and is selected; one undo step; the other points stay as they are. False (error recorded)
// for a bad index or no image.
bool place_point(App& app, int index, Point position);
// Runs the models on the open image without the user's points as hints; the result is kept as
// ImageEntry::review.prediction (not in the document). Returns the ticket (the run already in flight, if one
// is), 0 when the models cannot run (error recorded).
std::uint64_t predict_reference(App& app);
// Marks the point reviewed as it is (user_confirmed). One undo step; no model run.
bool confirm_point(App& app, int index);
// A new pixel spacing for the open image (a calibration, or the file's own back): one undo step, autosaved like
// an edit; the points and their heatmap stay. Throws keybot::Error for a spacing the document refuses.
void set_spacing(App& app, const PixelSpacing& spacing);
// Runs the pipeline again on the current points (user points kept). One undo step.
std::uint64_t repredict(App& app);
bool undo(App& app);
bool redo(App& app);
// Selects the next flagged point after the selected one (wrapping) and centres the view on it; -1 if none.
int next_flagged(App& app);
// The same for the next point not yet reviewed (neither placed nor confirmed by the user).
int next_unreviewed(App& app);
void select_point(App& app, int index);
void set_done(App& app, int image, bool done);
bool select_image(App& app, int image);

// Once per frame: applies finished runs, starts the first prediction of the open image, autosaves.
void poll(App& app);
// Nothing more will happen by itself: no run in flight, and the open image has its points unless the models
// cannot give them (failed; natively also none). keybot.whenIdle() and the script's `wait` wait for this.
bool settled(const App& app);

// Formats: "json" (KeyBot document), "aasce" (landmarks.csv row), "aasce-filenames" (filenames.csv row),
// "coco". Throws keybot::Error (no image, no points, unknown format).
std::string export_annotation(const App& app, const std::string& format);
// Imports KeyBot JSON / COCO JSON / an AASCE row into the open image as one undo step. Records the error.
bool import_annotation_text(App& app, const std::string& text);

}  // namespace keybot::app
