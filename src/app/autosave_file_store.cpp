#include <cctype>
#include <filesystem>
#include <fstream>

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

    // Atomic: a crash leaves the old file or the new one, never half of one.
    void write(const std::string& path, const std::string& text) const {
        const std::string tmp = path + ".tmp";
        try {
            std::filesystem::create_directories(dir_);
            write_whole(tmp, text);
            std::filesystem::rename(tmp, path);
        } catch (const std::filesystem::filesystem_error& e) {
            fail(tmp, e.code().message());
        } catch (const Error& e) {  // the temporary file (read-only folder, disk full)
            fail(tmp, e.what());
        }
    }

    // std::ofstream reports a full disk only when it flushes, at close: checked here, so a truncated temporary
    // file is never renamed over the last good autosave (write_file_text leaves the close to the destructor).
    static void write_whole(const std::string& path, const std::string& text) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        if (!out) throw Error("cannot open " + path + " for writing");
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        out.close();
        if (!out) throw Error("could not write all of " + path + " (disk full?)");
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
