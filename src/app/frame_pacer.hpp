#pragma once
// When the annotator draws. Drawing every display refresh kept a core busy while the user only looked at the
// image, so a frame is drawn only when something asks for one: input, a state change (model result, edit, API
// call), a resize, a capture, or the pulse of flagged points, which runs for kPulseMs after the last such event
// and then rests. A request draws a few frames, because Dear ImGui settles some things (popups, hover, sizes)
// one frame after the input. Between frames the native loop sleeps in SDL_WaitEventTimeout for wait_ms(); the
// browser loop calls frame() but skips the drawing, and slows its timer down (platform_set_idle) when idle.
// Pure logic on a caller-given clock (ms), so it is unit-tested without a window.
#include <algorithm>

namespace keybot::app {

class FramePacer {
public:
    static constexpr int kSettleFrames = 3;        // frames drawn per request
    static constexpr double kPulseMs = 3000.0;     // flagged points pulse this long after the last request
    static constexpr double kAnimationMs = 33.0;   // frame interval while the pulse runs (about 30 fps)
    static constexpr double kIdleWaitMs = 250.0;   // longest native sleep (the loop still polls runs, autosave)
    static constexpr double kBusyWaitMs = 4.0;     // sleep while a model run is in flight (its result lands soon)

    // Something changed that the screen must show: draw now and settle.
    void request(int frames = kSettleFrames) { frames_ = std::max(frames_, frames); }
    // The open image shows flagged points (whose ring pulses): keep animating until now + kPulseMs.
    void pulse_from(double now_ms) { pulse_until_ = now_ms + kPulseMs; }
    bool pulsing(double now_ms) const { return now_ms < pulse_until_; }

    // Whether to draw a frame at `now_ms`; counts the frame when it says yes.
    bool should_draw(double now_ms) {
        if (frames_ > 0) {
            --frames_;
            last_ms_ = now_ms;
            return true;
        }
        if (pulsing(now_ms) && now_ms - last_ms_ >= kAnimationMs) {
            last_ms_ = now_ms;
            return true;
        }
        return false;
    }
    // Nothing to draw and no animation running: the browser may slow its loop down.
    bool idle(double now_ms) const { return frames_ == 0 && !pulsing(now_ms); }
    // How long the native loop may wait for an event before calling frame() again.
    double wait_ms(double now_ms, bool busy) const {
        if (frames_ > 0) return 0.0;
        if (busy) return kBusyWaitMs;
        if (pulsing(now_ms)) return std::clamp(kAnimationMs - (now_ms - last_ms_), 0.0, kAnimationMs);
        return kIdleWaitMs;
    }

private:
    int frames_ = kSettleFrames;  // the first frames are always drawn
    double pulse_until_ = 0.0;
    double last_ms_ = -1e300;
};

}  // namespace keybot::app
