#pragma once
// Keypoint schemas are plain data tables: a new landmark set (e.g. cephalometric) is a new table, not new code.
#include <string>
#include <utility>
#include <vector>

namespace keybot {

struct Schema {
    std::string name;                            // stable id, stored in annotation JSON
    std::vector<std::string> landmarks;          // one name per point, in storage order
    std::vector<std::string> group_names;        // e.g. "T1".."L5"; may be empty
    std::vector<std::vector<int>> groups;        // landmark indices per group (same order as group_names)
    std::vector<std::pair<int, int>> flip_pairs; // points that swap under a horizontal image flip
    std::vector<std::string> corner_names;       // role of each member inside a group, e.g. "top_left"

    int size() const { return static_cast<int>(landmarks.size()); }
    int index_of(const std::string& landmark) const;  // -1 when absent
    // Permutation p with flipped[i] = original[p[i]] after mirroring x (identity for unpaired points).
    std::vector<int> flip_permutation() const;
};

// Throws keybot::Error when indices are out of range, duplicated, or groups/names disagree in size.
void validate(const Schema& schema);

// Builds a schema whose points are group x corner ("T1_top_left", ...); corner_flip pairs corners that swap
// under a horizontal flip (e.g. top_left <-> top_right). This is a table builder, not schema-specific code.
Schema grouped_schema(std::string name, std::vector<std::string> group_names, std::vector<std::string> corner_names,
                      const std::vector<std::pair<int, int>>& corner_flip);

// AASCE spine: 17 vertebrae T1..L5 x {top_left, top_right, bottom_left, bottom_right} = 68 points
// (left/right as seen in the image).
const Schema& aasce_spine();

// Built-in schemas, for looking one up by the name stored in a document. nullptr when unknown.
const Schema* find_schema(const std::string& name);

}  // namespace keybot
