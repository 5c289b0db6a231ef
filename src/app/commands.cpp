#include "commands.hpp"

#include <SDL_scancode.h>

#include <algorithm>
#include <exception>
#include <sstream>

#include "annotator.hpp"
#include "app.hpp"
#include "calibration.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/core/spacing_json.hpp"
#include "review_actions.hpp"
#include "ui.hpp"

namespace keybot::app {

namespace {

using json = nlohmann::json;
using T = Param::Type;
using K = KeyBinding;

CommandResult ok(json value = nullptr) { return {CommandError::none, {}, std::move(value)}; }
CommandResult fail(CommandError code, std::string message) { return {code, std::move(message), nullptr}; }

// --- Whether a command can run now --------------------------------------------------------------------------
bool always(const App&) { return true; }
bool has_image(const App& app) { return app.state.active() != nullptr; }
bool has_points(const App& app) { return app.state.active() && app.state.active()->has_points; }
bool has_selection(const App& app) { return has_points(app) && app.state.active()->selected >= 0; }
bool has_view(const App& app) { return app.viewer.has_image(); }
constexpr double kKeyZoomStep = 1.25;  // one press of = or -
bool practicing(const App& app) { return has_image(app) && app.state.active()->review.practice; }
// Commands that run the models or point at their results stay off in practice mode (the models are silent).
bool silent_ok(const App& app) { return !practicing(app); }
bool has_points_silent(const App& app) { return has_points(app) && silent_ok(app); }
bool has_selection_silent(const App& app) { return has_selection(app) && silent_ok(app); }

// The precondition's message when a command is refused.
CommandResult refused(const App& app) {
    if (!has_image(app)) return fail(CommandError::no_image, "No image is open.");
    if (practicing(app) && has_points(app))
        return fail(CommandError::wrong_mode, "Practice mode is on: the models stay silent and you place the points "
                                              "(turn practice off for this).");
    if (!has_points(app)) return fail(CommandError::no_points, "\"" + app.state.active()->name + "\" has no points yet.");
    return fail(CommandError::bad_index, "No point is selected.");
}

int point_count(const App& app) { return app.state.active()->doc->schema().size(); }

CommandResult check_point(const App& app, int index) {
    if (index >= 0 && index < point_count(app)) return ok();
    return fail(CommandError::bad_index, "point index " + std::to_string(index) + " is out of range (0.." +
                                             std::to_string(point_count(app) - 1) + ")");
}

// A model run that a command started: its ticket (window.keybot.movePoint waits for it), or the recorded error.
CommandResult ticket_or_error(App& app, std::uint64_t ticket) {
    if (ticket) return ok(ticket);
    return fail(CommandError::failed, app.state.error());
}

CommandResult select_next(App& app, int (*next)(App&), const char* none) {
    const int i = next(app);
    if (i < 0) return fail(CommandError::not_found, none);
    return ok(i);
}

// on|off argument that may be left out: then it toggles `current`.
bool on_off_or_toggle(const json& args, std::size_t at, bool current) {
    return args.size() > at ? args[at].get<bool>() : !current;
}

CommandResult set_overlay(App& app, const json& args) {
    const std::string name = args[0].get<std::string>();
    bool* flag = app.overlays.find(name);
    if (!flag) return fail(CommandError::bad_arguments, "unknown overlay '" + name + "' (quads, cobb, errorProbability, heatmap)");
    *flag = on_off_or_toggle(args, 1, *flag);
    return ok(*flag);
}

CommandResult export_text(App& app, const json& args) {
    const std::string format = args[0].get<std::string>();
    std::string text;
    try {
        text = export_annotation(app, format);
    } catch (const std::exception& e) {
        const bool format_error = format != "json" && format != "aasce" && format != "aasce-filenames" && format != "coco";
        return fail(format_error ? CommandError::bad_format : CommandError::no_points, std::string("Export failed: ") + e.what());
    }
    if (args.size() < 2) return ok(text);
    try {
        write_file_text(args[1].get<std::string>(), text);
    } catch (const std::exception& e) {
        return fail(CommandError::io_failed, std::string("Export failed: ") + e.what());
    }
    return ok(args[1]);
}

// Desktop: reads the annotation file args[0] and hands its text to `use` (import, reference). The browser has
// no paths: `browser_way` says what it offers instead.
CommandResult annotation_file(App& app, const json& args, bool (*use)(App&, const std::string&), const char* browser_way) {
#if defined(__EMSCRIPTEN__)
    (void)app, (void)args, (void)use;
    return fail(CommandError::not_available, browser_way);
#else
    (void)browser_way;
    std::string text;
    try {
        text = read_file_text(args[0].get<std::string>());
    } catch (const std::exception& e) {
        return fail(CommandError::io_failed, e.what());
    }
    if (!use(app, text)) return fail(CommandError::bad_format, app.state.error());
    return ok(true);
#endif
}

CommandResult import_file(App& app, const json& args) {
    return annotation_file(app, args, import_annotation_text, "The browser imports files through keybot.importAnnotation(text).");
}

CommandResult practice_only(const App& app) {
    if (practicing(app)) return ok();
    return fail(CommandError::wrong_mode, "Practice mode is off: turn it on first (practice on).");
}

// A review step that may have started a model run: its ticket (wait for it like movePoint's), or true when done.
CommandResult step_result(App& app, ReviewStep step, CommandError refusal) {
    if (!step.ok) return fail(refusal, app.state.error());
    return step.ticket ? ok(step.ticket) : ok(true);
}

CommandResult calibrate(App& app, const json& a) {
    PixelSpacing s;
    try {
        s = calibrated_spacing({a[0].get<double>(), a[1].get<double>()}, {a[2].get<double>(), a[3].get<double>()},
                               a[4].get<double>(), app.state.active()->doc->image());
    } catch (const std::exception& e) {
        return fail(CommandError::bad_arguments, std::string("Cannot calibrate: ") + e.what() + ". Nothing was changed.");
    }
    set_spacing(app, s);
    return ok(pixel_spacing_json(s));
}

CommandResult open_file(App& app, const json& args) {
#if defined(__EMSCRIPTEN__)
    (void)app, (void)args;
    return fail(CommandError::not_available, "The browser opens images through keybot.loadImageBytes / the file picker.");
#else
    if (!open_image_file(app, args[0].get<std::string>())) return fail(CommandError::io_failed, app.state.error());
    return ok(app.state.active_index());
#endif
}

std::vector<Command> make_table() {
    const K::Mods ctrl = K::ctrl, shift = K::shift, none = K::none;
    std::vector<Command> t;
    // Points -------------------------------------------------------------------------------------------------
    t.push_back({"move", "movePoint", {{"I"}, {"X", T::number}, {"Y", T::number}},
                 "user correction of point I to (X, Y) image px, like a drag ending there; the models revise the others "
                 "(the value is the run's ticket)", true, {}, has_points_silent, [](App& app, const json& a) {
                     if (auto r = check_point(app, a[0]); !r.ok()) return r;
                     return ticket_or_error(app, correct_point(app, a[0], {a[1].get<double>(), a[2].get<double>()}));
                 }});
    std::vector<KeyBinding> arrows;
    const std::pair<int, const char*> dirs[4] = {{SDL_SCANCODE_LEFT, "Left"}, {SDL_SCANCODE_RIGHT, "Right"},
                                                 {SDL_SCANCODE_UP, "Up"}, {SDL_SCANCODE_DOWN, "Down"}};
    for (double step : {1.0, 10.0}) {
        for (int d = 0; d < 4; ++d) {
            const double dx = d == 0 ? -step : d == 1 ? step : 0.0, dy = d == 2 ? -step : d == 3 ? step : 0.0;
            arrows.push_back({dirs[d].first, step > 1 ? shift : none, true, json::array({dx, dy}),
                              std::string(step > 1 ? "Shift+" : "") + dirs[d].second});
        }
    }
    t.push_back({"nudge", "nudge", {{"DX", T::number}, {"DY", T::number}},
                 "move the selected point by (DX, DY) px: a correction like a drag", true, arrows, has_selection_silent,
                 [](App& app, const json& a) {
                     return ticket_or_error(app, nudge_selected(app, a[0].get<double>(), a[1].get<double>()));
                 }});
    t.push_back({"select", "selectPoint", {{"I"}}, "select point I (-1: none; in practice: the point to place next)",
                 false, {}, [](const App& app) { return has_points(app) || practicing(app); },
                 [](App& app, const json& a) {
                     if (a[0] != -1)
                         if (auto r = check_point(app, a[0]); !r.ok()) return r;
                     select_point(app, a[0]);
                     return ok(a[0]);
                 }});
    for (const bool forward : {true, false}) {
        t.push_back({forward ? "select-next" : "select-previous", forward ? "selectNext" : "selectPrevious", {},
                     forward ? "select the next point" : "select the previous point", false,
                     {{SDL_SCANCODE_TAB, forward ? none : shift, false, json::array(), forward ? "Tab" : "Shift+Tab"}},
                     has_points, [forward](App& app, const json&) {
                         ImageEntry& e = *app.state.active();
                         const int n = e.doc->schema().size();
                         e.selected = ((e.selected < 0 ? (forward ? -1 : 0) : e.selected) + (forward ? 1 : n - 1)) % n;
                         return ok(e.selected);
                     }});
    }
    t.push_back({"clear-selection", "clearSelection", {}, "clear the selection", false,
                 {{SDL_SCANCODE_ESCAPE, none, false, json::array(), "Esc"}}, has_image, [](App& app, const json&) {
                     app.state.active()->selected = -1;
                     return ok();
                 }});
    t.push_back({"confirm", "confirmPoint", {{"I", T::integer, true}},
                 "confirm point I (default: the selected one) as it is: user_confirmed, the models never move it", true,
                 {{SDL_SCANCODE_C, none, false, json::array(), "C"}}, has_selection_silent, [](App& app, const json& a) {
                     const int i = a.empty() ? app.state.active()->selected : a[0].get<int>();
                     if (auto r = check_point(app, i); !r.ok()) return r;
                     if (!confirm_point(app, i)) return fail(CommandError::failed, app.state.error());
                     return ok(true);
                 }});
    t.push_back({"next-flagged", "nextFlagged", {}, "select the next flagged point and centre the view on it", false,
                 {{SDL_SCANCODE_N, none, false, json::array(), "N"}}, has_points_silent,
                 [](App& app, const json&) { return select_next(app, next_flagged, "No flagged point is left."); }});
    t.push_back({"next-unreviewed", "nextUnreviewed", {},
                 "select the next point you have not reviewed (placed or confirmed) and centre the view on it", false,
                 {{SDL_SCANCODE_U, none, false, json::array(), "U"}}, has_points_silent,
                 [](App& app, const json&) { return select_next(app, next_unreviewed, "Every point is reviewed."); }});
    t.push_back({"undo", "undo", {}, "undo the last change of the open image (a correction still running is dropped)", false,
                 {{SDL_SCANCODE_Z, ctrl, true, json::array(), "Ctrl+Z"}}, has_image, [](App& app, const json&) {
                     return undo(app) ? ok(true) : fail(CommandError::nothing_to_undo, "Nothing to undo.");
                 }});
    t.push_back({"redo", "redo", {}, "redo what undo took back", false,
                 {{SDL_SCANCODE_Z, ctrl | shift, true, json::array(), "Ctrl+Shift+Z"},
                  {SDL_SCANCODE_Y, ctrl, true, json::array(), "Ctrl+Y"}},
                 has_image, [](App& app, const json&) {
                     return redo(app) ? ok(true) : fail(CommandError::nothing_to_redo, "Nothing to redo.");
                 }});
    t.push_back({"predict", "predict", {}, "run the models again on the open image (your points are kept)", true, {},
                 [](const App& app) { return has_image(app) && app.inference.ready() && silent_ok(app); },
                 [](App& app, const json&) {
                     const std::uint64_t ticket = repredict(app);
                     return ticket ? ok(ticket) : fail(CommandError::no_models, app.state.error());
                 }});
    // Images ---------------------------------------------------------------------------------------------------
    t.push_back({"open", "", {{"PATH", T::text}}, "open an image file (desktop)", false, {}, always, open_file});
    t.push_back({"select-image", "selectImage", {{"I"}}, "show image I of the session", false, {}, has_image,
                 [](App& app, const json& a) {
                     if (a[0] < 0 || a[0] >= app.state.image_count())
                         return fail(CommandError::bad_index, "image index " + a[0].dump() + " is out of range");
                     return select_image(app, a[0]) ? ok(a[0]) : fail(CommandError::failed, app.state.error());
                 }});
    for (const bool forward : {true, false}) {
        t.push_back({forward ? "next-image" : "previous-image", forward ? "nextImage" : "previousImage", {},
                     forward ? "show the next image of the session" : "show the previous image of the session", false,
                     {{forward ? SDL_SCANCODE_PAGEDOWN : SDL_SCANCODE_PAGEUP, none, false, json::array(),
                       forward ? "Page Down" : "Page Up"}},
                     has_image, [forward](App& app, const json&) {
                         const int i = std::clamp(app.state.active_index() + (forward ? 1 : -1), 0, app.state.image_count() - 1);
                         return select_image(app, i) ? ok(i) : fail(CommandError::failed, app.state.error());
                     }});
    }
    t.push_back({"done", "", {{"on|off", T::on_off, true}}, "mark the open image done / not done (no argument: toggle)",
                 false, {{SDL_SCANCODE_D, none, false, json::array(), "D"}}, has_image, [](App& app, const json& a) {
                     const bool done = on_off_or_toggle(a, 0, app.state.active()->done);
                     set_done(app, app.state.active_index(), done);
                     return ok(done);
                 }});
    t.push_back({"set-done", "setDone", {{"I"}, {"on|off", T::on_off}}, "mark image I done / not done", false, {},
                 has_image, [](App& app, const json& a) {
                     if (a[0] < 0 || a[0] >= app.state.image_count())
                         return fail(CommandError::bad_index, "image index " + a[0].dump() + " is out of range");
                     set_done(app, a[0], a[1]);
                     return ok(a[1]);
                 }});
    t.push_back({"new-session", "newSession", {}, "close every image and forget the autosaved session", false, {}, always,
                 [](App& app, const json&) {
                     app.autosaver.clear();
                     app.state.clear();
                     app.viewer.clear();
                     return ok();
                 }});
    // Annotation files ----------------------------------------------------------------------------------------
    t.push_back({"export", "", {{"FORMAT", T::text}, {"PATH", T::text, true}},
                 "the open image's annotation as json | aasce | aasce-filenames | coco: the text, or written to PATH",
                 false, {}, has_points, export_text});
    t.push_back({"export-file", "", {{"FORMAT", T::text}},
                 "save the annotation as FORMAT: a download in the browser, files next to the image on the desktop", false,
                 {}, has_points, [](App& app, const json& a) {
                     const unsigned errors = app.state.error_count();
                     export_to_file(app, a[0]);
                     if (app.state.error_count() != errors) return fail(CommandError::failed, app.state.error());
                     return ok(app.state.notice());
                 }});
    t.push_back({"import", "", {{"PATH", T::text}}, "import an annotation file into the open image (desktop)", true, {},
                 has_image, import_file});
    t.push_back({"import-text", "", {{"TEXT", T::text}},
                 "import KeyBot JSON, COCO JSON or an AASCE row into the open image (one undo step)", true, {}, has_image,
                 [](App& app, const json& a) {
                     if (!import_annotation_text(app, a[0])) return fail(CommandError::bad_format, app.state.error());
                     return ok(true);
                 }});
    // Review: compare with a reference, practice ---------------------------------------------------------------
    t.push_back({"select-named", "selectNamed", {{"NAME", T::text}},
                 "select a point by its name (T7_top_left) or label (T7 top-left); in practice: the point to place next",
                 false, {}, [](const App& app) { return has_points(app) || practicing(app); }, [](App& app, const json& a) {
                     const int i = find_point_by_name(app.state.active()->doc->schema(), a[0]);
                     if (i < 0) return fail(CommandError::bad_index, "no point is named '" + a[0].get<std::string>() + "'");
                     app.state.active()->selected = i;
                     return ok(i);
                 }});
    t.push_back({"compare-load", "compareLoad", {{"TEXT", T::text}},
                 "compare the open image's points with a reference: KeyBot JSON, COCO JSON or an AASCE row (never edited)",
                 false, {}, has_image, [](App& app, const json& a) {
                     if (!load_reference_text(app, a[0])) return fail(CommandError::bad_format, app.state.error());
                     return ok(true);
                 }});
    t.push_back({"compare-load-file", "", {{"PATH", T::text}}, "compare with a reference file (desktop)", false, {},
                 has_image, [](App& app, const json& a) {
                     return annotation_file(app, a, load_reference_text, "The browser loads a reference through keybot.compareLoad(text).");
                 }});
    t.push_back({"compare-use-prediction", "compareUsePrediction", {},
                 "compare with the models' own prediction of the open image (true, or the ticket of the run)", false, {},
                 has_image, [](App& app, const json&) {
                     return step_result(app, use_prediction_as_reference(app), CommandError::no_models);
                 }});
    t.push_back({"compare-clear", "compareClear", {}, "stop comparing: forget the reference", false, {}, has_image,
                 [](App& app, const json&) {
                     clear_reference(app);
                     return ok();
                 }});
    t.push_back({"compare-tolerance", "compareTolerance", {{"PX", T::number}},
                 "list the points farther than PX image px from the reference", false, {}, always, [](App& app, const json& a) {
                     if (!set_tolerance(app, a[0].get<double>())) return fail(CommandError::bad_arguments, app.state.error());
                     return ok(app.review_tolerance);
                 }});
    t.push_back({"compare-report", "compareReport", {},
                 "the comparison as JSON: reference, tolerance, practice progress, mean / max distance, points over "
                 "tolerance, Cobb angles of both",
                 false, {}, has_image, [](App& app, const json&) { return ok(review_json(*app.state.active(), app.review_tolerance)); }});
    t.push_back({"practice", "practice", {{"on|off", T::on_off, true}},
                 "practice mode (no argument: toggle): the models stay silent, the app names the next point to place",
                 false, {}, has_image, [](App& app, const json& a) {
                     const bool on = on_off_or_toggle(a, 0, app.state.active()->review.practice);
                     set_practice(app, on);
                     return ok(on);
                 }});
    t.push_back({"practice-place", "practicePlace", {{"X", T::number}, {"Y", T::number}},
                 "practice: place the target point at (X, Y) image px, then target the next (the value: the placed index)",
                 true, {}, has_image, [](App& app, const json& a) {
                     if (auto r = practice_only(app); !r.ok()) return r;
                     const int placed = practice_place(app, {a[0].get<double>(), a[1].get<double>()});
                     return placed >= 0 ? ok(placed) : fail(CommandError::bad_index, app.state.error());
                 }});
    t.push_back({"practice-check", "practiceCheck", {},
                 "practice: reveal the reference (the loaded one, else the models' prediction) and the score (true, or "
                 "the ticket of the models' run)",
                 false, {}, has_image, [](App& app, const json&) {
                     if (auto r = practice_only(app); !r.ok()) return r;
                     const ImageEntry& e = *app.state.active();
                     const int total = e.doc->schema().size(), placed = e.has_points ? placed_count(e.doc->points()) : 0;
                     if (placed < total)
                         return fail(CommandError::incomplete, "Place every point first: " + std::to_string(total - placed) +
                                                                   " of " + std::to_string(total) + " are left.");
                     return step_result(app, practice_check(app), CommandError::no_models);
                 }});
    // View and display ----------------------------------------------------------------------------------------
    t.push_back({"fit", "fit", {}, "fit the image into the view", false, {{SDL_SCANCODE_F, none, false, json::array(), "F"}},
                 has_view, [](App& app, const json&) {
                     app.viewer.fit();
                     return ok();
                 }});
    t.push_back({"view", "setView", {{"ZOOM", T::number}, {"X", T::number}, {"Y", T::number}},
                 "zoom (screen px per image px) with image point (X, Y) at the centre", false, {}, has_view,
                 [](App& app, const json& a) {
                     app.viewer.set_view(a[0].get<double>(), {a[1].get<double>(), a[2].get<double>()});
                     return ok();
                 }});
    t.push_back({"zoom", "zoom", {{"FACTOR", T::number}, {"X", T::number, true}, {"Y", T::number, true}},
                 "multiply the zoom by FACTOR (1/64..64), keeping image point (X, Y) where it is on screen (default: the "
                 "view's centre); the mouse wheel zooms at the cursor",
                 false,
                 {{SDL_SCANCODE_EQUALS, none, false, json::array({kKeyZoomStep}), "="},
                  {SDL_SCANCODE_MINUS, none, false, json::array({1.0 / kKeyZoomStep}), "-"}},
                 has_view, [](App& app, const json& a) {
                     const double factor = a[0].get<double>();
                     if (!(factor >= 1.0 / 64 && factor <= 64.0)) return fail(CommandError::bad_arguments, "FACTOR must be within 1/64..64");
                     if (a.size() == 2) return fail(CommandError::bad_arguments, "give both X and Y, or neither");
                     const Rect& vp = app.viewer.viewport();
                     const Point at = a.size() >= 3 ? app.viewer.image_to_screen({a[1].get<double>(), a[2].get<double>()})
                                                    : Point{vp.x + 0.5 * vp.w, vp.y + 0.5 * vp.h};
                     app.viewer.zoom_at(factor, at);
                     return ok(app.viewer.zoom());
                 }});
    t.push_back({"pan", "pan", {{"DX", T::number}, {"DY", T::number}},
                 "move the image by (DX, DY) screen px; dragging with the middle or right button, or Space + left, pans",
                 false, {}, has_view, [](App& app, const json& a) {
                     app.viewer.pan({a[0].get<double>(), a[1].get<double>()});
                     return ok();
                 }});
    t.push_back({"overlay", "", {{"NAME", T::text}, {"on|off", T::on_off, true}},
                 "switch an overlay (quads, cobb, errorProbability, heatmap); no on|off: toggle", false,
                 {{SDL_SCANCODE_E, none, false, json::array({"errorProbability"}), "E"},
                  {SDL_SCANCODE_H, none, false, json::array({"heatmap"}), "H"}},
                 always, set_overlay});
    t.push_back({"invert", "", {{"on|off", T::on_off, true}}, "invert the display (no argument: toggle)", false,
                 {{SDL_SCANCODE_I, none, false, json::array(), "I"}}, has_image, [](App& app, const json& a) {
                     bool& invert = app.state.display().invert;
                     invert = on_off_or_toggle(a, 0, invert);
                     return ok(invert);
                 }});
    t.push_back({"window", "setWindow", {{"LOW", T::number}, {"HIGH", T::number}},
                 "display window in normalized units (stored value / maximum): LOW black, HIGH white", false, {}, has_image,
                 [](App& app, const json& a) {
                     DisplaySettings& d = app.state.display();
                     d.window_low = float(a[0].get<double>());
                     d.window_high = float(a[1].get<double>());
                     return ok();
                 }});
    t.push_back({"voi-preset", "setVoiPreset", {{"INDEX", T::integer}},
                 "DICOM: show the image through the file's VOI preset INDEX (its windows, then VOI LUTs, then the full range)",
                 false, {}, has_image, [](App& app, const json& a) {
                     const LoadedImage* img = app.state.image();
                     if (!img || !img->dicom) return fail(CommandError::wrong_mode, "VOI presets apply to DICOM images only.");
                     if (!app.state.set_voi_preset(a[0].get<int>())) return fail(CommandError::bad_index, app.state.error());
                     return ok();
                 }});
    t.push_back({"reset-display", "resetDisplay", {}, "the full data range, not inverted (DICOM: the file's default VOI)",
                 false, {}, [](const App& app) { return app.state.image() != nullptr; }, [](App& app, const json&) {
                     if (app.state.image()->dicom) {
                         app.state.set_voi_preset(0);
                         return ok();
                     }
                     app.state.display() = full_range(*app.state.image());
                     return ok();
                 }});
    // Measurement ---------------------------------------------------------------------------------------------
    t.push_back({"calibrate", "calibrate",
                 {{"X1", T::number}, {"Y1", T::number}, {"X2", T::number}, {"Y2", T::number}, {"MM", T::number}},
                 "set the pixel spacing from a line of known length: ends (X1, Y1), (X2, Y2) in image px, MM its real "
                 "length (0..1000 mm); the same in both directions, type user (the value: the spacing)",
                 true, {}, has_image, calibrate});
    t.push_back({"calibrate-clear", "calibrateClear", {},
                 "forget your calibration (one undo step): the file's own spacing (DICOM), else none (the value: the spacing)",
                 true, {}, [](const App& app) { return app.state.image() != nullptr; }, [](App& app, const json&) {
                     if (app.state.active()->doc->image().spacing.type != "user")
                         return fail(CommandError::not_found, "The open image has no calibration of yours to clear.");
                     set_spacing(app, app.state.image()->info.spacing);
                     return ok(pixel_spacing_json(app.state.active()->doc->image().spacing));
                 }});
    return t;
}

// Reads args (a JSON array) as the command's params; the message says what is wrong.
std::string check_args(const Command& c, const json& args) {
    const std::size_t required = std::count_if(c.params.begin(), c.params.end(), [](const Param& p) { return !p.optional; });
    std::string usage = c.name;
    for (const Param& p : c.params) usage += p.optional ? " [" + p.name + "]" : " " + p.name;
    if (!args.is_array() || args.size() < required || args.size() > c.params.size()) return "usage: " + usage;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const json& v = args[i];
        const T type = c.params[i].type;
        const bool good = type == T::integer  ? v.is_number_integer() || (v.is_number() && v.get<double>() == double(v.get<long long>()))
                          : type == T::number ? v.is_number()
                          : type == T::text   ? v.is_string()
                                              : v.is_boolean();
        if (!good) return c.params[i].name + " is not valid (" + v.dump() + "); usage: " + usage;
    }
    return {};
}

// One script word as a JSON value of `type` (null when it is not one).
json from_word(const std::string& word, T type) {
    std::istringstream in(word);
    switch (type) {
        case T::integer: {
            long long v;
            char rest;
            return (in >> v) && !(in >> rest) ? json(v) : json();
        }
        case T::number: {
            double v;
            char rest;
            return (in >> v) && !(in >> rest) ? json(v) : json();
        }
        case T::on_off: return word == "on" || word == "true" ? json(true) : word == "off" || word == "false" ? json(false) : json();
        case T::text: return word;
    }
    return json();
}

}  // namespace

