// FramePacer: frames are drawn on request (a few, to let ImGui settle), the pulse runs for a while and then
// stops, and the native loop's sleep follows from that; part of keybot_app_unit_tests.
#include <doctest/doctest.h>

#include "frame_pacer.hpp"

using keybot::app::FramePacer;

namespace {
int frames_drawn(FramePacer& p, double from_ms, double to_ms, double step_ms) {
    int n = 0;
    for (double t = from_ms; t < to_ms; t += step_ms) n += p.should_draw(t);
    return n;
}
}  // namespace

TEST_CASE("the first frames are drawn, then nothing until something asks") {
    FramePacer p;
    CHECK(frames_drawn(p, 0, 1000, 16) == FramePacer::kSettleFrames);
    CHECK(p.idle(1000));
    CHECK(p.wait_ms(1000, false) == FramePacer::kIdleWaitMs);
    CHECK(frames_drawn(p, 1000, 60000, 16) == 0);
}

TEST_CASE("a request draws a few frames; a larger request more") {
    FramePacer p;
    frames_drawn(p, 0, 100, 16);
    p.request();
    CHECK_FALSE(p.idle(200));
    CHECK(p.wait_ms(200, false) == 0.0);
    CHECK(frames_drawn(p, 200, 1000, 16) == FramePacer::kSettleFrames);
    p.request(10);
    CHECK(frames_drawn(p, 1000, 2000, 16) == 10);
}

TEST_CASE("the pulse animates at its own rate and stops after kPulseMs") {
    FramePacer p;
    frames_drawn(p, 0, 100, 16);
    p.pulse_from(100);
    CHECK(p.pulsing(100 + FramePacer::kPulseMs - 1));
    CHECK_FALSE(p.pulsing(100 + FramePacer::kPulseMs));
    const int n = frames_drawn(p, 100, 100 + FramePacer::kPulseMs, 1);
    CHECK(n == doctest::Approx(FramePacer::kPulseMs / FramePacer::kAnimationMs).epsilon(0.05));
    CHECK(p.idle(100 + FramePacer::kPulseMs));
    CHECK(frames_drawn(p, 100 + FramePacer::kPulseMs, 20000, 16) == 0);
}

TEST_CASE("the native loop sleeps briefly while a model run is in flight") {
    FramePacer p;
    frames_drawn(p, 0, 100, 16);
    CHECK(p.wait_ms(100, true) == FramePacer::kBusyWaitMs);
    p.pulse_from(100);
    p.should_draw(100);
    CHECK(p.wait_ms(110, false) == doctest::Approx(FramePacer::kAnimationMs - 10));
}
