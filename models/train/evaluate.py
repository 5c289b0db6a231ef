"""Evaluation protocol on the validation split, run on the exported ONNX files (fp32 by default).

For every validation image: predict with no hints; then for k = 1..5 the simulated user clicks the point
with the largest error among those not yet placed, places it exactly at ground truth, and the pipeline
reruns with all hints. MRE over all 68 points in original-image pixels after each k, for the refiner
alone and for the full pipeline (refiner -> [detector -> corrector] x rounds). Also detector
precision/recall (error = more than error_threshold input px) and Cobb-angle SMAPE.

    /usr/bin/python3 -m models.train.evaluate --config default [--dir models] [--variant fp32|int8|fp16]
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
import torch

from .config import get_config
from .onnx_torch import OnnxTorch

K_MAX = 5
ROUNDS = 2


# ------------------------------------------------------------------ Cobb angles (AASCE reference method,
# as in the widely used Python port of the challenge's MATLAB code)
def _is_s(mid_p_v):
    ll = []
    num = mid_p_v.shape[0]
    for i in range(num - 2):
        t1 = (mid_p_v[i, 1] - mid_p_v[num - 1, 1]) / (mid_p_v[0, 1] - mid_p_v[num - 1, 1])
        t2 = (mid_p_v[i, 0] - mid_p_v[num - 1, 0]) / (mid_p_v[0, 0] - mid_p_v[num - 1, 0] + 1e-9)
        ll.append(t1 - t2)
    ll = np.asarray(ll, np.float64)[:, None]
    pair = ll @ ll.T
    return abs(pair.sum() - np.abs(pair).sum()) >= 1e-4


def cobb_angles(pts, h):
    """pts [68,2] original px, h image height -> (PT, MT, TL) degrees."""
    pts = np.asarray(pts, np.float64)
    vnum = pts.shape[0] // 4 - 1
    mid_p_v = (pts[0::2] + pts[1::2]) / 2
    mid_p = []
    for i in range(0, pts.shape[0], 4):
        mid_p += [(pts[i] + pts[i + 2]) / 2, (pts[i + 1] + pts[i + 3]) / 2]
    mid_p = np.asarray(mid_p)
    vec_m = mid_p[1::2] - mid_p[0::2]
    dot_v = vec_m @ vec_m.T
    mod_v = np.sqrt((vec_m ** 2).sum(1))[:, None]
    mod_v = mod_v @ mod_v.T
    ang = np.arccos(np.clip(dot_v / (mod_v + 1e-12), 0.0, 1.0))
    pos1 = np.argmax(ang, 1)
    maxt = ang.max(1)
    pos2 = int(np.argmax(maxt))
    a1 = maxt.max()
    if not _is_s(mid_p_v):
        a2 = ang[0, pos2]
        a3 = ang[vnum, pos1[pos2]]
    else:
        if mid_p_v[pos2 * 2, 1] + mid_p_v[pos1[pos2] * 2, 1] < h:
            a2 = ang[pos2, :pos2 + 1].max()
            a3 = ang[pos1[pos2], pos1[pos2]:vnum + 1].max()
        else:
            a2 = ang[pos2, :pos2 + 1].max()
            p11 = int(np.argmax(ang[pos2, :pos2 + 1]))
            a3 = ang[p11, :p11 + 1].max()
    return np.degrees([a1, a2, a3])  # order of angles.csv (first = largest angle)


def smape(pred, gt):
    pred, gt = np.asarray(pred), np.asarray(gt)
    return float(np.mean(np.abs(pred - gt).sum(1) / (pred + gt).sum(1).clip(1e-6)) * 100)


# ------------------------------------------------------------------ pipeline
class Pipeline:
    """Runs the ONNX files on a batch of images (the interpreter maps the batch-1 graphs over the batch)."""

    def __init__(self, d, variant="fp32", refiner_only=False):
        suf = "" if variant == "fp32" else f".{variant}"
        self.ref = OnnxTorch(os.path.join(d, f"refiner{suf}.onnx"))
        p = os.path.join(d, f"detector{suf}.onnx")
        self.det = OnnxTorch(p) if os.path.exists(p) and not refiner_only else None
        p = os.path.join(d, f"corrector{suf}.onnx")
        self.cor = OnnxTorch(p) if os.path.exists(p) and not refiner_only else None

    def refine(self, img, hxy, hm):
        return self.ref(image=img, hint_xy=hxy, hint_mask=hm)[0]

    def detect(self, img, xy):
        return self.det(image=img, xy=xy)[0]

    def full(self, img, hxy, hm):
        xy = self.refine(img, hxy, hm)
        if self.det is None or self.cor is None:
            return xy
        for _ in range(ROUNDS):
            p = self.detect(img, xy)
            trust = np.maximum(hm, (p < 0.5).astype(np.float32))
            if trust.min() > 0:
                break
            xy = self.cor(image=img, xy=xy, trust_mask=trust)[0]  # all-trusted rows come back unchanged
        return xy


def click_protocol(fn, img, gt, scale):
    """img [B,1,H,W], gt [B,68,2] input px, scale [B,2] original px per input px.
    Returns errors in original px [B, K_MAX+1, 68] and predictions [B, K_MAX+1, 68, 2]."""
    B = gt.shape[0]
    hm = np.zeros((B, 68), np.float32)
    hxy = np.zeros((B, 68, 2), np.float32)
    errs, preds = [], []
    for k in range(K_MAX + 1):
        if k:
            e = errs[-1].copy()
            e[hm > 0] = -1
            j = np.argmax(e, 1)
            hm[np.arange(B), j] = 1
            hxy[np.arange(B), j] = gt[np.arange(B), j]
        xy = fn(img, hxy, hm)
        errs.append(np.linalg.norm((xy - gt) * scale[:, None], axis=-1))
        preds.append(xy)
    return np.stack(errs, 1), np.stack(preds, 1)


def evaluate_all(cfg, d, log=print, variant="fp32", n=0, bs=8, refiner_only=False, tag=None):
    from .check import val_inputs
    torch.set_num_threads(cfg.threads)
    ds, va = val_inputs(cfg, n or cfg.max_val_images)
    pipe = Pipeline(d, variant, refiner_only)
    t0 = time.time()
    res = {"refiner": [], "pipeline": []}
    det_stats = {"tp": 0, "fp": 0, "fn": 0, "n": 0}
    cobb = {"gt_recomputed": [], "refiner_k0": [], "pipeline_k0": [], "pipeline_k3": [], "truth": []}
    full = pipe.det is not None and pipe.cor is not None
    for s in range(0, len(va), bs):
        idx = va[s:s + bs]
        img = np.stack([ds.images[i] for i in idx])[:, None].astype(np.float32) / 255.0
        gt = ds.pts[idx]
        scale = np.array([[ds.sizes[i][0] / ds.W, ds.sizes[i][1] / ds.H] for i in idx])
        e_ref, p_ref = click_protocol(pipe.refine, img, gt, scale)
        res["refiner"].append(e_ref)
        if full:
            e_p, p_p = click_protocol(pipe.full, img, gt, scale)
            res["pipeline"].append(e_p)
        if pipe.det is not None:
            prob = pipe.detect(img, p_ref[:, 0])
            bad = np.linalg.norm(p_ref[:, 0] - gt, axis=-1) > cfg.error_threshold
            flag = prob > 0.5
            det_stats["tp"] += int((flag & bad).sum())
            det_stats["fp"] += int((flag & ~bad).sum())
            det_stats["fn"] += int((~flag & bad).sum())
            det_stats["n"] += bad.size
        for b, i in enumerate(idx):
            h = ds.sizes[i][1]
            cobb["truth"].append(ds.angles[i])
            cobb["gt_recomputed"].append(cobb_angles(ds.input_to_orig(gt[b], i), h))
            cobb["refiner_k0"].append(cobb_angles(ds.input_to_orig(p_ref[b, 0], i), h))
            if full:
                cobb["pipeline_k0"].append(cobb_angles(ds.input_to_orig(p_p[b, 0], i), h))
                cobb["pipeline_k3"].append(cobb_angles(ds.input_to_orig(p_p[b, 3], i), h))
        log(f"[eval {variant}] {s + len(idx)}/{len(va)} images, {time.time() - t0:.0f}s")
    out = {"variant": variant, "images": len(va), "seconds": time.time() - t0,
           "mre_orig_px": {}, "median_orig_px": {}, "p90_orig_px": {}}
    for key, v in res.items():
        if not v:
            continue
        a = np.concatenate(v)  # [n, K+1, 68]
        out["mre_orig_px"][key] = [float(a[:, k].mean()) for k in range(K_MAX + 1)]
        out["median_orig_px"][key] = [float(np.median(a[:, k])) for k in range(K_MAX + 1)]
        out["p90_orig_px"][key] = [float(np.percentile(a[:, k], 90)) for k in range(K_MAX + 1)]
    if det_stats["n"]:
        tp, fp, fn = det_stats["tp"], det_stats["fp"], det_stats["fn"]
        out["detector"] = {"on": "refiner output, 0 clicks", "error_threshold_input_px": cfg.error_threshold,
                           "precision": tp / max(1, tp + fp), "recall": tp / max(1, tp + fn),
                           "error_rate": (tp + fn) / det_stats["n"]}
    out["cobb_smape"] = {k: smape(v, cobb["truth"]) for k, v in cobb.items() if v and k != "truth"}
    if tag is None:
        tag = "" if variant == "fp32" else f"_{variant}"
    with open(os.path.join(d, f"eval{tag}.json"), "w") as f:
        json.dump(out, f, indent=1)
    log(f"[eval {variant}] {json.dumps(out)}")
    log(markdown_table(out))
    return out


def markdown_table(out):
    lines = ["| clicks k | " + " | ".join(str(k) for k in range(K_MAX + 1)) + " |",
             "|---" * (K_MAX + 2) + "|"]
    for key in ("refiner", "pipeline"):
        if key in out["mre_orig_px"]:
            lines.append(f"| {key} MRE | " + " | ".join(f"{v:.1f}" for v in out["mre_orig_px"][key]) + " |")
            lines.append(f"| {key} median | " + " | ".join(f"{v:.1f}" for v in out["median_orig_px"][key]) + " |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="default")
    ap.add_argument("--dir", default=None)
    ap.add_argument("--variant", default="fp32", choices=["fp32", "int8", "fp16"])
    ap.add_argument("--n", type=int, default=0, help="first n validation images only")
    ap.add_argument("--refiner-only", action="store_true")
    ap.add_argument("--tag", default=None, help="eval<tag>.json (default: '' for fp32, _<variant> otherwise)")
    a = ap.parse_args(argv)
    cfg = get_config(a.config)
    from .config import REPO_MODELS
    evaluate_all(cfg, a.dir or REPO_MODELS, variant=a.variant, n=a.n, refiner_only=a.refiner_only, tag=a.tag)


if __name__ == "__main__":
    main()
