// decode_dicom()/probe_dicom() (dicom.hpp). Natively the GDCM reader runs in a forked child process: Debian's
// GDCM is built with its assert()s on, and a truncated or hostile file trips one (seen: about one in eight
// prefixes of a valid file), which would abort the whole annotator. The child hands back its result on a
// pipe (JSON + raw pixels); a child that dies becomes a clear keybot::Error. In WebAssembly there is no fork,
// and the GDCM built by .ci/setup has no assertions: the reader runs in place.
#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>

#include "dicom_gdcm.hpp"
#include "keybot/core/error.hpp"

#ifndef __EMSCRIPTEN__
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace keybot {

bool dicom_supported() { return true; }

#ifdef __EMSCRIPTEN__

ImageHeader probe_dicom(const std::uint8_t* data, std::size_t size) { return probe_dicom_in_process(data, size); }
DicomImage decode_dicom(const std::uint8_t* data, std::size_t size, std::string* notice) {
    return decode_dicom_in_process(data, size, notice);
}

#else

namespace {

// Payload tags: the first byte of what the child writes.
constexpr char kFailed = 'E', kTooLarge = 'L', kHeader = 'H', kImage = 'D';

void append(std::string& out, const void* p, std::size_t n) { out.append(static_cast<const char*>(p), n); }
void append_u64(std::string& out, std::uint64_t v) { append(out, &v, sizeof v); }

class Reader {
public:
    explicit Reader(const std::string& s) : s_(s) {}
    void take(void* p, std::size_t n) {
        if (n > s_.size() - at_) throw Error("the DICOM reader's answer was cut short");
        std::memcpy(p, s_.data() + at_, n);
        at_ += n;
    }
    std::uint64_t u64() {
        std::uint64_t v = 0;
        take(&v, sizeof v);
        return v;
    }
    std::string text() {
        const std::uint64_t n = u64();
        if (n > s_.size() - at_) throw Error("the DICOM reader's answer was cut short");
        std::string t = s_.substr(at_, n);
        at_ += n;
        return t;
    }

private:
    const std::string& s_;
    std::size_t at_ = 1;  // after the tag
};

bool write_all(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        const ssize_t k = ::write(fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return false;
        p += k;
        n -= std::size_t(k);
    }
    return true;
}

// Runs `work` (which returns the payload) in a child process and returns that payload; turns a child that
// fails into keybot::Error / ImageTooLarge with its message, and one that dies into a clear Error.
template <typename Work>
std::string run_isolated(Work work) {
    int fds[2];
    if (::pipe(fds) != 0) throw Error("could not start the DICOM reader (no pipe)");
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw Error("could not start the DICOM reader (fork failed)");
    }
    if (pid == 0) {  // child: no stdio flushing, no atexit handlers (_exit); GDCM's messages go nowhere
        ::close(fds[0]);
        const int null = ::open("/dev/null", O_WRONLY);
        if (null >= 0) {
            ::dup2(null, 1);
            ::dup2(null, 2);
        }
        // The parent's crash handlers (a test runner's, say) must not run here: a crash just ends the child.
        for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, SIG_DFL);
        std::string out;
        try {
            out = work();
        } catch (const ImageTooLarge& e) {
            out = std::string(1, kTooLarge) + e.what();
        } catch (const std::exception& e) {
            out = std::string(1, kFailed) + e.what();
        } catch (...) {
            out = std::string(1, kFailed) + "not a readable DICOM file";
        }
        ::_exit(write_all(fds[1], out.data(), out.size()) ? 0 : 1);
    }
    ::close(fds[1]);
    std::string payload;
    char buffer[1 << 16];
    for (;;) {
        const ssize_t k = ::read(fds[0], buffer, sizeof buffer);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        payload.append(buffer, std::size_t(k));
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || payload.empty())
        throw Error("not a readable DICOM file: the DICOM reader stopped on it (truncated or corrupt file)");
    if (payload[0] == kTooLarge) throw ImageTooLarge(payload.substr(1));
    if (payload[0] == kFailed) throw Error(payload.substr(1));
    return payload;
}

}  // namespace

ImageHeader probe_dicom(const std::uint8_t* data, std::size_t size) {
    const std::string payload = run_isolated([&] {
        const ImageHeader h = probe_dicom_in_process(data, size);
        std::string out(1, kHeader);
        append(out, &h, sizeof h);
        return out;
    });
    if (payload[0] != kHeader) throw Error("the DICOM reader gave an unexpected answer");
    ImageHeader h;
    Reader(payload).take(&h, sizeof h);
    return h;
}

DicomImage decode_dicom(const std::uint8_t* data, std::size_t size, std::string* notice) {
    const std::string payload = run_isolated([&] {
        std::string note;
        const DicomImage d = decode_dicom_in_process(data, size, &note);
        std::string out(1, kImage);
        const std::string info = dicom_info_to_json(d.info);
        append_u64(out, info.size());
        out += info;
        append_u64(out, note.size());
        out += note;
        const std::int32_t dims[2] = {d.modality.width, d.modality.height};
        append(out, dims, sizeof dims);
        append(out, &d.modality.max_value, sizeof d.modality.max_value);
        append(out, d.modality.pixels.data(), d.modality.pixels.size() * sizeof(float));
        return out;
    });
    if (payload[0] != kImage) throw Error("the DICOM reader gave an unexpected answer");
    Reader r(payload);
    DicomImage d;
    d.info = dicom_info_from_json(r.text());
    const std::string note = r.text();
    if (notice) *notice = note;
    std::int32_t dims[2];
    r.take(dims, sizeof dims);
    r.take(&d.modality.max_value, sizeof d.modality.max_value);
    if (dims[0] <= 0 || dims[1] <= 0 || std::int64_t(dims[0]) * dims[1] > kMaxImagePixels)
        throw Error("the DICOM reader gave an unexpected answer");
    d.modality.width = dims[0];
    d.modality.height = dims[1];
    d.modality.pixels.resize(std::size_t(dims[0]) * dims[1]);
    r.take(d.modality.pixels.data(), d.modality.pixels.size() * sizeof(float));
    return d;
}

#endif

}  // namespace keybot
