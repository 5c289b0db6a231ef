#pragma once
// Runs fn(0..count-1) on `workers` std::threads pulling indices from a shared counter. fn must not throw
// (catch and record per item: one bad file must not stop the others).
#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace keybot::engine {

template <typename Fn>
void parallel_for(int count, int workers, Fn fn) {
    workers = std::max(1, std::min(workers, count));
    std::atomic<int> next{0};
    auto loop = [&] {
        for (int i = next++; i < count; i = next++) fn(i);
    };
    std::vector<std::thread> pool;
    for (int w = 1; w < workers; ++w) pool.emplace_back(loop);
    loop();  // the calling thread works too
    for (auto& t : pool) t.join();
}

}  // namespace keybot::engine
