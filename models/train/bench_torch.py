"""PyTorch reference for `keybot bench`: the same three models, batch 1, timed in PyTorch with 1 and all
threads, in the same run as the C++ engine (ONNX Runtime), and the ratio between them.

    /usr/bin/python3 -m models.train.bench_torch --keybot build/native/src/cli/keybot [--models models]

Weights come from the training checkpoints when present, else the architecture is built with its initial
weights (latency does not depend on weight values). A "click" is the pipeline's worst case:
refiner + detector x (rounds + 1) + corrector x rounds, summed from the per-stage medians on both sides, so
the comparison is like for like (the engine's own measured click, which skips a corrector run when no point
is flagged, is printed too).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import time

import torch

from . import net
from .config import get_config
from .exported import example_inputs, export_module

ROLES = ("refiner", "detector", "corrector")


def load(cfg, role):
    """The role's network wrapped exactly as export.py exports it (flip averaging included when configured)."""
    try:
        from .train import load_model
        m, src = load_model(cfg, role, which="auto")[0], "checkpoint"
    except (FileNotFoundError, OSError, RuntimeError, KeyError):
        m, src = net.build(role, cfg), "initial weights"
    return export_module(cfg, role, m)[0], src


def time_ms(fn, runs):
    fn()  # warm-up
    ms = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1e3)
    ms.sort()
    return ms[len(ms) // 2], ms[min(len(ms) - 1, int(0.95 * len(ms)))]


def torch_rows(cfg, runs, threads_list):
    models = {r: load(cfg, r) for r in ROLES}
    rows = []
    for threads in threads_list:
        torch.set_num_threads(threads)
        for role in ROLES:
            m, src = models[role]
            inputs = example_inputs(cfg, role)
            with torch.no_grad():
                med, p95 = time_ms(lambda: m(*inputs), runs)
            rows.append({"threads": threads, "stage": role, "median_ms": med, "p95_ms": p95, "weights": src})
    return rows


def keybot_rows(binary, models_dir, runs):
    cmd = [binary, "bench", "--json", "--runs", str(runs)] + (["--models", models_dir] if models_dir else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [r for r in json.loads(out)["results"] if r["provider"].lower() == "cpu"]


def click(stage_ms, rounds):
    return stage_ms["refiner"] + stage_ms["detector"] * (rounds + 1) + stage_ms["corrector"] * rounds


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default="default")
    ap.add_argument("--keybot", help="path to the keybot binary (C++ engine side of the comparison)")
    ap.add_argument("--models", default=None, help="models folder for keybot bench (its default otherwise)")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args(argv)
    cfg = get_config(a.config)
    cores = os.cpu_count() or 1
    threads_list = sorted({1, cores})
    pt = torch_rows(cfg, a.runs, threads_list)
    ort = keybot_rows(a.keybot, a.models, a.runs) if a.keybot else []

    print(f"PyTorch {torch.__version__} vs keybot (ONNX Runtime), batch 1, {cfg.height}x{cfg.width}, "
          f"median of {a.runs} runs (ms); PyTorch weights: {pt[0]['weights']}")
    print("| threads | stage | PyTorch median | PyTorch p95 | keybot median | keybot p95 | PyTorch / keybot |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for threads in threads_list:
        p = {r["stage"]: r for r in pt if r["threads"] == threads}
        k = {r["stage"]: r for r in ort if r["threads"] == threads}
        for role in ROLES:
            kr = k.get(role)
            ratio = f"{p[role]['median_ms'] / kr['median_ms']:.2f}x" if kr else "-"
            kcol = f"{kr['median_ms']:.1f} | {kr['p95_ms']:.1f}" if kr else "- | -"
            print(f"| {threads} | {role} | {p[role]['median_ms']:.1f} | {p[role]['p95_ms']:.1f} | {kcol} | {ratio} |")
        pc = click({r: p[r]["median_ms"] for r in ROLES}, a.rounds)
        if all(r in k for r in ROLES):
            # the engine issue's per-click target: one pass of each model
            p1, k1 = (sum(x[r]["median_ms"] for r in ROLES) for x in (p, k))
            print(f"| {threads} | refiner + detector + corrector | {p1:.1f} | - | {k1:.1f} | - | {p1 / k1:.2f}x |")
            kc = click({r: k[r]["median_ms"] for r in ROLES}, a.rounds)
            print(f"| {threads} | click, worst case (sum of stages, {a.rounds} rounds) | {pc:.1f} | - | {kc:.1f} | - | "
                  f"{pc / kc:.2f}x |")
            measured = k.get("click (full revision)")
            if measured:
                print(f"| {threads} | click as measured by keybot | - | - | {measured['median_ms']:.1f} | "
                      f"{measured['p95_ms']:.1f} | - |")
        else:
            print(f"| {threads} | click, worst case (sum of stages, {a.rounds} rounds) | {pc:.1f} | - | - | - | - |")


if __name__ == "__main__":
    main()
