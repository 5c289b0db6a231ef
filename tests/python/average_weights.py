#!/usr/bin/python3
"""models/train/average.py (the mean of two cycles' weights) on the engine's fixture models: the refiner
fixture holds the point template T as a weight, the refiner_offset variant the same template moved by +1 px in x
(tests/fixtures/make_models.py), so their mean must hold the template moved by +0.5 px, computed here from the
formula in make_models.py's docstring. Exit 77 (skipped) without python3-onnx/numpy.
"""
import os
import sys
import tempfile

SKIP = 77
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def main():
    try:
        import numpy as np
        import onnx
        from onnx import numpy_helper
    except ImportError as e:
        print(f"skipped: {e}")
        return SKIP
    sys.path.insert(0, ROOT)
    from models.train.average import average_file
    fixtures = os.path.join(ROOT, "tests", "fixtures", "models")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "mean.onnx")
        n = average_file(os.path.join(fixtures, "refiner.onnx"),
                         os.path.join(fixtures, "variants", "refiner_offset.onnx"), out, "mean of a and b")
        m = onnx.load(out)
        onnx.checker.check_model(m)
        weights = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
        meta = {p.key: p.value for p in m.metadata_props}
    expected = np.array([[10 + 12 * (c % 2) + 0.5, 2 + 3.5 * v + 2 * (c // 2)]
                         for v in range(17) for c in range(4)], np.float32)[None]
    failures = []
    if n != 1:
        failures.append(f"{n} tensors averaged, expected 1 (only T differs)")
    if not np.array_equal(weights["T"], expected):
        failures.append(f"T differs from the template moved by 0.5 px: max {np.abs(weights['T'] - expected).max()}")
    if meta.get("keybot.checkpoint", "mean of a and b") != "mean of a and b":
        failures.append(f"keybot.checkpoint is {meta.get('keybot.checkpoint')!r}")
    for f in failures:
        print(f)
    print("mean of the two fixture refiners: " + ("FAILED" if failures else "template moved by 0.5 px, as expected"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
