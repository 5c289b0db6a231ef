// `keybot cobb`: Cobb angles of an AASCE-layout folder by the challenge reference method, compared with
// angles.csv when present; rows the landmark repair cannot fix are listed on stderr.
#include <array>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "command.hpp"
#include "keybot/core/aasce.hpp"
#include "keybot/core/cobb.hpp"
#include "keybot/core/error.hpp"

namespace keybot::cli {
namespace {

constexpr double kMatchTolerance = 0.1;  // degrees; angles.csv keeps about 5 significant digits

const char* const kUsage =
    "usage: keybot cobb --data DIR [--report]\n"
    "\n"
    "Prints, for each image of an AASCE-layout folder (images/, filenames.csv, landmarks.csv, optional\n"
    "angles.csv), the three Cobb angles by the AASCE reference method as: file<TAB>PT<TAB>MT<TAB>TL\n"
    "(angles.csv column order; by the method column 1 is the largest angle, 2 the upper, 3 the lower curve).\n"
    "With angles.csv, ends with 'PT matched N/M within 0.1°' lines per column.\n"
    "Rows whose landmarks the repair cannot fix are listed on stderr.\n"
    "\n"
    "  --data DIR   dataset folder\n"
    "  --report     also list reordered / corner-fixed rows and angle mismatches on stderr\n";

void report_repairs(const AasceDataset& ds, bool verbose) {
    int reordered = 0, fixed = 0, flagged = 0;
    for (const AasceRow& r : ds.rows) {
        reordered += r.repair.reordered;
        fixed += r.repair.corner_fixes > 0;
        if (!r.repair.ok()) {
            ++flagged;
            std::cerr << "repair: row " << r.index << " (" << r.file_name << ") not repairable: " << r.repair.summary() << "\n";
        } else if (verbose && (r.repair.reordered || r.repair.corner_fixes)) {
            std::cerr << "repair: row " << r.index << " fixed:" << (r.repair.reordered ? " vertebrae reordered" : "")
                      << (r.repair.corner_fixes ? " " + std::to_string(r.repair.corner_fixes) + " vertebra corner orders" : "") << "\n";
        }
    }
    std::cerr << "repair: " << reordered << " rows reordered, " << fixed << " rows with corner fixes, " << flagged
              << " rows flagged as not repairable\n";
}

int run(const std::vector<std::string>& args) {
    const ParsedArgs a = parse_args(args, {"--data"}, {"--report"});
    if (!a.positional.empty()) throw UsageError("unexpected argument '" + a.positional.front() + "'");
    const AasceDataset ds = read_aasce(a.require("--data"));
    const bool verbose = a.has("--report");
    report_repairs(ds, verbose);

    int matched[3] = {0, 0, 0}, undefined = 0;
    std::printf("file\t%s\t%s\t%s\n", kCobbColumnLabels[0], kCobbColumnLabels[1], kCobbColumnLabels[2]);
    for (const AasceRow& r : ds.rows) {
        std::array<double, 3> c;
        try {
            c = cobb_angles(r.raw, r.height).columns();
        } catch (const Error& e) {  // degenerate landmarks: no angle rather than a NaN or a made-up one
            ++undefined;
            std::cerr << "cobb: row " << r.index << " (" << r.file_name << "): " << e.what() << "\n";
            continue;
        }
        std::printf("%s\t%.3f\t%.3f\t%.3f\n", r.file_name.c_str(), c[0], c[1], c[2]);
        if (!r.has_angles) continue;
        for (int k = 0; k < 3; ++k) {
            const bool ok = std::fabs(c[k] - r.angles[k]) <= kMatchTolerance;
            matched[k] += ok;
            if (!ok && verbose)
                std::fprintf(stderr, "cobb: row %d %s: computed %.3f, angles.csv %.3f\n", r.index, kCobbColumnLabels[k], c[k], r.angles[k]);
        }
    }
    if (ds.has_angles)
        for (int k = 0; k < 3; ++k)
            std::printf("%s matched %d/%zu within 0.1°\n", kCobbColumnLabels[k], matched[k], ds.rows.size());
    if (undefined) std::cerr << "cobb: " << undefined << " rows without defined angles\n";
    return undefined ? 1 : 0;
}

const Registration registration{{"cobb", "Cobb angles of an AASCE dataset folder (reference method)", kUsage, &run}};

}  // namespace
}  // namespace keybot::cli