const std::vector<Command>& commands() {
    static const std::vector<Command> table = make_table();
    return table;
}

const Command* find_command(const std::string& name) {
    for (const Command& c : commands())
        if (c.name == name) return &c;
    return nullptr;
}

CommandResult run_command(App& app, const std::string& name, const json& args, Caller caller) {
    const unsigned errors = app.state.error_count();
    CommandResult r;
    const Command* c = find_command(name);
    if (!c) {
        r = fail(CommandError::unknown_command, "unknown command '" + name + "'");
    } else if (const std::string bad = check_args(*c, args); !bad.empty()) {
        r = fail(CommandError::bad_arguments, bad);
    } else if (!c->can_run(app)) {
        r = refused(app);
    } else {
        try {
            r = c->run(app, args);
        } catch (const std::exception& e) {
            r = fail(CommandError::failed, name + ": " + e.what());
        }
    }
    // Real errors reach the status line and the popup (once: the command may have recorded it already); "nothing
    // to undo" and "none left" are answers, not errors.
    const bool answer = r.error == CommandError::nothing_to_undo || r.error == CommandError::nothing_to_redo ||
                        r.error == CommandError::not_found;
    if (!r.ok() && !answer && caller == Caller::user && app.state.error_count() == errors) app.state.set_error(r.message);
    request_redraw(app);
    return r;
}

