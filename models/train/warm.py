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
        # fp32 files name weights as in the state_dict; fp16 files store Conv weights as <name>_fp16 (quantize.py)
        src = next((t[n] for n in ("m." + k, k, "m." + k + "_fp16", k + "_fp16") if n in t), None)
        if src is None:
            raise ValueError(f"{path}: no initializer for {k!r} (another architecture?)")
        if tuple(src.shape) != tuple(v.shape):
            raise ValueError(f"{path}: {k!r} has shape {tuple(src.shape)}, the model wants {tuple(v.shape)}")
        new[k] = src.to(v.dtype)
    model.load_state_dict(new)
    return meta


# Weights of the training line in progress that do not ship yet (they have not beaten the shipped models):
# float16 copies, half the bytes of fp32, plenty to continue training from.
CANDIDATE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "candidate")


def committed_onnx(role):
    """Files to warm-start `role` from, in order: the shipped fp32 model, then the candidate line's copy."""
    from .config import REPO_MODELS
    paths = [os.path.join(REPO_MODELS, f"{role}.onnx"), os.path.join(CANDIDATE_DIR, f"{role}.fp16.onnx")]
    return [p for p in paths if os.path.exists(p)]
