#!/usr/bin/python3
"""models/train/error_analysis.operating_threshold (the flags' operating point `error_analysis --fusion` tries)
against a brute force over every candidate threshold: the lowest score whose flags (score >= it) have at least
the asked precision. Ties in the scores included. Exit 77 (skipped) without numpy.
"""
import os
import sys

SKIP = 77


def brute_force(score, bad, precision):
    best = None
    for t in sorted(set(score.tolist())):
        flags = score >= t
        if flags.sum() and bad[flags].mean() >= precision:
            best = t
            break  # ascending: the first that qualifies is the lowest
    return 0.5 if best is None else best


def main():
    try:
        import numpy as np
    except ImportError:
        print("skipped: python3-numpy missing")
        return SKIP
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    from models.train.error_analysis import operating_threshold
    rng = np.random.default_rng(7)
    failures = 0
    for trial in range(300):
        n = int(rng.integers(1, 60))
        bad = rng.random(n) < rng.random()
        # coarse scores make ties common; errors score higher on average
        score = np.round(rng.random(n) * 0.6 + 0.4 * bad * rng.random(n), int(rng.integers(1, 3)))
        precision = float(rng.choice([0.5, 0.7, 0.9]))
        got, want = operating_threshold(score, bad, precision), brute_force(score, bad, precision)
        if got != want:
            failures += 1
            print(f"trial {trial}: operating_threshold {got}, brute force {want} (precision {precision})")
    print(f"{300 - failures} of 300 random cases agree")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
