#pragma once
// A thread-safe progress bar on stderr ("\r[#####.....] 12/40 name"), finished with a newline.
#include <mutex>
#include <string>

namespace keybot::cli {

class Progress {
public:
    Progress(std::string what, int total);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    void tick(const std::string& item);  // one item done

private:
    std::mutex mutex_;
    std::string what_;
    int total_, done_ = 0;
};

}  // namespace keybot::cli
