"""Where the refiner's 0-click errors are, and how well they can be flagged (validation split, PyTorch on the
fp32 ONNX weights): the table in models/README.md ("Error analysis") comes from this.

    /usr/bin/python3 -m models.train.error_analysis [--dir models]

Prints: the share of points over the detector's error threshold; the detector's ROC AUC and precision/recall
at several thresholds; the AUC of the refiner's own heatmap spread as an error score (what a detector should
beat); the error split into a per-vertebra offset (the 4 corners moving together) and the rest; errors along
and across the image's vertical axis; mean error per vertebra level. Input px throughout (512 x 256).
"""
from __future__ import annotations

import argparse
import os

import numpy as np
import torch

from . import net
from .config import REPO_MODELS, get_config
from .data import Dataset, batch
from .train import roc_auc
from .warm import load_onnx_weights


def run(models_dir, log=print):
    torch.set_num_threads(1)
    cfg = get_config("default")
    ds = Dataset(cfg, os.path.join(os.path.dirname(cfg.out_dir()), "cache"), log=lambda *a: None)
    _, va = ds.split(cfg)
    ref = net.build("refiner", cfg)
    load_onnx_weights(ref, os.path.join(models_dir, "refiner.onnx"))
    det = net.build("detector", cfg)
    load_onnx_weights(det, os.path.join(models_dir, "detector.onnx"))
    ref.eval(), det.eval()
    grid = ref.trunk.grid
    preds, spread, probs = [], [], []
    with torch.no_grad():
        for s in range(0, len(va), 8):
            idx = va[s:s + 8]
            x, _ = batch(ds, idx, None, augment_on=False)
            x = torch.from_numpy(x)
            n = len(idx)
            xy, logits = ref(x, torch.zeros(n, 68, 2), torch.zeros(n, 68))[:2]
            p, _ = grid.soft_argmax(logits)
            d2 = ((grid.gxy[None, None] - xy[:, :, None]) ** 2).sum(-1)
            spread.append(torch.sqrt((p * d2).sum(-1)).numpy())
            probs.append(det(x, xy)[0].numpy())
            preds.append(xy.numpy())
    pred, spread, prob = np.concatenate(preds), np.concatenate(spread), np.concatenate(probs)
    delta = pred - ds.pts[va]
    err = np.linalg.norm(delta, axis=-1)
    bad = err > cfg.error_threshold
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


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=REPO_MODELS, help="folder with refiner.onnx and detector.onnx (fp32)")
    run(ap.parse_args(argv).dir)


if __name__ == "__main__":
    main()
