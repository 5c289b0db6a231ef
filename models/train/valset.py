"""The validation images as the checks see them, and one call per role on an ONNX model (check.py and
sensitivity.py share both)."""
from __future__ import annotations

import os


def val_inputs(cfg, n=0):
    from .data import Dataset
    ds = Dataset(cfg, os.path.join(os.path.dirname(cfg.out_dir()), "cache"), log=lambda *_: None)
    _, va = ds.split(cfg)
    if n:
        va = va[:n]
    return ds, va


def run_role(m, role, img, xy, mask):
    if role == "refiner":
        return m(image=img, hint_xy=xy, hint_mask=mask)[0]
    if role == "detector":
        return m(image=img, xy=xy)[0]
    return m(image=img, xy=xy, trust_mask=mask)[0]
