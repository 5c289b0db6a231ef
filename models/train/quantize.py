"""Weight-only quantization over the ONNX graph.

int8: every Conv weight -> int8 initializer + DequantizeLinear (per output channel, axis 0, symmetric,
      zero point 0, scale chosen per channel to minimise the squared weight error; opset 13). fp16: every Conv weight -> float16 initializer + Cast(to=float).
Biases and constant tables (coordinate grids) stay float32. Activations stay float32.

    /usr/bin/python3 -m models.train.quantize in.onnx out.onnx int8|fp16
"""
from __future__ import annotations

import sys

import numpy as np


def _inline_identities(g):
    """Identity nodes fed by initializers (deduplicated weights): point consumers at the source."""
    inits = {i.name for i in g.initializer}
    rename = {}
    keep = []
    for n in g.node:
        if n.op_type == "Identity" and n.input[0] in inits:
            rename[n.output[0]] = n.input[0]
        else:
            keep.append(n)
    outs = {o.name for o in g.output}
    for n in keep:
        for i, name in enumerate(n.input):
            if name in rename:
                n.input[i] = rename[name]
    del g.node[:]
    g.node.extend(keep)
    assert not (outs & set(rename))


def conv_weights(mp):
    """Names of the Conv weight initializers, in graph order (Identity aliases of a weight inlined first, so a
    shared weight appears once)."""
    g = mp.graph
    _inline_identities(g)
    inits = {i.name for i in g.initializer}
    names = []
    for n in g.node:
        if n.op_type == "Conv" and n.input[1] in inits and n.input[1] not in names:
            names.append(n.input[1])
    return names


# Clipping ratios tried per output channel: scale = ratio * max|w| / 127.
CLIP_RATIOS = np.linspace(0.5, 1.0, 51)


def mse_scales(w):
    """Per-output-channel int8 scales that minimise the squared rounding + clipping error of the channel's
    weights. max|w| / 127 wastes most of the 255 levels when one weight is an outlier; clipping it costs
    less than the coarser steps everywhere else."""
    flat = w.reshape(w.shape[0], -1).astype(np.float64)
    amax = np.maximum(np.abs(flat).max(1), 1e-12)
    best, best_err = amax / 127.0, np.full(flat.shape[0], np.inf)
    for ratio in CLIP_RATIOS:
        scale = ratio * amax / 127.0
        q = np.clip(np.round(flat / scale[:, None]), -127, 127) * scale[:, None]
        err = ((q - flat) ** 2).sum(1)
        better = err < best_err
        best[better], best_err[better] = scale[better], err[better]
    return best.astype(np.float32)


def quantize_model(mp, mode: str, skip=(), as_fp16=()):
    """skip: Conv weights left float32; as_fp16 (int8 mode): Conv weights stored float16 instead of int8."""
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    g = mp.graph
    conv_w = [n for n in conv_weights(mp) if n not in skip]
    inits = {i.name: i for i in g.initializer}
    # a weight used by several convs gets one shared dequantized tensor; consumers are renamed below
    new_nodes, new_inits = [], []
    for name in conv_w:
        w = numpy_helper.to_array(inits[name]).astype(np.float32)
        kind = "fp16" if mode == "fp16" or name in as_fp16 else "int8"
        src = name + ("_q" if kind == "int8" else "_fp16")
        if kind == "int8":
            scale = mse_scales(w)
            q = np.clip(np.round(w / scale.reshape(-1, *([1] * (w.ndim - 1)))), -127, 127).astype(np.int8)
            new_inits += [numpy_helper.from_array(q, src), numpy_helper.from_array(scale, name + "_scale"),
                          numpy_helper.from_array(np.zeros_like(q, shape=(w.shape[0],)), name + "_zp")]
            new_nodes.append(helper.make_node("DequantizeLinear", [src, name + "_scale", name + "_zp"],
                                              [name + "_deq"], axis=0, name=name + "_DequantizeLinear"))
        else:
            new_inits.append(numpy_helper.from_array(w.astype(np.float16), src))
            new_nodes.append(helper.make_node("Cast", [src], [name + "_deq"], to=TensorProto.FLOAT,
                                              name=name + "_Cast"))
    targets = set(conv_w)
    for n in g.node:
        if n.op_type == "Conv" and n.input[1] in targets:
            n.input[1] = n.input[1] + "_deq"
    kept = [i for i in g.initializer if i.name not in targets]
    del g.initializer[:]
    g.initializer.extend(kept + new_inits)
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(new_nodes + nodes)
    onnx.checker.check_model(mp)
    return mp


def quantize_file(src, dst, mode, skip=(), as_fp16=()):
    import onnx
    mp = onnx.load(src)
    meta = {p.key: p.value for p in mp.metadata_props}
    quantize_model(mp, mode, skip, as_fp16)
    e = mp.metadata_props.add()
    e.key, e.value = "keybot.weights", {"int8": "int8 per-channel weight-only (DequantizeLinear)",
                                        "fp16": "float16 weights + Cast"}[mode]
    if mode == "int8" and as_fp16:
        e.value += f"; {len(as_fp16)} most sensitive Conv weights float16 + Cast"
        # which ones, so the file says exactly what is not int8 (the model card repeats the count)
        f = mp.metadata_props.add()
        f.key, f.value = "keybot.fp16_weights", ",".join(as_fp16)
    assert meta.get("keybot.schema") == "aasce_spine_68"
    onnx.save(mp, dst)


if __name__ == "__main__":
    quantize_file(sys.argv[1], sys.argv[2], sys.argv[3])
