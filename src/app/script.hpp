#pragma once
// Desktop --script FILE: drives a running annotator with simple commands, one per frame, for the scripted
// smoke test (ctest app_native_scripted). Lines (# comments and blank lines are skipped):
//   open PATH                 open an image (relative paths: from the script's folder)
//   wait                      until no model run is in flight and the open image has points (60 s limit)
//   move I X Y                user correction of point I to (X, Y) image px (like a drag ending there)
//   nudge DX DY               nudge the selected point (like the arrow keys)
//   select I | confirm I | next-flagged | undo | redo | fit | done
//   overlay NAME on|off       heatmap | errorProbability | quads | cobb (the names of keybot.setOverlay)
//   expect-heatmap COLS ROWS  the refiner heatmap of the points shown (0 0: none, e.g. after undo)
//   remember                  keep a copy of the current points
//   expect-same               the points equal the remembered ones exactly (positions and provenance)
//   expect-points N           the open image has N points
//   expect-point I X Y        point I is exactly at (X, Y)
//   expect-provenance I NAME  point I has this provenance
//   expect-moved-others       some point other than the last corrected one differs from the remembered copy
//   expect-images N | expect-done N
//   export FORMAT PATH        json | aasce | aasce-filenames | coco, written to PATH
//   import PATH               import an annotation file into the open image
//   screenshot PATH           saves the next frame as PNG
//   quit                      stop (also implied at the end)
// A failed expectation prints "script:LINE: FAILED ..." and the app exits with status 1.
#include <string>
#include <vector>

#include "keybot/core/document.hpp"

namespace keybot::app {

struct App;

class ScriptRunner {
public:
    // Throws keybot::Error when the file cannot be read.
    explicit ScriptRunner(const std::string& path);
    // Call once per frame before drawing. Returns false once the script has ended (see failed()).
    bool step(App& app);
    bool failed() const { return failed_; }

private:
    bool fail(const std::string& message);
    std::string resolve(const std::string& path) const;

    std::string dir_;
    std::vector<std::string> lines_;
    std::size_t next_ = 0;
    bool failed_ = false;
    bool waiting_ = false;
    double wait_started_ = 0.0;
    std::string screenshot_;  // pending capture
    std::vector<AnnotatedPoint> remembered_;
    int last_corrected_ = -1;
};

}  // namespace keybot::app
