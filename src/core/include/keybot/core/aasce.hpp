#pragma once
// Reader for the AASCE 2019 (SpineWeb 16) layout: images/, filenames.csv, landmarks.csv, optional angles.csv.
#include <array>
#include <string>
#include <vector>

#include "keybot/core/geometry.hpp"
#include "keybot/core/spine_repair.hpp"

namespace keybot {

struct AasceRow {
    int index = 0;          // 0-based row in the CSV files
    std::string file_name;  // as in filenames.csv (may contain spaces)
    int width = 0;          // from the image header
    int height = 0;
    std::vector<Point> raw;  // 68 points in pixels, as stored (use these for the reference Cobb method)
    SpineRepair repair;      // sorted / corner-fixed copy and the problems found
    bool has_angles = false;
    std::array<double, 3> angles{};  // angles.csv columns, degrees
};

struct AasceDataset {
    std::string root;
    bool has_angles = false;
    std::vector<AasceRow> rows;
    std::string image_path(const AasceRow& row) const { return root + "/images/" + row.file_name; }
};

// Reads the folder; image sizes come from each file's header (the pixels are not decoded). Throws keybot::Error
// for missing files, row-count mismatches, rows without 136 values, or unreadable images.
AasceDataset read_aasce(const std::string& root);

// Memory-level pieces (also used by tests).
std::vector<std::string> parse_name_lines(const std::string& text);  // non-empty lines, trimmed
// Non-empty lines of comma-separated numbers; `what` names the file in error messages.
std::vector<std::vector<double>> parse_number_rows(const std::string& text, const std::string& what);
// 136 values (x1..x68, y1..y68, normalised to [0,1]) -> 68 pixel points.
std::vector<Point> aasce_points_from_row(const std::vector<double>& values, int width, int height);

}  // namespace keybot
