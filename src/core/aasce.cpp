#include "keybot/core/aasce.hpp"

#include <cerrno>
#include <cstdlib>

#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/core/image.hpp"

namespace keybot {
namespace {

constexpr std::size_t kAaScePoints = 68;
constexpr std::size_t kHeaderPrefix = 64 * 1024;  // enough for JPEG/PNG headers unless large metadata precedes

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = trim(text.substr(start, end - start));
        if (!line.empty()) out.push_back(std::move(line));
        start = end + 1;
    }
    return out;
}

ImageHeader header_of(const std::string& path) {
    try {
        return probe_image(read_file_prefix(path, kHeaderPrefix));
    } catch (const Error&) {
    }
    try {
        return probe_image(read_file_bytes(path));  // header beyond the prefix, or a real error reported here
    } catch (const Error& e) {
        throw Error("'" + path + "': " + e.what());
    }
}

}  // namespace

std::vector<std::string> parse_name_lines(const std::string& text) { return lines_of(text); }

std::vector<std::vector<double>> parse_number_rows(const std::string& text, const std::string& what) {
    std::vector<std::vector<double>> rows;
    for (const std::string& line : lines_of(text)) {
        std::vector<double> row;
        std::size_t start = 0;
        while (start <= line.size()) {
            std::size_t end = line.find(',', start);
            if (end == std::string::npos) end = line.size();
            const std::string cell = trim(line.substr(start, end - start));
            char* stop = nullptr;
            errno = 0;
            const double v = std::strtod(cell.c_str(), &stop);
            if (cell.empty() || *stop != '\0' || errno == ERANGE)
                throw Error(what + " row " + std::to_string(rows.size() + 1) + ": '" + cell + "' is not a number");
            row.push_back(v);
            start = end + 1;
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<Point> aasce_points_from_row(const std::vector<double>& values, int width, int height) {
    if (values.size() != 2 * kAaScePoints)
        throw Error("AASCE landmark row has " + std::to_string(values.size()) + " values, expected 136");
    std::vector<Point> pts(kAaScePoints);
    for (std::size_t k = 0; k < kAaScePoints; ++k) pts[k] = {values[k] * width, values[kAaScePoints + k] * height};
    return pts;
}

AasceDataset read_aasce(const std::string& root) {
    AasceDataset ds;
    ds.root = root;
    const auto names = parse_name_lines(read_file_text(root + "/filenames.csv"));
    const auto landmarks = parse_number_rows(read_file_text(root + "/landmarks.csv"), "landmarks.csv");
    if (names.size() != landmarks.size())
        throw Error("filenames.csv has " + std::to_string(names.size()) + " rows but landmarks.csv has " + std::to_string(landmarks.size()));
    // angles.csv is optional: only an unopenable file counts as absent; a malformed one is an error.
    std::string angles_text;
    try {
        angles_text = read_file_text(root + "/angles.csv");
        ds.has_angles = true;
    } catch (const Error&) {
    }
    const auto angles = ds.has_angles ? parse_number_rows(angles_text, "angles.csv") : std::vector<std::vector<double>>{};
    if (ds.has_angles && angles.size() != names.size())
        throw Error("angles.csv has " + std::to_string(angles.size()) + " rows, expected " + std::to_string(names.size()));
    for (std::size_t i = 0; i < names.size(); ++i) {
        AasceRow row;
        row.index = static_cast<int>(i);
        row.file_name = names[i];
        const ImageHeader h = header_of(ds.image_path(row));
        row.width = h.width;
        row.height = h.height;
        try {
            row.raw = aasce_points_from_row(landmarks[i], h.width, h.height);
        } catch (const Error& e) {
            throw Error("landmarks.csv row " + std::to_string(i + 1) + ": " + e.what());
        }
        row.repair = repair_spine(row.raw);
        if (ds.has_angles) {
            if (angles[i].size() != 3) throw Error("angles.csv row " + std::to_string(i + 1) + " must have 3 values");
            row.has_angles = true;
            row.angles = {angles[i][0], angles[i][1], angles[i][2]};
        }
        ds.rows.push_back(std::move(row));
    }
    return ds;
}

}  // namespace keybot
