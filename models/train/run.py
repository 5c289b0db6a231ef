"""One command for everything: train refiner -> detector -> corrector, export ONNX, quantize, check,
evaluate. Every stage is resumable / skipped when done; re-run the same command after an interruption.

    /usr/bin/python3 -m models.train.run --config default [--only train|export|eval] [--out models]
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from .config import get_config


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="default")
    ap.add_argument("--out", default=None, help="where the ONNX files go (default: models/ of the repo; "
                                                "smoke: <TRAIN_DIR>/smoke/onnx)")
    ap.add_argument("--only", choices=["train", "export", "eval"], default=None)
    a = ap.parse_args(argv)
    cfg = get_config(a.config)
    os.makedirs(cfg.out_dir(), exist_ok=True)
    logf = open(os.path.join(cfg.out_dir(), "log.txt"), "a")

    def log(msg):
        line = f"{time.strftime('%H:%M:%S')} {msg}"
        print(line, flush=True)
        logf.write(line + "\n")
        logf.flush()

    log(f"config {cfg.name}: {cfg.to_json()}")
    from .config import REPO_MODELS
    out = a.out or (REPO_MODELS if cfg.name != "smoke" else os.path.join(cfg.out_dir(), "onnx"))
    if a.only in (None, "train"):
        import torch
        torch.set_num_threads(cfg.threads)
        from .data import Dataset
        from .train import train_role
        ds = Dataset(cfg, os.path.join(os.path.dirname(cfg.out_dir()), "cache"), log=log)
        tr, va = ds.split(cfg)
        log(f"split: {len(tr)} train / {len(va)} validation images")
        for role in ("refiner", "detector", "corrector"):
            train_role(cfg, role, ds, tr, va, log=log)
    if a.only in (None, "export"):
        from .export import export_all
        export_all(cfg, out, which="final", log=log)
    if a.only in (None, "eval"):
        from .evaluate import evaluate_all
        evaluate_all(cfg, out, log=log)
        if out == REPO_MODELS:
            from .report import update_readme
            update_readme(out, status=f"Status: final models of the `{cfg.name}` preset "
                                      f"(finished {time.strftime('%Y-%m-%d %H:%M')} UTC).")
    log("all done")


if __name__ == "__main__":
    sys.exit(main())
