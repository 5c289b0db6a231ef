#!/usr/bin/python3
"""The training code's label repair (models/train/data.py) and the C++ reader's (src/core/spine_repair.cpp)
apply one rule: on the AASCE training rows both must re-sort the same rows and fix the corner order of the
same rows. The C++ side is read from `keybot cobb --report`. Exit 77 (skipped) without the data set.

    repair_matches_cpp.py KEYBOT_BINARY DATA_DIR
"""
import os
import re
import subprocess
import sys

SKIP = 77


def main(keybot, data):
    if not os.path.isfile(os.path.join(data, "landmarks.csv")):
        print(f"skipped: no AASCE data at {data}")
        return SKIP
    os.environ["KEYBOT_DATA_DIR"] = data
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    import numpy as np
    from models.train.data import read_raw, repair

    r = subprocess.run([keybot, "cobb", "--data", data, "--report"], capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stderr)
        return 1
    cpp_fixed, cpp_sorted, cpp_bad = set(), set(), set()
    for line in r.stderr.splitlines():
        m = re.match(r"repair: row (\d+) .*not repairable", line)
        if m:
            cpp_bad.add(int(m.group(1)))
        m = re.match(r"repair: row (\d+) fixed:(.*)", line)
        if m:
            if "reordered" in m.group(2):
                cpp_sorted.add(int(m.group(1)))
            if "corner orders" in m.group(2):
                cpp_fixed.add(int(m.group(1)))

    import cv2
    names, pts, _ = read_raw(data)
    py_fixed, py_sorted = set(), set()
    for i, n in enumerate(names):
        if i in cpp_bad:  # the C++ report names unrepairable rows but not their fixes
            continue
        h, w = cv2.imread(os.path.join(data, "images", n), cv2.IMREAD_GRAYSCALE).shape
        _, info = repair(pts[i] * np.array([w, h]))
        if info["corner_fixes"]:
            py_fixed.add(i)
        if info["resorted"]:
            py_sorted.add(i)
    ok = py_fixed == cpp_fixed and py_sorted == cpp_sorted
    print(f"corner fixes: python {sorted(py_fixed)}, C++ {sorted(cpp_fixed)}")
    print(f"re-sorted: python {len(py_sorted)} rows, C++ {len(cpp_sorted)} rows, differing {sorted(py_sorted ^ cpp_sorted)}")
    print("repair rules agree" if ok else "repair rules DIFFER")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
