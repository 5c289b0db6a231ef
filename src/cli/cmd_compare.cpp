// `keybot compare`: agreement of two annotators (people, models, or one of each) over the images both annotated.
#include <filesystem>
#include <iostream>

#include "command.hpp"
#include "compare_inputs.hpp"
#include "compare_plots.hpp"
#include "compare_report.hpp"
#include "engine_args.hpp"
#include "keybot/core/error.hpp"
#include "keybot/core/file_io.hpp"

namespace keybot::cli {
namespace {

namespace fs = std::filesystem;

const char* const kUsage =
    "usage: keybot compare A B [--out DIR] [--images DIR] [--clicks K]\n"
    "\n"
    "Compares two sets of vertebra-corner annotations (aasce_spine_68) image by image. A and B are each a file or\n"
    "a folder, in any format KeyBot reads:\n"
    "  - KeyBot JSON (`keybot predict` outputs, app exports), COCO keypoints JSON, one file per image;\n"
    "  - an AASCE folder (filenames.csv + landmarks.csv, with or without images/), or a landmarks.csv file with\n"
    "    its filenames.csv beside it, or single-row exports (NAME.landmarks.csv [+ NAME.filenames.csv]);\n"
    "  - a `keybot eval --json` file: one prediction per image, after --clicks K simulated clicks;\n"
    "  - a folder of any of these (its *.json and *.landmarks.csv files).\n"
    "Images are matched by file name without folder and extension (x.png, x.jpg and x.json all match 'x');\n"
    "images found on one side only are listed. AASCE landmarks are put in schema order first (vertebrae top to\n"
    "bottom, corners tl, tr, bl, br), as `keybot eval` does for its ground truth.\n"
    "\n"
    "Prints, and with --out writes: per image the mean and largest point distance, the mean distance per vertebra\n"
    "and the three Cobb angles of A and B (reference method; main, upper, lower = angles.csv columns 1-3) with\n"
    "their difference; over all images the distance spread overall and per vertebra; per Cobb angle the\n"
    "Bland-Altman bias and 95% limits of agreement (bias +/- 1.96 SD of A - B) and the intraclass correlation\n"
    "ICC(A,1) (two-way random effects, absolute agreement, single rater).\n"
    "Distances are in image pixels: none of these formats records a pixel spacing, so there are no mm figures.\n"
    "\n"
    "  --out DIR      writes DIR/images.csv (one row per image), DIR/agreement.csv (one row per Cobb angle),\n"
    "                 DIR/vertebrae.csv (distance spread per vertebra and overall), DIR/bland_altman.png and\n"
    "                 DIR/vertebra_errors.png\n"
    "  --images DIR   folder of the images, for their sizes when neither side records one (AASCE rows hold\n"
    "                 coordinates as fractions of the image size)\n"
    "  --clicks K     which prediction of a `keybot eval --json` file (default 0: no clicks)\n"
    "\n"
    "Exit status: 0 when every matched image was measured, 1 when an input or image could not be read or measured\n"
    "(reported; the others are still compared) or nothing matched, 2 for usage errors.\n";

// Long lists (unmatched names, notes) are cut to their first few on the terminal; counts stay exact.
constexpr std::size_t kListedNames = 10;

void print_names(std::ostream& out, const std::string& what, const std::vector<std::string>& names) {
    if (names.empty()) return;
    out << "keybot compare: " << names.size() << " images only in " << what << ":";
    for (std::size_t i = 0; i < names.size() && i < kListedNames; ++i) out << (i ? ", " : " ") << names[i];
    if (names.size() > kListedNames) out << ", ...";
    out << "\n";
}

int run(const std::vector<std::string>& args) {
    const ParsedArgs a = parse_args(args, {"--out", "--images", "--clicks"}, {});
    if (a.positional.size() != 2) throw UsageError("expected two inputs, A and B, got " + std::to_string(a.positional.size()));
    const int clicks = a.values.count("--clicks") ? parse_int(a.values.at("--clicks"), "--clicks", 0) : 0;
    const std::string images_dir = a.values.count("--images") ? a.values.at("--images") : "";
    if (!images_dir.empty() && !fs::is_directory(images_dir)) throw UsageError("--images '" + images_dir + "' is not a folder");

    const CompareInput in_a = read_compare_input(a.positional[0], clicks);
    const CompareInput in_b = read_compare_input(a.positional[1], clicks);
    std::vector<std::string> problems;
    for (const CompareInput* in : {&in_a, &in_b}) {
        std::cerr << "keybot compare: " << (in == &in_a ? "A" : "B") << " = " << in->path << ": " << in->description << "\n";
        for (const std::string& p : in->problems) problems.push_back("skipped " + p);
    }
    const Matching m = match_inputs(in_a, in_b, images_dir);
    print_names(std::cerr, "A", m.only_a);
    print_names(std::cerr, "B", m.only_b);
    std::vector<std::string> notes;
    for (const MatchedImage& img : m.images)
        for (const std::string& note : img.notes) notes.push_back(img.key + ": " + note);
    for (std::size_t i = 0; i < notes.size() && i < kListedNames; ++i) std::cerr << "keybot compare: note: " << notes[i] << "\n";
    if (notes.size() > kListedNames) std::cerr << "keybot compare: note: " << notes.size() - kListedNames << " more notes like these\n";
    for (const std::string& p : m.problems) problems.push_back("skipped " + p);

    const CompareReport report = build_report(m);
    for (const std::string& p : report.problems) problems.push_back("skipped " + p);
    for (const std::string& p : problems) std::cerr << "keybot compare: " << p << "\n";
    if (report.images.empty())
        throw Error("no image could be compared: " + std::to_string(m.images.size()) + " matched by name (A has " +
                    std::to_string(in_a.items.size()) + " annotations, B " + std::to_string(in_b.items.size()) + ")");

    std::cout << "Compared " << report.images.size() << " images (A: " << in_a.path << ", B: " << in_b.path << "); " << m.only_a.size()
              << " only in A, " << m.only_b.size() << " only in B, " << problems.size() << " skipped\n";
    print_summary(std::cout, report);
    if (a.values.count("--out")) {
        const std::string out = a.values.at("--out");
        fs::create_directories(out);
        write_file_text(out + "/images.csv", images_csv(report));
        write_file_text(out + "/agreement.csv", agreement_csv(report));
        write_file_text(out + "/vertebrae.csv", vertebrae_csv(report));
        write_bland_altman_png(out + "/bland_altman.png", report, in_a.path, in_b.path);
        write_vertebra_profile_png(out + "/vertebra_errors.png", report, in_a.path, in_b.path);
        std::cout << "Wrote " << out << "/{images,agreement,vertebrae}.csv, bland_altman.png, vertebra_errors.png\n";
    }
    return problems.empty() ? 0 : 1;
}

const Registration registration{{"compare", "Agreement of two annotation sets: distances, Cobb differences, ICC, Bland-Altman", kUsage, &run}};

}  // namespace
}  // namespace keybot::cli
