// `keybot compare` figures and their CSV / text forms (see compare_report.hpp).
#include "compare_report.hpp"

#include <cmath>
#include <cstdio>

#include "keybot/core/error.hpp"
#include "keybot/core/metrics.hpp"
#include "keybot/core/schema.hpp"

namespace keybot::cli {
namespace {

double mean_of(const std::vector<double>& v) {
    double s = 0.0;
    for (double x : v) s += x;
    return v.empty() ? std::nan("") : s / static_cast<double>(v.size());
}

Spread spread_of(const std::vector<double>& v) {
    Spread s;
    s.n = static_cast<int>(v.size());
    if (v.empty()) return s;
    s.mean = mean_of(v);
    s.p25 = percentile(v, 0.25);
    s.median = percentile(v, 0.5);
    s.p75 = percentile(v, 0.75);
    s.p90 = percentile(v, 0.9);
    s.max = percentile(v, 1.0);
    return s;
}

// CSV numbers: 4 decimals (1e-4 px or degree is far below any annotation's precision); undefined -> empty.
std::string num(double v) {
    if (!std::isfinite(v)) return "";
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    return buf;
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// Summary numbers: 2 decimals, signed where the sign means something; "n/a" when undefined.
std::string fixed(double v, bool sign = false, int decimals = 2) {
    if (!std::isfinite(v)) return "n/a";
    char buf[48];
    std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, v);
    return buf;
}

std::string padded(std::string text, std::size_t width) {
    if (text.size() < width) text.insert(0, width - text.size(), ' ');
    return text;
}

}  // namespace

CompareReport build_report(const Matching& matching) {
    const Schema& schema = aasce_spine();
    CompareReport r;
    r.vertebrae = schema.group_names;
    std::vector<double> all;
    std::vector<std::vector<double>> per_vertebra(schema.groups.size());
    for (const MatchedImage& img : matching.images) {
        PairComparison c;
        try {
            c = compare_annotations(img.a, img.b, schema, img.height);
        } catch (const Error& e) {
            r.problems.push_back(img.key + ": " + e.what());
            continue;
        }
        all.insert(all.end(), c.distances.begin(), c.distances.end());
        for (std::size_t g = 0; g < schema.groups.size(); ++g)
            for (int i : schema.groups[g]) per_vertebra[g].push_back(c.distances[static_cast<std::size_t>(i)]);
        for (int k = 0; k < 3; ++k) {
            r.cobb[k].a.push_back(c.cobb_a[k]);
            r.cobb[k].b.push_back(c.cobb_b[k]);
        }
        r.images.push_back({img.key, img.image_file, std::move(c)});
    }
    r.points = spread_of(all);
    for (const auto& v : per_vertebra) r.per_vertebra.push_back(spread_of(v));
    for (CobbAgreement& c : r.cobb) {
        c.mean_a = mean_of(c.a);
        c.mean_b = mean_of(c.b);
        c.bland_altman = bland_altman(c.a, c.b);
        c.icc = icc_absolute_agreement(c.a, c.b);
    }
    return r;
}

std::string images_csv(const CompareReport& report) {
    const Schema& schema = aasce_spine();
    std::string out = "file,mean_px,max_px,max_point";
    for (const std::string& v : report.vertebrae) out += "," + v + "_px";
    for (const char* name : kCobbNames) out += std::string(",cobb_") + name + "_a,cobb_" + name + "_b,cobb_" + name + "_diff";
    out += "\n";
    for (const ImageResult& img : report.images) {
        const PairComparison& c = img.comparison;
        out += csv_field(img.image_file.empty() ? img.key : img.image_file) + "," + num(c.mean) + "," + num(c.max) + "," +
               (c.max_index >= 0 ? schema.landmarks[static_cast<std::size_t>(c.max_index)] : std::string());
        for (double g : c.group_mean) out += "," + num(g);
        for (int k = 0; k < 3; ++k) out += "," + num(c.cobb_a[k]) + "," + num(c.cobb_b[k]) + "," + num(c.cobb_diff[k]);
        out += "\n";
    }
    return out;
}

std::string agreement_csv(const CompareReport& report) {
    std::string out = "angle,n,mean_a,mean_b,bias,sd,loa_lower,loa_upper,icc\n";
    for (int k = 0; k < 3; ++k) {
        const CobbAgreement& c = report.cobb[k];
        const BlandAltman& ba = c.bland_altman;
        out += std::string(kCobbNames[k]) + "," + std::to_string(ba.n) + "," + num(c.mean_a) + "," + num(c.mean_b) + "," + num(ba.bias) +
               "," + num(ba.sd) + "," + num(ba.lower) + "," + num(ba.upper) + "," + num(c.icc) + "\n";
    }
    return out;
}

std::string vertebrae_csv(const CompareReport& report) {
    std::string out = "vertebra,n_points,mean_px,p25_px,median_px,p75_px,p90_px,max_px\n";
    auto row = [&](const std::string& name, const Spread& s) {
        out += name + "," + std::to_string(s.n) + "," + num(s.mean) + "," + num(s.p25) + "," + num(s.median) + "," + num(s.p75) + "," +
               num(s.p90) + "," + num(s.max) + "\n";
    };
    for (std::size_t v = 0; v < report.vertebrae.size(); ++v) row(report.vertebrae[v], report.per_vertebra[v]);
    row("all", report.points);
    return out;
}

void print_summary(std::ostream& out, const CompareReport& report) {
    const Spread& p = report.points;
    out << "Point distance A-B, px (the formats record no pixel spacing), " << report.images.size() << " images x 68 points:\n"
        << "  mean " << fixed(p.mean) << ", median " << fixed(p.median) << ", p90 " << fixed(p.p90) << ", max " << fixed(p.max) << "\n";
    if (!report.images.empty()) {
        const ImageResult* worst = &report.images.front();
        for (const ImageResult& img : report.images)
            if (img.comparison.mean > worst->comparison.mean) worst = &img;
        out << "  largest image mean: " << fixed(worst->comparison.mean) << " (" << (worst->image_file.empty() ? worst->key : worst->image_file)
            << ")\n";
    }
    out << "Mean distance per vertebra, px:\n ";
    for (std::size_t v = 0; v < report.vertebrae.size(); ++v) out << " " << report.vertebrae[v] << " " << fixed(report.per_vertebra[v].mean);
    out << "\nCobb angles, degrees (A - B):\n"
        << "  angle    n   mean A   mean B    bias      SD   limits of agreement   ICC(A,1)\n";
    for (int k = 0; k < 3; ++k) {
        const CobbAgreement& c = report.cobb[k];
        const BlandAltman& ba = c.bland_altman;
        out << "  " << kCobbNames[k] << std::string(6 - std::string(kCobbNames[k]).size(), ' ') << padded(std::to_string(ba.n), 4)
            << padded(fixed(c.mean_a), 9) << padded(fixed(c.mean_b), 9) << padded(fixed(ba.bias, true), 8) << padded(fixed(ba.sd), 8)
            << padded(fixed(ba.lower, true) + " to " + fixed(ba.upper, true), 22) << padded(fixed(c.icc, false, 3), 11) << "\n";
    }
}

}  // namespace keybot::cli
