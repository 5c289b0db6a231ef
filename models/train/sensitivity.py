"""Which Conv weights int8 hurts most. Soft-argmax decoding turns small logit changes on an uncertain point
(two candidate vertebrae) into keypoint shifts, so a few layers decide whether an int8 file stays within the
check's 0.5 px. Each Conv weight is quantized alone and the largest keypoint shift it causes on a few
validation images ranks it; export.py then keeps the top-ranked ones in float16 inside the int8 file.
"""
from __future__ import annotations

import os
import tempfile

import numpy as np

from .valset import run_role, val_inputs
from .onnx_torch import OnnxTorch


def rank_conv_weights(cfg, path, role, n=8, log=print):
    """Conv weight names of the fp32 file at `path`, most int8-sensitive first."""
    import onnx
    from .quantize import conv_weights, quantize_model
    ds, va = val_inputs(cfg, n)
    rng = np.random.RandomState(0)
    cases = []
    for i in va:
        img = ds.images[i][None, None].astype(np.float32) / 255.0
        gt = ds.pts[i][None]
        xy = gt + rng.normal(0, 0.5, gt.shape).astype(np.float32)
        mask = (rng.rand(1, 68) < (0.7 if role == "corrector" else 0.1)).astype(np.float32)
        cases.append((img, xy, mask))
    base_m = OnnxTorch(path)
    base = [run_role(base_m, role, *c) for c in cases]
    names = conv_weights(onnx.load(path))
    scores = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            mp = onnx.load(path)
            quantize_model(mp, "int8", skip=tuple(x for x in names if x != name))
            p = os.path.join(tmp, "one.onnx")
            onnx.save(mp, p)
            m = OnnxTorch(p)
            diffs = [np.linalg.norm(run_role(m, role, *c) - b, axis=-1).max() for c, b in zip(cases, base)]
            scores[name] = float(np.max(diffs))
    order = sorted(names, key=lambda k: -scores[k])
    log(f"[sensitivity] {role}: " + ", ".join(f"{k} {scores[k]:.2f}" for k in order[:8]) + " ...")
    return order
