"""Export trained checkpoints to ONNX (opset 13, batch 1, fp32) per the model contract, then write
the int8 and fp16 variants (quantize.py) and check them (check.py).

    /usr/bin/python3 -m models.train.export --config default [--which final|last|auto] [--out models]
"""
from __future__ import annotations

import argparse
import json
import os

import torch
import torch.nn as nn

from . import net
from .config import VERSION, get_config
from .exported import SPEC, example_inputs, export_module


# int8 fallback when the check fails: the k most int8-sensitive Conv weights (sensitivity.py) are stored as
# float16 instead, k growing until the file passes (all float16 at worst).
FP16_COUNTS = [0, 2, 4, 8, 12, 16, 24, 1000]


def count_macs(model, inputs):
    macs = [0]

    def hook(mod, inp, out):
        k = mod.weight[0].numel()
        macs[0] += out.numel() * k

    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        model(*inputs)
    for h in hs:
        h.remove()
    return macs[0]


def set_meta(model_proto, cfg, role, extra=None):
    meta = {
        "keybot.schema": "aasce_spine_68",
        "keybot.input_height": str(cfg.height),
        "keybot.input_width": str(cfg.width),
        "keybot.role": role,
        "keybot.version": VERSION,
        "keybot.coords": "input-tensor pixels, pixel centres at integer coordinates; "
                         "x_orig = (x + 0.5) * orig_width / input_width - 0.5",
        "keybot.point_order": "AASCE: 17 vertebrae T1..L5, corners TL,TR,BL,BR (image left/right)",
        "keybot.config": cfg.name,
    }
    if role == "detector":
        meta["keybot.error_threshold_px"] = str(cfg.error_threshold)
    if role == "corrector":
        meta["keybot.pipeline_rounds"] = str(cfg.pipeline_rounds)
    meta.update(extra or {})
    del model_proto.metadata_props[:]
    for k, v in meta.items():
        e = model_proto.metadata_props.add()
        e.key, e.value = k, v


def export_role(cfg, role, model, path, extra_meta=None, flip_tta=None):
    import onnx
    _, ins, outs = SPEC[role]
    wrap, flipped = export_module(cfg, role, model, flip_tta)
    if flipped:
        extra_meta = dict(extra_meta or {}, **{"keybot.flip_tta": "1"})
    inputs = example_inputs(cfg, role)
    macs = count_macs(wrap, inputs)  # of the exported graph (flip averaging = two trunk passes)
    extra_meta = dict(extra_meta or {}, **{"keybot.macs": str(macs)})
    torch.onnx.export(wrap, inputs, path, input_names=ins, output_names=outs, opset_version=13,
                      do_constant_folding=True)
    mp = onnx.load(path)
    onnx.checker.check_model(mp)
    set_meta(mp, cfg, role, extra_meta)
    onnx.save(mp, path)
    return mp, macs


def training_meta(ck, tag):
    """Metadata on how a checkpoint was trained: this run, and in total with the runs it warm-started from."""
    prior = ck.get("prior", {"minutes": 0.0, "steps": 0})
    return {"keybot.train_minutes": f"{ck.get('elapsed', 0) / 60:.1f}", "keybot.train_steps": str(ck.get("step", 0)),
            "keybot.train_minutes_total": f"{prior['minutes'] + ck.get('elapsed', 0) / 60:.1f}",
            "keybot.train_steps_total": str(prior["steps"] + ck.get("step", 0)),
            "keybot.checkpoint": tag}


def training_so_far(meta):
    """The cumulative training recorded by training_meta in a file's metadata ({minutes, steps}); files from
    before the cumulative keys count their own run."""
    return {"minutes": float(meta.get("keybot.train_minutes_total", meta.get("keybot.train_minutes", 0))),
            "steps": int(meta.get("keybot.train_steps_total", meta.get("keybot.train_steps", 0)))}


def export_candidate(cfg, which="final", log=print, roles=("refiner", "detector", "corrector")):
    """The float16 copies of a training line that does not ship yet (warm.CANDIDATE_DIR), for the next session
    to continue from; no int8 file, check or evaluation."""
    import tempfile
    from .quantize import quantize_file
    from .train import load_model
    from .warm import CANDIDATE_DIR
    os.makedirs(CANDIDATE_DIR, exist_ok=True)
    for role in roles:
        model, ck = load_model(cfg, role, which)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, f"{role}.onnx")
            export_role(cfg, role, model, path, training_meta(ck, "candidate"))
            quantize_file(path, os.path.join(CANDIDATE_DIR, f"{role}.fp16.onnx"), "fp16")
        log(f"[export] candidate {role}: {ck.get('step', 0)} steps")


