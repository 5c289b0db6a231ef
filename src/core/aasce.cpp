#include "keybot/core/aasce.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "keybot/core/document.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"
#include "keybot/core/image.hpp"

namespace keybot {
namespace {

constexpr std::size_t kAaScePoints = 68;

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

// Plain decimal numbers only: strtod alone would also take "nan", "inf" and hex floats ("0x1p-2"), none of
// which a landmarks / angles file holds on purpose.
bool is_decimal_number(const std::string& cell) {
    if (cell.empty()) return false;
    for (char c : cell)
        if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') return false;
    return true;
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
            const double v = is_decimal_number(cell) ? std::strtod(cell.c_str(), &stop) : 0.0;
            if (!stop || *stop != '\0' || errno == ERANGE || !std::isfinite(v))
                throw Error(what + " row " + std::to_string(rows.size() + 1) + ", column " + std::to_string(row.size() + 1) +
                            ": '" + excerpt(cell) + "' is not a number (a finite decimal is expected)");
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
    for (std::size_t k = 0; k < values.size(); ++k)
        if (values[k] < kMinNormalisedCoordinate || values[k] > kMaxNormalisedCoordinate) {
            char value[40];
            std::snprintf(value, sizeof value, "%g", values[k]);
            throw Error("value " + std::to_string(k + 1) + " (" + (k < kAaScePoints ? "x" : "y") + std::to_string(k % kAaScePoints + 1) +
                        " = " + value + ") is not a normalised coordinate (expected about 0..1)");
        }
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
        const ImageHeader h = probe_image_file(ds.image_path(row));
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
