"""Where the refiner's 0-click errors are, and how well they can be flagged (validation split, PyTorch on the
fp32 ONNX weights): the table in models/README.md ("Error analysis") comes from this.

    /usr/bin/python3 -m models.train.error_analysis [--dir models] [--fusion]

Prints: the share of points over the detector's error threshold; the detector's ROC AUC and precision/recall
at several thresholds; the AUC of the refiner's own heatmap spread as an error score (what a detector should
beat); the error split into a per-vertebra offset (the 4 corners moving together) and the rest; errors along
and across the image's vertical axis; mean error per vertebra level. Input px throughout (512 x 256).
--fusion: flags from the detector and the heatmap spread combined (flag_fusion.py, fitted on the training images),
at 0.5 and at the threshold that gives precision 0.7 on the training images.
The refiner and detector run as exported (flip averaging included when the config has it).
"""
from __future__ import annotations

import argparse
import os

import numpy as np
import torch

from . import flag_fusion, net
from .config import REPO_MODELS, get_config
from .data import Dataset
from .train import roc_auc
from .warm import load_onnx_weights


def recall_at_precision(score, bad, precision=0.7):
    """Best recall among thresholds whose flags have at least `precision`."""
    o = np.argsort(-score.ravel(), kind="stable")
    b = bad.ravel()[o]
    tp = np.cumsum(b)
    ok = tp / np.arange(1, len(b) + 1) >= precision
    return float(tp[ok].max() / b.sum()) if ok.any() else 0.0


def operating_threshold(score, bad, precision):
    """The lowest score whose flags (score >= it) have at least `precision` (so the most recall that precision
    allows); 0.5 when none does."""
    o = np.argsort(-score.ravel(), kind="stable")
    s, b = score.ravel()[o], bad.ravel()[o].astype(float)
    ok = np.cumsum(b) / np.arange(1, len(b) + 1) >= precision
    ok &= np.r_[s[1:] != s[:-1], True]  # a cut falls between distinct scores: flags are score >= threshold
    return float(s[np.nonzero(ok)[0].max()]) if ok.any() else 0.5


def fusion(ref, det, ds, tr, va_out, cfg, log):
    """How much better flags get when the detector's probability is combined with the refiner's heatmap
    spread (flag_fusion.py: the fit export stores in the detector), scored on validation; and whether an
    operating threshold chosen on the training images for precision 0.7 would serve better than 0.5."""
    pred_t, spread_t, prob_t = flag_fusion.zero_click(cfg, ref, det, ds, tr)
    bad_t = flag_fusion.is_error(cfg, pred_t, ds.pts[tr])
    w = flag_fusion.fit_outputs(cfg, pred_t, spread_t, prob_t, ds.pts[tr])
    chosen = operating_threshold(flag_fusion.fused_probability(spread_t, prob_t, w), bad_t, 0.7)
    pred_v, spread_v, prob_v, bad_v = va_out
    fused = flag_fusion.fused_probability(spread_v, prob_v, w)
    log(f"fused weights {np.round(w, 3).tolist()}; training images: {bad_t.mean() * 100:.1f}% of points are errors")
    for name, th in (("0.5", 0.5), ("precision 0.7 on the training images", chosen),
                     ("precision 0.7 on validation (for reference only)", operating_threshold(fused, bad_v, 0.7))):
        flags = fused >= th
        tp = (flags & bad_v).sum()
        log(f"  threshold {th:.3f} ({name}): validation precision {tp / max(1, flags.sum()):.3f}, "
            f"recall {tp / max(1, bad_v.sum()):.3f}")
    for name, score in (("detector", prob_v), ("heatmap spread", spread_v), ("fused", fused)):
        log(f"  {name:15s} AUC {roc_auc(score, bad_v):.3f}, recall at precision >= 0.7: "
            f"{recall_at_precision(score, bad_v):.3f}")


def run(models_dir, log=print, with_fusion=False):
    torch.set_num_threads(1)
    cfg = get_config("default")
    ds = Dataset(cfg, os.path.join(os.path.dirname(cfg.out_dir()), "cache"), log=lambda *a: None)
    tr, va = ds.split(cfg)
    ref = net.build("refiner", cfg)
    load_onnx_weights(ref, os.path.join(models_dir, "refiner.onnx"))
    det = net.build("detector", cfg)
    load_onnx_weights(det, os.path.join(models_dir, "detector.onnx"))
    ref.eval(), det.eval()
    pred, spread, prob = flag_fusion.zero_click(cfg, ref, det, ds, va)
    delta = pred - ds.pts[va]
    err = np.linalg.norm(delta, axis=-1)
    bad = flag_fusion.is_error(cfg, pred, ds.pts[va])
    log(f"{len(va)} validation images, 0 clicks: mean error {err.mean():.2f} input px, "
        f"{bad.mean() * 100:.1f}% of points over {cfg.error_threshold:g} px")
    log(f"detector ROC AUC {roc_auc(prob, bad):.3f}; refiner heatmap spread as the score: AUC {roc_auc(spread, bad):.3f}")
    for th in (0.3, 0.4, 0.5, 0.6):
        f = prob >= th
        tp = (f & bad).sum()
        log(f"  detector threshold {th:.1f}: flags {f.mean() * 100:.1f}% of points, precision "
            f"{tp / max(1, f.sum()):.3f}, recall {tp / max(1, bad.sum()):.3f}")
    per_vertebra = delta.reshape(len(va), 17, 4, 2)
    rest = np.linalg.norm(per_vertebra - per_vertebra.mean(2, keepdims=True), axis=-1)
    log(f"without each vertebra's mean offset: mean error {rest.mean():.2f} px, {(rest > cfg.error_threshold).mean() * 100:.1f}% "
        f"of points over {cfg.error_threshold:g} px")
    ax = np.abs(delta).mean((0, 1))
    log(f"mean |error| across (x) {ax[0]:.2f} px, along the image's vertical (y) {ax[1]:.2f} px")
    log("mean error per level T1..L5: " + " ".join(f"{v:.1f}" for v in err.reshape(len(va), 17, 4).mean((0, 2))))
    if with_fusion:
        fusion(ref, det, ds, tr, (pred, spread, prob, bad), cfg, log)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=REPO_MODELS, help="folder with refiner.onnx and detector.onnx (fp32)")
    ap.add_argument("--fusion", action="store_true", help="also fit detector + heatmap spread on the training "
                    "images' 0-click outputs and score the combination on validation (a few minutes)")
    a = ap.parse_args(argv)
    run(a.dir, with_fusion=a.fusion)


if __name__ == "__main__":
    main()