CommandResult run_command_words(App& app, const std::string& name, const std::vector<std::string>& words) {
    const Command* c = find_command(name);
    if (!c) return run_command(app, name);
    json args = json::array();
    for (std::size_t i = 0; i < words.size(); ++i) {
        const bool last_text = i < c->params.size() && c->params[i].type == T::text && i + 1 == c->params.size();
        if (last_text) {  // the rest of the line: paths and text may contain spaces
            std::string rest = words[i];
            for (std::size_t k = i + 1; k < words.size(); ++k) rest += " " + words[k];
            args.push_back(rest);
            break;
        }
        const json v = i < c->params.size() ? from_word(words[i], c->params[i].type) : json(words[i]);
        args.push_back(v.is_null() ? json(words[i]) : v);  // check_args reports the ill-typed word
    }
    return run_command(app, name, args);
}

json commands_json() {
    json out = json::array();
    for (const Command& c : commands()) {
        json params = json::array(), keys = json::array();
        for (const Param& p : c.params) {
            const char* type = p.type == T::integer ? "integer" : p.type == T::number ? "number" : p.type == T::text ? "text" : "on_off";
            params.push_back({{"name", p.name}, {"type", type}, {"optional", p.optional}});
        }
        for (const KeyBinding& k : c.keys) keys.push_back(k.label);
        out.push_back({{"name", c.name}, {"js", c.js}, {"params", params}, {"description", c.description},
                       {"undoable", c.undoable}, {"keys", keys}});
    }
    return out;
}

}  // namespace keybot::app
