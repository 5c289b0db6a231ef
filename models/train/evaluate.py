"""Evaluation of the exported ONNX files on the validation split: one protocol, the C++ one. This runs
`keybot eval` (src/engine/eval.cpp: click simulation, Cobb angles, label repair, detector precision/recall)
and keeps its summary as models/eval.json, so training, README and CI report the same numbers.

    /usr/bin/python3 -m models.train.evaluate [--dir models] [--variant fp32|int8|fp16] [--n N]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time

from .config import DATA_DIR, REPO_MODELS, SPLIT_FILE, get_config

K_MAX = 5
REPO = os.path.dirname(REPO_MODELS)


def keybot_bin(log=print):
    """The native `keybot` (KEYBOT_BIN, else build/native/src/cli/keybot, built here when missing)."""
    p = os.environ.get("KEYBOT_BIN", os.path.join(REPO, "build", "native", "src", "cli", "keybot"))
    if not os.path.exists(p):
        log(f"[eval] {p} missing: building it (cmake --preset native, target keybot)")
        for cmd in (["cmake", "--preset", "native"], ["cmake", "--build", "--preset", "native", "--target", "keybot"]):
            subprocess.run(["nice", "-n", "19"] + cmd, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return p


def run_keybot_eval(models_dir, variant="fp32", n=0, threads=2, clicks=K_MAX, log=print):
    """The `summary` object of `keybot eval --json` on the validation split."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "eval.json")
        cmd = [keybot_bin(log), "eval", "--data", DATA_DIR, "--split", SPLIT_FILE, "--clicks", str(clicks),
               "--models", models_dir, "--variant", variant, "--threads", str(threads), "--json", out]
        if n:
            cmd += ["--limit", str(n)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"keybot eval failed ({r.returncode}): {r.stderr[-2000:]}")
        log(r.stdout)
        with open(out) as f:
            return json.load(f)["summary"]


def from_summary(s, variant, seconds):
    """eval.json: keybot eval's summary under the names the model card's tables read."""
    tracks = {"pipeline": s["full"], "refiner": s["refiner"], "manual": s["manual"]}
    reach = {name: {f"{r['threshold']:g}": {"images": r["reached"], "mean_clicks": r["mean_clicks"]}
                    for r in t["reach"]} for name, t in tracks.items()}
    return {"variant": variant, "images": s["images"], "seconds": seconds, "protocol": "keybot eval",
            "clicks": s["clicks"], "rounds": s["rounds"], "threshold": s["threshold"],
            "mre_orig_px": {k: t["mre"] for k, t in tracks.items()},
            "median_orig_px": {k: t["median"] for k, t in tracks.items()},
            "p90_orig_px": {k: t["p90"] for k, t in tracks.items()},
            "cobb_smape": {k: t["cobb_smape"] for k, t in tracks.items()},
            "reach": reach, "detector": s["detector"], "flag_fusion": s.get("flag_fusion", False)}


def evaluate_all(cfg, d, log=print, variant="fp32", n=0, tag=None):
    t0 = time.time()
    s = run_keybot_eval(os.path.abspath(d), variant, n or cfg.max_val_images, cfg.threads, log=log)
    out = from_summary(s, variant, time.time() - t0)
    if tag is None:
        tag = "" if variant == "fp32" else f"_{variant}"
    with open(os.path.join(d, f"eval{tag}.json"), "w") as f:
        json.dump(out, f, indent=1)
    log(markdown_table(out))
    return out


def markdown_table(out):
    ks = range(len(out["mre_orig_px"]["refiner"]))
    lines = ["| clicks k | " + " | ".join(str(k) for k in ks) + " |", "|---" * (len(ks) + 1) + "|"]
    for key in ("pipeline", "refiner"):
        for stat, name in (("mre_orig_px", "MRE"), ("median_orig_px", "median")):
            lines.append(f"| {key} {name} | " + " | ".join(f"{v:.1f}" for v in out[stat][key]) + " |")
    lines.append("| pipeline Cobb SMAPE % | " + " | ".join(f"{v:.1f}" for v in out["cobb_smape"]["pipeline"]) + " |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="default")
    ap.add_argument("--dir", default=None)
    ap.add_argument("--variant", default="fp32", choices=["fp32", "int8", "fp16"])
    ap.add_argument("--n", type=int, default=0, help="first n validation images only")
    ap.add_argument("--tag", default=None, help="eval<tag>.json (default: '' for fp32, _<variant> otherwise)")
    a = ap.parse_args(argv)
    evaluate_all(get_config(a.config), a.dir or REPO_MODELS, variant=a.variant, n=a.n, tag=a.tag)


if __name__ == "__main__":
    main()
