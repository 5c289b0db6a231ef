"""Warm start from the committed fp32 ONNX files: they hold every trained weight, so a new session continues
training from what the repository ships instead of from scratch, at no extra bytes in the repository.

torch.onnx.export names each parameter's initializer after its state_dict key; constant folding and weight
sharing can rename a tensor or alias it through an Identity node, so both are resolved. A key whose tensor is
missing, or whose shape differs (another architecture), makes the warm start refuse rather than half-load.
"""
from __future__ import annotations

import os

import torch


def onnx_state(path):
    """{initializer name (and Identity alias): tensor} of an ONNX file."""
    import onnx
    from onnx import numpy_helper
    mp = onnx.load(path)
    g = mp.graph
    t = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in g.initializer}
    for n in g.node:
        if n.op_type == "Identity" and n.input[0] in t:
            t[n.output[0]] = t[n.input[0]]
    return t, {p.key: p.value for p in mp.metadata_props}


def load_onnx_weights(model, path):
    """Copies the weights of the fp32 ONNX file at `path` into `model` (export wrappers prefix keys with
    'm.'). Returns the file's metadata. Raises ValueError naming the first key that does not fit."""
    t, meta = onnx_state(path)
    own = model.state_dict()
    new = {}
    for k, v in own.items():
        src = t.get("m." + k, t.get(k))
        if src is None:
            raise ValueError(f"{path}: no initializer for {k!r} (another architecture?)")
        if tuple(src.shape) != tuple(v.shape):
            raise ValueError(f"{path}: {k!r} has shape {tuple(src.shape)}, the model wants {tuple(v.shape)}")
        new[k] = src.to(v.dtype)
    model.load_state_dict(new)
    return meta


def committed_onnx(role):
    from .config import REPO_MODELS
    p = os.path.join(REPO_MODELS, f"{role}.onnx")
    return p if os.path.exists(p) else None
