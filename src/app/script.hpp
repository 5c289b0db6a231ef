#pragma once
// Desktop --script FILE: drives a running annotator with simple commands, one per frame, for the scripted
// smoke test (ctest app_native_scripted). Lines (# comments and blank lines are skipped):
//   any command of the app's table (commands.hpp; README "Commands"), its words as arguments, e.g.
//     open PATH | move I X Y | nudge DX DY | select I | confirm [I] | next-flagged | next-unreviewed | undo |
//     redo | fit | done [on|off] | overlay NAME [on|off] | export FORMAT [PATH] | import PATH | ...
//   (relative PATHs are taken from the script's folder; a failing command fails the script), and the script's
//   own words:
//   wait                      until settled(): no model run in flight and the open image has its points (60 s)
//   expect-heatmap COLS ROWS  the refiner heatmap of the points shown (0 0: none, e.g. after undo)
//   remember                  keep a copy of the current points
//   expect-same               the points equal the remembered ones exactly (positions and provenance)
//   expect-points N           the open image has N points
//   expect-point I X Y        point I is exactly at (X, Y)
//   expect-provenance I NAME  point I has this provenance
//   expect-selected I         point I is selected (-1: none)
//   expect-moved-others       some point other than the last corrected one differs from the remembered copy
//   expect-error CODE         the command on the next line fails with this error code (command_error.hpp)
//   expect-images N | expect-done N
//   screenshot PATH           saves the next frame as PNG
//   quit                      stop (also implied at the end)
// A failed expectation prints "script:LINE: FAILED ..." and the app exits with status 1.
#include <istream>
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
    bool run_check(App& app, const std::string& cmd, std::istream& in);  // the script's own words
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
