#pragma once
// Runs fn(0..count-1) on `workers` std::threads pulling indices from a shared counter. fn must not throw
// (catch and record per item: one bad file must not stop the others). A wasm build without pthreads has no
// std::thread that can start: there it runs serially on the calling thread.
#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace keybot::engine {

template <typename Fn>
void parallel_for(int count, int workers, Fn fn) {
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
    (void)workers;
    for (int i = 0; i < count; ++i) fn(i);
#else
    workers = std::max(1, std::min(workers, count));
    std::atomic<int> next{0};
    auto loop = [&] {
        for (int i = next++; i < count; i = next++) fn(i);
    };
    std::vector<std::thread> pool;
    for (int w = 1; w < workers; ++w) pool.emplace_back(loop);
    loop();  // the calling thread works too
    for (auto& t : pool) t.join();
#endif
}

}  // namespace keybot::engine
