"""Refresh the generated sections of models/README.md (between <!-- BEGIN:x --> and <!-- END:x -->)
from export_info.json, check.json and eval.json in the models folder.

    /usr/bin/python3 -m models.train.report [--dir models] [--status "text"]
"""
from __future__ import annotations

import argparse
import json
import os
import re

from .config import REPO_MODELS


def _load(d, name):
    p = os.path.join(d, name)
    return json.load(open(p)) if os.path.exists(p) else None


def size_table(info, check):
    rows = ["| role | params | MACs (G) | fp32 MB | int8 MB | fp16 MB | int8 file: weights in fp16 | "
            "int8 Δ vs fp32: p99 / max | fp16 Δ: p99 / max | trained (min / steps) | checkpoint |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    tot = 0
    n_img = sorted({v.get("images", 0) for v in (check or {}).get("roles", {}).values()})
    for role, r in info.items():
        b = r["bytes"]
        tot += b["int8"]
        c = (check or {}).get("roles", {}).get(role, {}).get("diff_vs_fp32_onnx", {})
        unit = " prob" if role == "detector" else " px"
        def delta(v):
            if v not in c:
                return "-"
            p99 = f"{c[v]['p99']:.3f} / " if "p99" in c[v] else ""
            return f"{p99}{c[v]['max']:.3f}{unit}"
        di, df = delta("int8"), delta("fp16")
        rows.append(f"| {role} | {r['params'] / 1e6:.2f}M | {r['macs'] / 1e9:.2f} | {b['fp32'] / 1e6:.2f} | "
                    f"{b['int8'] / 1e6:.2f} | {b['fp16'] / 1e6:.2f} | {len(r.get('int8_fp16_layers', r.get('int8_fp32_layers', [])))} | "
                    f"{di} | {df} | {r['train_minutes']:.0f} / {r['steps']} | {r['checkpoint']} |")
    tol_px = (check or {}).get("tolerance_px", 0.5)
    q = (check or {}).get("tolerance_quantile")
    rule = (f"{q}% of points within {tol_px:g} input px" if q else f"every point within {tol_px:g} input px")
    rows.append(f"\nAll three int8 files: {tot / 1e6:.2f} MB. Δ = radial keypoint difference from the fp32 file over "
                f"{'/'.join(map(str, n_img))} validation images, 99th percentile of points / largest (detector: "
                f"error_prob difference). A variant passes when {rule} (detector: every probability within "
                f"{(check or {}).get('tolerance_prob', 0.05):g}).")
    return "\n".join(rows)


def eval_table(ev):
    from .evaluate import markdown_table
    lines = [f"Measured by `keybot eval` on {ev['images']} validation images, {ev['variant']} ONNX files; "
             "MRE in original-image pixels.", "", markdown_table(ev), ""]
    d = ev["detector"]
    source = "detector fused with the refiner's spread" if ev.get("flag_fusion") else "detector alone"
    at = f", probability ≥ {ev['threshold']:.3g}" if "threshold" in ev else ""
    lines.append(f"Flags ({source}{at}) on the refiner's 0-click output: precision {d['precision']:.2f}, recall "
                 f"{d['recall']:.2f} ({d['error_rate'] * 100:.1f}% of points are errors > "
                 f"{d['error_threshold_input_px']:g} input px).")
    r20 = ev["reach"]["pipeline"].get("20")
    if r20:
        lines.append(f"Images reaching MRE ≤ 20 px within {ev['clicks']} clicks (pipeline): {r20['images']} of "
                     f"{ev['images']} ({100 * r20['images'] / ev['images']:.0f}%), after {r20['mean_clicks']:.2f} "
                     "clicks on average.")
    lines.append("Targets (models v2): pipeline MRE ≤ 52 / 32 / 26 / 21.5 / 18.5 / 16 at 0–5 clicks; Cobb SMAPE ≤ 14% "
                 "at 0 clicks and ≤ 10% after 3; ≥ 90% of images at MRE ≤ 20 px within 5 clicks; detector recall ≥ 0.6 "
                 "at precision ≥ 0.7.")
    return "\n".join(lines)


def replace_block(text, key, body):
    pat = re.compile(rf"<!-- BEGIN:{key} -->.*?<!-- END:{key} -->", re.S)
    block = f"<!-- BEGIN:{key} -->\n{body}\n<!-- END:{key} -->"
    return pat.sub(lambda _: block, text) if pat.search(text) else text


def update_readme(d=REPO_MODELS, status=None, eval_file="eval.json", eval_note=""):
    p = os.path.join(d, "README.md")
    if not os.path.exists(p):
        return
    text = open(p).read()
    info, check, ev = _load(d, "export_info.json"), _load(d, "check.json"), _load(d, eval_file)
    if info:
        text = replace_block(text, "sizes", size_table(info, check))
    if ev:
        text = replace_block(text, "eval", (eval_note + "\n\n" if eval_note else "") + eval_table(ev))
    if status:
        text = replace_block(text, "status", status)
    open(p, "w").write(text)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=REPO_MODELS)
    ap.add_argument("--status", default=None)
    ap.add_argument("--eval-file", default="eval.json")
    ap.add_argument("--eval-note", default="")
    a = ap.parse_args(argv)
    update_readme(a.dir, a.status, a.eval_file, a.eval_note)


if __name__ == "__main__":
    main()
