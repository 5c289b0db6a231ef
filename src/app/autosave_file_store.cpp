#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <unistd.h>

#include "app_state.hpp"
#include "autosave_store.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"

namespace keybot::app {

namespace {

// The key (content hash + file name) as a safe file name.
std::string safe_file_part(const std::string& key) {
    std::string out;
    for (char c : key) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_') ? c : '_';
    return out.substr(0, 160);
}

class FileStore final : public AutosaveStore {
public:
    explicit FileStore(std::string dir) : dir_(std::move(dir)) {}

    void save_image(const ImageEntry& entry, const std::string& json) override { write(path_of(entry), json); }
    void save_session(const nlohmann::json& session) override { write(dir_ + "/session.json", session.dump(1)); }
    void clear() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    std::string load_image(const ImageEntry& entry) override {
        const std::string path = path_of(entry);
        return std::filesystem::exists(path) ? read_file_text(path) : std::string();
    }
    SavedSession load_session() override {
        SavedSession saved;
        const std::string path = dir_ + "/session.json";
        if (!std::filesystem::exists(path)) return saved;
        nlohmann::json session;
        try {
            session = nlohmann::json::parse(read_file_text(path));
            saved.active = session.value("active", 0);
            for (const auto& item : session.at("images")) {  // images moved or deleted since are left out
                const std::string image = item.value("path", "");
                if (!image.empty() && std::filesystem::exists(image)) saved.paths.push_back(image);
            }
        } catch (const nlohmann::json::exception& e) {
            throw Error(path + " is not a saved session: " + e.what());
        }
        return saved;
    }

private:
    std::string path_of(const ImageEntry& entry) const { return dir_ + "/" + safe_file_part(entry.key) + ".json"; }

    // Atomic and durable: the new bytes reach the disk (fsync) before the rename makes them the autosave, and
    // the folder is synced after it, so a crash or power cut leaves the old file or the new one, never half of
    // one or an empty file in its place.
    void write(const std::string& path, const std::string& text) const {
        const std::string tmp = path + ".tmp";
        try {
            std::filesystem::create_directories(dir_);
            write_whole(tmp, text);
            std::filesystem::rename(tmp, path);
            sync_folder();
        } catch (const std::filesystem::filesystem_error& e) {
            fail(tmp, e.code().message());
        } catch (const Error& e) {  // the temporary file (read-only folder, disk full)
            fail(tmp, e.what());
        }
    }

    // POSIX calls rather than std::ofstream: a stream reports a full disk only at close and cannot fsync.
    static void write_whole(const std::string& path, const std::string& text) {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) throw Error("cannot open " + path + " for writing: " + std::strerror(errno));
        const char* at = text.data();
        std::size_t left = text.size();
        int err = 0;
        while (left > 0 && err == 0) {
            const ssize_t n = ::write(fd, at, left);
            if (n < 0 && errno != EINTR) err = errno;
            if (n == 0) err = EIO;  // no progress: do not spin
            if (n > 0) at += n, left -= static_cast<std::size_t>(n);
        }
        if (err == 0 && ::fsync(fd) != 0) err = errno;
        if (::close(fd) != 0 && err == 0) err = errno;
        if (err != 0) throw Error("could not write all of " + path + ": " + std::strerror(err));
    }

    // Makes the rename itself durable. Best effort: some file systems refuse fsync on a folder, and the file
    // is complete either way.
    void sync_folder() const {
        const int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) return;
        ::fsync(fd);
        ::close(fd);
    }

    [[noreturn]] void fail(const std::string& tmp, const std::string& why) const {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);  // no half-written file left behind
        throw Error("cannot write to the autosave folder " + dir_ + ": " + why);
    }

    std::string dir_;
};

}  // namespace

std::unique_ptr<AutosaveStore> make_file_store(const std::string& dir) { return std::make_unique<FileStore>(dir); }

}  // namespace keybot::app
