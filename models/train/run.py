"""One command for everything: train refiner -> detector -> corrector, export ONNX, quantize, check,
evaluate. Every stage is resumable / skipped when done; re-run the same command after an interruption.

    /usr/bin/python3 -m models.train.run --config default [--only train|export|eval] [--out models] [--new-cycle]

--new-cycle starts another training cycle on top of the committed models (each session adds to the last):
the previous run folder is kept under <config>.<time> and every stage warm-starts from models/<role>.onnx.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from .config import get_config


def train_side_by_side(config_name, cfg, roles, log):
    """Detector and corrector depend only on the refiner: train them at once, each on its share of the
    threads. Two single-thread processes get more from 2 cores than one 2-thread process after the other
    (the small convolutions scale poorly across threads). Each resumes on its own, like a sequential run."""
    import subprocess
    share = max(1, cfg.threads // len(roles))
    procs = []
    for role in roles:
        d = os.path.join(cfg.out_dir(), role)
        os.makedirs(d, exist_ok=True)
        out = open(os.path.join(d, "train.out"), "a")
        cmd = [sys.executable, "-m", "models.train.train", "--config", config_name, "--role", role,
               "--threads", str(share)]
        log(f"[{role}] started side by side ({share} thread(s)); log {out.name}")
        procs.append((role, subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                             cwd=os.path.dirname(os.path.dirname(os.path.dirname(
                                                 os.path.abspath(__file__)))))))
    failed = [role for role, p in procs if p.wait() != 0]
    for role in roles:
        with open(os.path.join(cfg.out_dir(), role, "train.out")) as f:
            tail = f.read().splitlines()[-3:]
        for line in tail:
            log(line)
    if failed:
        raise SystemExit(f"training failed for {', '.join(failed)}: see their train.out")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="default")
    ap.add_argument("--out", default=None, help="where the ONNX files go (default: models/ of the repo; "
                                                "smoke: <TRAIN_DIR>/smoke/onnx)")
    ap.add_argument("--only", choices=["train", "export", "eval"], default=None)
    ap.add_argument("--new-cycle", action="store_true", help="archive the run folder and continue from the "
                                                             "committed models (warm start)")
    a = ap.parse_args(argv)
    cfg = get_config(a.config)
    if a.new_cycle and os.path.isdir(cfg.out_dir()):
        os.rename(cfg.out_dir(), f"{cfg.out_dir()}.{time.strftime('%Y%m%d-%H%M%S')}")
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
        train_role(cfg, "refiner", ds, tr, va, log=log)
        if cfg.threads >= 2:
            train_side_by_side(a.config, cfg, ("detector", "corrector"), log)
        else:
            for role in ("detector", "corrector"):
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