def load_from_onnx(cfg, role, src):
    """The weights of an exported fp32 file (`src`/<role>.onnx) as a module, with a checkpoint-like record of
    its training (from the file's metadata), so that export_all re-exports it with the current graph options
    (e.g. flip averaging) and the same training metadata."""
    from .warm import load_onnx_weights
    model = net.build(role, cfg)
    meta = load_onnx_weights(model, os.path.join(src, f"{role}.onnx"))
    model.eval()
    total = training_so_far(meta)
    minutes, steps = float(meta.get("keybot.train_minutes", 0)), int(meta.get("keybot.train_steps", 0))
    ck = {"elapsed": minutes * 60, "step": steps,
          "prior": {"minutes": total["minutes"] - minutes, "steps": total["steps"] - steps}}
    return model, ck, meta.get("keybot.checkpoint", "final")


def export_all(cfg, out, which="final", log=print, roles=("refiner", "detector", "corrector"), check_n=0,
               placeholder=False, from_onnx=None):
    """Exports each role's `which` checkpoint of this config's run (or, with `from_onnx`, the weights of the
    fp32 files in that folder) as fp32, fp16 and int8 files into `out`, checking the int8 ones."""
    from .train import load_model
    from .quantize import quantize_file
    from .check import check_all
    os.makedirs(out, exist_ok=True)
    info = {}
    for role in roles:
        tag = which
        try:
            if from_onnx:
                model, ck, tag = load_from_onnx(cfg, role, from_onnx)
            else:
                model, ck = load_model(cfg, role, which)
        except FileNotFoundError:
            if not placeholder or role == "refiner":
                log(f"[export] no {which} checkpoint for {role}")
                continue
            # preliminary file with the right contract: trunk from the refiner, untrained role head
            from .train import init_from_refiner
            model = net.build(role, cfg)
            init_from_refiner(cfg, model, log, "final" if os.path.exists(
                os.path.join(cfg.out_dir(), "refiner", "final.pt")) else "last")
            model.eval()
            ck, tag = {"elapsed": 0, "step": 0}, "placeholder"
        extra = training_meta(ck, tag)
        path = os.path.join(out, f"{role}.onnx")
        _, macs = export_role(cfg, role, model, path, extra)
        quantize_file(path, os.path.join(out, f"{role}.fp16.onnx"), "fp16")
        order = None
        for k in FP16_COUNTS:
            as_fp16 = tuple(order[:k]) if order else ()
            quantize_file(path, os.path.join(out, f"{role}.int8.onnx"), "int8", as_fp16=as_fp16)
            if check_all(cfg, out, log=log, roles=[role], n=check_n)[role]:
                break
            if order is None:
                from .sensitivity import rank_conv_weights
                order = rank_conv_weights(cfg, path, role, log=log)
            log(f"[export] {role}: int8 outside tolerance with {len(as_fp16)} float16 weights; trying more")
        info[role] = {"int8_fp16_layers": list(as_fp16), "params": net.n_params(model), "macs": macs,
                      "train_minutes": ck.get("elapsed", 0) / 60,
                      "steps": ck.get("step", 0), "checkpoint": tag,
                      "train_minutes_total": float(extra["keybot.train_minutes_total"]),
                      "steps_total": int(extra["keybot.train_steps_total"]),
                      "bytes": {v: os.path.getsize(os.path.join(out, f"{role}{s}.onnx"))
                                for v, s in (("fp32", ""), ("int8", ".int8"), ("fp16", ".fp16"))}}
        log(f"[export] {role}: {info[role]}")
    p = os.path.join(out, "export_info.json")
    merged = json.load(open(p)) if os.path.exists(p) else {}  # keep roles not exported this time
    merged.update(info)
    merged = {r: merged[r] for r in ("refiner", "detector", "corrector") if r in merged}
    with open(p, "w") as f:
        json.dump(merged, f, indent=1)
    if {"refiner", "detector"} & set(info):  # the flags combine both: refit for the pair now in `out`
        from .flag_fusion import fit_for_export
        fit_for_export(cfg, out, log=log)
    return info


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="default")
    ap.add_argument("--which", default="final", choices=["final", "last", "auto"])
    ap.add_argument("--out", default=None)
    ap.add_argument("--roles", default="refiner,detector,corrector")
    ap.add_argument("--placeholder", action="store_true",
                    help="roles without a checkpoint: export the refiner trunk with an untrained head")
    ap.add_argument("--check-n", type=int, default=0, help="check on the first n validation images (0 = all)")
    ap.add_argument("--from-onnx", default=None, metavar="DIR",
                    help="re-export the weights of DIR's fp32 files (e.g. the committed models with flip averaging "
                         "switched on) instead of a checkpoint")
    ap.add_argument("--candidate", action="store_true",
                    help="write float16 copies to train/candidate (a line that does not ship yet) and stop")
    a = ap.parse_args(argv)
    cfg = get_config(a.config)
    torch.set_num_threads(1)
    from .config import REPO_MODELS
    out = a.out or REPO_MODELS
    if a.candidate:
        return export_candidate(cfg, a.which, roles=tuple(a.roles.split(",")))
    export_all(cfg, out, a.which, roles=tuple(a.roles.split(",")), check_n=a.check_n, placeholder=a.placeholder,
               from_onnx=a.from_onnx)


if __name__ == "__main__":
    main()
