#include "script.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <sstream>

#include "annotator.hpp"
#include "app.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"

namespace keybot::app {

ScriptRunner::ScriptRunner(const std::string& path) {
    std::istringstream in(read_file_text(path));
    for (std::string line; std::getline(in, line);) lines_.push_back(line);
    dir_ = std::filesystem::path(path).parent_path().string();
}

std::string ScriptRunner::resolve(const std::string& path) const {
    if (path.empty() || std::filesystem::path(path).is_absolute() || dir_.empty()) return path;
    return (std::filesystem::path(dir_) / path).string();
}

bool ScriptRunner::fail(const std::string& message) {
    std::fprintf(stderr, "script:%zu: FAILED %s\n", next_, message.c_str());
    failed_ = true;
    return false;
}

bool ScriptRunner::step(App& app) {
    if (failed_) return false;
    if (!screenshot_.empty()) {  // requested last frame
        if (!app.capture.ready()) return true;
        try {
            app.capture.write_png(screenshot_);
            std::printf("script: saved %dx%d screenshot to %s\n", app.capture.width(), app.capture.height(), screenshot_.c_str());
        } catch (const std::exception& e) {
            return fail(e.what());
        }
        screenshot_.clear();
    }
    if (waiting_) {
        const ImageEntry* e = app.state.active();
        const bool models = app.inference.ready();
        if (busy(app) || (e && models && (!e->has_points || e->pending_ticket))) {
            if (now_ms() - wait_started_ > 60000.0) return fail("wait: the models did not finish within 60 s");
            return true;
        }
        waiting_ = false;
    }
    while (next_ < lines_.size()) {
        std::istringstream in(lines_[next_++]);
        std::string cmd;
        if (!(in >> cmd) || cmd[0] == '#') continue;
        std::printf("script:%zu: %s\n", next_, lines_[next_ - 1].c_str());
        ImageEntry* e = app.state.active();
        auto need_points = [&]() -> bool {
            if (!e || !e->has_points) return fail(cmd + ": no image with points is open");
            return true;
        };
        try {
            if (cmd == "open") {
                std::string path;
                std::getline(in >> std::ws, path);
                if (!open_image_file(app, resolve(path))) return fail("open: " + app.state.error());
                return true;  // one frame to upload the image
            } else if (cmd == "wait") {
                waiting_ = true;
                wait_started_ = now_ms();
                return true;
            } else if (cmd == "move") {
                int i;
                double x, y;
                if (!(in >> i >> x >> y)) return fail("usage: move I X Y");
                if (!need_points()) return false;
                if (!correct_point(app, i, {x, y})) return fail("move: " + app.state.error());
                last_corrected_ = i;
            } else if (cmd == "nudge") {
                double dx, dy;
                if (!(in >> dx >> dy)) return fail("usage: nudge DX DY");
                if (!need_points()) return false;
                last_corrected_ = e->selected;
                if (!nudge_selected(app, dx, dy)) return fail("nudge: no point selected");
            } else if (cmd == "select" || cmd == "confirm") {
                int i;
                if (!(in >> i)) return fail("usage: " + cmd + " I");
                if (!need_points()) return false;
                if (cmd == "select") select_point(app, i);
                else if (!confirm_point(app, i)) return fail("confirm failed");
            } else if (cmd == "next-flagged") {
                next_flagged(app);
            } else if (cmd == "undo") {
                if (!undo(app)) return fail("undo: nothing to undo");
            } else if (cmd == "redo") {
                if (!redo(app)) return fail("redo: nothing to redo");
            } else if (cmd == "fit") {
                app.viewer.fit();
            } else if (cmd == "overlay") {
                std::string name, state;
                if (!(in >> name >> state) || (state != "on" && state != "off")) return fail("usage: overlay NAME on|off");
                bool* flag = app.overlays.find(name);
                if (!flag) return fail("unknown overlay " + name);
                *flag = state == "on";
            } else if (cmd == "expect-heatmap") {
                int cols, rows;
                if (!(in >> cols >> rows)) return fail("usage: expect-heatmap COLS ROWS");
                if (!need_points()) return false;
                if (e->heatmap_cols != cols || e->heatmap_rows != rows || int(e->heatmap.size()) != cols * rows)
                    return fail("heatmap is " + std::to_string(e->heatmap_cols) + " x " + std::to_string(e->heatmap_rows));
            } else if (cmd == "done") {
                set_done(app, app.state.active_index(), true);
            } else if (cmd == "remember") {
                if (!need_points()) return false;
                remembered_ = e->doc->points();
            } else if (cmd == "expect-same") {
                if (!need_points()) return false;
                if (e->doc->points() != remembered_) return fail("the points differ from the remembered ones");
            } else if (cmd == "expect-moved-others") {
                if (!need_points()) return false;
                int moved = 0;
                for (int i = 0; i < int(remembered_.size()); ++i)
                    if (i != last_corrected_ && (e->doc->points()[i].x != remembered_[i].x || e->doc->points()[i].y != remembered_[i].y)) ++moved;
                if (!moved) return fail("no other point moved");
                std::printf("script: %d other points moved\n", moved);
            } else if (cmd == "expect-points") {
                int n;
                in >> n;
                if (!need_points()) return false;
                if (int(e->doc->points().size()) != n) return fail("expected " + std::to_string(n) + " points");
            } else if (cmd == "expect-point") {
                int i;
                double x, y;
                if (!(in >> i >> x >> y)) return fail("usage: expect-point I X Y");
                if (!need_points()) return false;
                const AnnotatedPoint& p = e->doc->point(i);
                if (p.x != x || p.y != y)
                    return fail("point " + std::to_string(i) + " is at (" + std::to_string(p.x) + ", " + std::to_string(p.y) + ")");
            } else if (cmd == "expect-provenance") {
                int i;
                std::string name;
                if (!(in >> i >> name)) return fail("usage: expect-provenance I NAME");
                if (!need_points()) return false;
                if (to_string(e->doc->point(i).provenance) != name)
                    return fail("point " + std::to_string(i) + " is " + to_string(e->doc->point(i).provenance));
            } else if (cmd == "expect-images" || cmd == "expect-done") {
                int n;
                in >> n;
                const int have = cmd == "expect-images" ? app.state.image_count() : app.state.done_count();
                if (have != n) return fail(cmd + ": have " + std::to_string(have));
            } else if (cmd == "export") {
                std::string format, path;
                in >> format;
                std::getline(in >> std::ws, path);
                write_file_text(resolve(path), export_annotation(app, format));
            } else if (cmd == "import") {
                std::string path;
                std::getline(in >> std::ws, path);
                if (!import_annotation_text(app, read_file_text(resolve(path)))) return fail("import: " + app.state.error());
            } else if (cmd == "screenshot") {
                std::getline(in >> std::ws, screenshot_);
                screenshot_ = resolve(screenshot_);
                app.capture.request();
                return true;
            } else if (cmd == "quit") {
                next_ = lines_.size();
            } else {
                return fail("unknown command '" + cmd + "'");
            }
        } catch (const std::exception& err) {
            return fail(cmd + ": " + err.what());
        }
    }
    return !screenshot_.empty();
}

}  // namespace keybot::app
