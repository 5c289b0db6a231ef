#include "script.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <sstream>

#include "annotator.hpp"
#include "app.hpp"
#include "commands.hpp"
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
        if (!settled(app)) {
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
        std::vector<std::string> words;
        for (std::string w; in >> w;) words.push_back(w);
        // Commands of the app's table (commands.hpp) run as they are; PATH arguments are relative to the script.
        if (const Command* c = find_command(cmd)) {
            if (!c->params.empty() && c->params.back().name == "PATH" && words.size() >= c->params.size()) {
                std::string path = words[c->params.size() - 1];
                for (std::size_t k = c->params.size(); k < words.size(); ++k) path += " " + words[k];
                words.resize(c->params.size() - 1);
                words.push_back(resolve(path));
            }
            const int selected = app.state.active() ? app.state.active()->selected : -1;
            const CommandResult r = run_command_words(app, cmd, words);
            if (!r.ok()) return fail(cmd + ": [" + to_string(r.error) + "] " + r.message);
            if (cmd == "move") last_corrected_ = std::stoi(words[0]);
            if (cmd == "nudge") last_corrected_ = selected;
            if (cmd == "open") return true;  // one frame to upload the image
            continue;
        }
        // The script's own words: waiting, checks and screenshots.
        std::istringstream rest(lines_[next_ - 1]);
        rest >> cmd;
        if (!run_check(app, cmd, rest)) return false;
        if (cmd == "wait" || cmd == "screenshot") return true;
    }
    return !screenshot_.empty();
}

bool ScriptRunner::run_check(App& app, const std::string& cmd, std::istream& in) {
    ImageEntry* e = app.state.active();
    auto need_points = [&]() -> bool {
        if (!e || !e->has_points) return fail(cmd + ": no image with points is open");
        return true;
    };
    if (cmd == "wait") {
        waiting_ = true;
        wait_started_ = now_ms();
    } else if (cmd == "expect-heatmap") {
        int cols, rows;
        if (!(in >> cols >> rows)) return fail("usage: expect-heatmap COLS ROWS");
        if (!need_points()) return false;
        if (e->heatmap_cols != cols || e->heatmap_rows != rows || int(e->heatmap.size()) != cols * rows)
            return fail("heatmap is " + std::to_string(e->heatmap_cols) + " x " + std::to_string(e->heatmap_rows));
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
    } else if (cmd == "expect-selected") {
        int i;
        if (!(in >> i)) return fail("usage: expect-selected I");
        if (!e || e->selected != i) return fail("the selected point is " + std::to_string(e ? e->selected : -1));
    } else if (cmd == "expect-error") {
        std::string code;
        if (!(in >> code)) return fail("usage: expect-error CODE  (the next line's command must fail with CODE)");
        if (next_ >= lines_.size()) return fail("expect-error: no command follows");
        std::istringstream line(lines_[next_++]);
        std::string name;
        line >> name;
        std::vector<std::string> words;
        for (std::string w; line >> w;) words.push_back(w);
        std::printf("script:%zu: %s\n", next_, lines_[next_ - 1].c_str());
        const CommandResult r = run_command_words(app, name, words);
        if (to_string(r.error) != code) return fail(name + ": expected error " + code + ", got " + to_string(r.error));
        app.state.clear_error();  // expected: no popup over the rest of the session (its screenshot)
    } else if (cmd == "expect-images" || cmd == "expect-done") {
        int n;
        in >> n;
        const int have = cmd == "expect-images" ? app.state.image_count() : app.state.done_count();
        if (have != n) return fail(cmd + ": have " + std::to_string(have));
    } else if (cmd == "screenshot") {
        std::getline(in >> std::ws, screenshot_);
        screenshot_ = resolve(screenshot_);
        app.capture.request();
    } else if (cmd == "quit") {
        next_ = lines_.size();
    } else {
        return fail("unknown command '" + cmd + "'");
    }
    return true;
}


}  // namespace keybot::app
