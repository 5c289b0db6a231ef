// AASCE CSV rows (landmarks.csv / filenames.csv layout of the AASCE 2019 data set) for one annotation.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "keybot/core/aasce.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/formats.hpp"

namespace keybot {
namespace {

void append_number(std::string& out, double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    out += buf;
}

std::string first_content_line(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") != std::string::npos) return line;
    }
    return {};
}

}  // namespace

std::string aasce_landmarks_row(const Document& document) {
    const ImageInfo& img = document.image();
    if (img.width <= 0 || img.height <= 0) throw Error("AASCE CSV export needs the image size, which is unknown");
    const auto& pts = document.points();
    std::string out;
    for (std::size_t i = 0; i < pts.size(); ++i) {
        if (i) out += ',';
        append_number(out, pts[i].x / img.width);
    }
    for (const auto& p : pts) {
        out += ',';
        append_number(out, p.y / img.height);
    }
    out += '\n';
    return out;
}

std::string aasce_filenames_row(const Document& document) { return document.image().file_name + "\n"; }

std::vector<AnnotatedPoint> points_from_aasce_row(const std::string& text, const Schema& schema, int width, int height,
                                                  Provenance provenance) {
    if (width <= 0 || height <= 0) throw Error("AASCE CSV import needs the image size (open the image first)");
    const std::string line = first_content_line(text);
    if (line.empty()) throw Error("AASCE CSV: the text is empty");
    std::vector<std::vector<double>> rows;
    try {
        rows = parse_number_rows(line, "AASCE landmarks row");
    } catch (const Error& e) {
        throw Error(std::string("AASCE CSV: ") + e.what());
    }
    const std::size_t n = schema.size();
    if (rows.size() != 1 || rows[0].size() != 2 * n)
        throw Error("AASCE CSV: expected one row of " + std::to_string(2 * n) + " values (x1..x" + std::to_string(n) +
                    ", y1..y" + std::to_string(n) + "), got " + std::to_string(rows.empty() ? 0 : rows[0].size()));
    std::vector<AnnotatedPoint> out(n);
    for (std::size_t k = 0; k < 2 * n; ++k) {
        const double v = rows[0][k];
        if (!std::isfinite(v) || v < kMinNormalisedCoordinate || v > kMaxNormalisedCoordinate) {
            char value[40];
            std::snprintf(value, sizeof value, "%g", v);
            throw Error("AASCE CSV: value " + std::to_string(k + 1) + " (" + value +
                        ") is not a normalised coordinate (expected about 0..1)");
        }
    }
    for (std::size_t i = 0; i < n; ++i)
        out[i] = AnnotatedPoint{rows[0][i] * width, rows[0][n + i] * height, provenance, 0.0};
    return out;
}

}  // namespace keybot
