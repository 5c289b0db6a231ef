#include "progress.hpp"

#include <cstdio>

namespace keybot::cli {

Progress::Progress(std::string what, int total) : what_(std::move(what)), total_(total) {}

Progress::~Progress() {
    if (done_ > 0) std::fputc('\n', stderr);
}

void Progress::tick(const std::string& item) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++done_;
    constexpr int kWidth = 30;
    const int filled = total_ > 0 ? done_ * kWidth / total_ : kWidth;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    // Trailing spaces erase a longer previous item name.
    std::fprintf(stderr, "\r%s [%s] %d/%d %-40.40s", what_.c_str(), bar.c_str(), done_, total_, item.c_str());
    std::fflush(stderr);
}

}  // namespace keybot::cli
