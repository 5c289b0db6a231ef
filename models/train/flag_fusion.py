"""Flags from two sources: the detector's error probability and the refiner's heatmap spread.

On the validation split the refiner's own spread finds the 0-click errors better than the detector does
(recall at precision >= 0.7: 0.43 against 0.19 for the cycle-5 models; `error_analysis --fusion`), and the two
together better still. The combination is a logistic regression over five numbers per point, fitted at export
on the training images' 0-click outputs of the exported modules and stored in the detector's metadata as
`keybot.flag_fusion` (five numbers, the weights below in order). The engine (src/engine/flag_fusion.cpp)
computes the same features; tests/unit/test_engine_flag_fusion.cpp checks it against numbers from this module.

Features of point i (eps = 1e-4; its vertebra = the 4 corners 4*(i//4) .. 4*(i//4)+3):
  1. logit(clamp(p_i, eps, 1 - eps)), p = the detector's error_prob
  2. log(spread_i + eps), spread = the refiner's `spread` output (input px)
  3. the largest feature 1 over its vertebra (errors move whole vertebrae: the corners share the evidence)
  4. the mean of feature 2 over its vertebra
  5. 1 (bias)
fused probability = sigmoid(weights . features).
"""
from __future__ import annotations

import os

import numpy as np
import torch

META_KEY = "keybot.flag_fusion"
EPS = 1e-4
N_WEIGHTS = 5


def features(spread, prob):
    """[n,68] spread and detector probability -> [n*68, 5] features (see the module docstring)."""
    pc = np.clip(prob.astype(np.float64), EPS, 1 - EPS)
    logit = np.log(pc / (1 - pc))
    ls = np.log(spread.astype(np.float64) + EPS)
    n = len(prob)
    v_logit = np.repeat(logit.reshape(n, -1, 4).max(2), 4, axis=1)
    v_ls = np.repeat(ls.reshape(n, -1, 4).mean(2), 4, axis=1)
    return np.stack([logit, ls, v_logit, v_ls, np.ones_like(ls)], -1).reshape(-1, N_WEIGHTS)


def fused_probability(spread, prob, weights):
    """[n,68] fused error probability."""
    return (1 / (1 + np.exp(-features(spread, prob) @ np.asarray(weights)))).reshape(prob.shape)


def fit_logistic(f, y, l2=1e-3, iters=50):
    """Logistic regression by Newton's method (a handful of features; no library needed)."""
    w = np.zeros(f.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-f @ w))
        g = f.T @ (p - y) + l2 * w
        h = (f * (p * (1 - p))[:, None]).T @ f + l2 * np.eye(len(w))
        w -= np.linalg.solve(h, g)
    return w


def zero_click(cfg, refiner, detector, ds, images):
    """The exported modules' 0-click outputs: refiner points [n,68,2], spread [n,68], detector probability."""
    from .data import batch
    from .exported import export_module
    ref, _ = export_module(cfg, "refiner", refiner)
    det, _ = export_module(cfg, "detector", detector)
    preds, spread, probs = [], [], []
    with torch.no_grad():
        for s in range(0, len(images), 8):
            idx = images[s:s + 8]
            x, _ = batch(ds, idx, None, augment_on=False)
            x = torch.from_numpy(x)
            n = len(idx)
            xy, _, sp = ref(x, torch.zeros(n, 68, 2), torch.zeros(n, 68))
            probs.append(det(x, xy).numpy())
            preds.append(xy.numpy())
            spread.append(sp.numpy())
    return np.concatenate(preds), np.concatenate(spread), np.concatenate(probs)


def is_error(cfg, pred, truth):
    """[n,68] True where a point is more than cfg.error_threshold input px from the truth."""
    return np.linalg.norm(pred - truth, axis=-1) > cfg.error_threshold


def fit_outputs(cfg, pred, spread, prob, truth):
    """Weights fitted on zero_click's outputs for images whose points are `truth`."""
    return fit_logistic(features(spread, prob), is_error(cfg, pred, truth).ravel().astype(float))


def fit(cfg, refiner, detector, ds, images):
    """Weights fitted on `images` (the training split): a point is an error above cfg.error_threshold px."""
    return fit_outputs(cfg, *zero_click(cfg, refiner, detector, ds, images), ds.pts[images])


def meta_value(weights):
    return " ".join(f"{w:.7g}" for w in weights)


def fit_for_export(cfg, out, log=print):
    """Fits the weights for the fp32 refiner and detector files in `out` and writes them into the metadata of
    every detector variant there. Returns the weights, or None when a file is missing."""
    import onnx
    from . import net
    from .data import Dataset
    from .warm import load_onnx_weights
    paths = {r: os.path.join(out, f"{r}.onnx") for r in ("refiner", "detector")}
    if not all(os.path.exists(p) for p in paths.values()):
        log("[fusion] refiner.onnx or detector.onnx missing: no flag fusion")
        return None
    models = {}
    for role, p in paths.items():
        models[role] = net.build(role, cfg)
        load_onnx_weights(models[role], p)
        models[role].eval()
    ds = Dataset(cfg, os.path.join(os.path.dirname(cfg.out_dir()), "cache"), log=lambda *a: None)
    tr, _ = ds.split(cfg)
    w = fit(cfg, models["refiner"], models["detector"], ds, tr)
    for suffix in ("", ".fp16", ".int8"):
        p = os.path.join(out, f"detector{suffix}.onnx")
        if not os.path.exists(p):
            continue
        mp = onnx.load(p)
        kept = [e for e in mp.metadata_props if e.key != META_KEY]
        del mp.metadata_props[:]
        mp.metadata_props.extend(kept)
        e = mp.metadata_props.add()
        e.key, e.value = META_KEY, meta_value(w)
        onnx.save(mp, p)
    log(f"[fusion] {META_KEY} = {meta_value(w)} (fitted on {len(tr)} training images)")
    return w
