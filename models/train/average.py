"""Weight averaging across training cycles: the mean of two fp32 exports of the same architecture.

Each cycle warm-starts from the last one's committed files and ends in the same basin, so the mean of two
cycles' weights is a model too, and often a better one than either (cycle 6 + cycle 7: 53.05 / 36.30 / 25.94 /
21.03 / 18.32 / 16.46 px at 0-5 clicks, against 53.16 / 36.49 / 26.33 / 21.12 / 18.68 / 17.12 and 53.15 / 37.40
/ 26.52 / 21.24 / 18.55 / 16.62; models/README.md). Writes fp32 files for `export --from-onnx`, which makes
the shipped variants (flip averaging, int8 check, flag fusion) from them:

    /usr/bin/python3 -m models.train.average --a models --b ~/.cache/keybot/train/v9out --out /tmp/mean
    /usr/bin/python3 -m models.train.export --config default --from-onnx /tmp/mean --out /tmp/mean-export

Metadata (training time and steps included) come from `--b`, the later cycle, whose totals already count the
earlier one's training; keybot.checkpoint says which files were averaged.
"""
from __future__ import annotations

import argparse
import os

import numpy as np
import onnx
from onnx import numpy_helper

ROLES = ("refiner", "detector", "corrector")


def average_file(a, b, out, label):
    """out = b with every float initializer replaced by the mean of a's and b's (same names and shapes)."""
    ma, mb = onnx.load(a), onnx.load(b)
    ia = {t.name: numpy_helper.to_array(t) for t in ma.graph.initializer}
    if set(ia) != {t.name for t in mb.graph.initializer}:
        raise SystemExit(f"{a} and {b} hold different weights: not the same architecture")
    n = 0
    for t in mb.graph.initializer:
        x, y = ia[t.name], numpy_helper.to_array(t)
        if x.shape != y.shape:
            raise SystemExit(f"{t.name}: shape {x.shape} in {a}, {y.shape} in {b}")
        if y.dtype == np.float32 and not np.array_equal(x, y):
            t.CopyFrom(numpy_helper.from_array(((x.astype(np.float64) + y) / 2).astype(np.float32), t.name))
            n += 1
    for p in mb.metadata_props:
        if p.key == "keybot.checkpoint":
            p.value = label
    onnx.save(mb, out)
    return n


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--a", required=True, help="folder with the earlier cycle's fp32 refiner/detector/corrector.onnx")
    ap.add_argument("--b", required=True, help="the later cycle's folder (its metadata are kept)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--label", default="mean of two cycles", help="keybot.checkpoint of the result")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    for role in ROLES:
        n = average_file(os.path.join(a.a, f"{role}.onnx"), os.path.join(a.b, f"{role}.onnx"),
                         os.path.join(a.out, f"{role}.onnx"), a.label)
        print(f"[average] {role}: {n} weight tensors averaged")


if __name__ == "__main__":
    main()
