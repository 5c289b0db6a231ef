"""Error synthesis for the detector and corrector: chain shifts by one vertebra level, neighbour swaps,
left/right flips, whole-vertebra offsets, drift along the spine, jitter; applied to ground truth or the
refiner's output."""
from __future__ import annotations

import numpy as np

from .data import N_VERT

LR_SWAP = np.array([1, 0, 3, 2])


def corrupt(xy: np.ndarray, rng: np.random.RandomState) -> np.ndarray:
    """xy [68,2] input px -> corrupted copy."""
    v = xy.reshape(N_VERT, 4, 2).copy()
    n_ops = rng.choice([0, 1, 1, 2, 2, 3])
    height = np.median(np.linalg.norm(v[1:].mean(1) - v[:-1].mean(1), axis=1)) + 1e-3
    for _ in range(n_ops):
        op = rng.randint(7)
        a = rng.randint(N_VERT)
        if op == 0:  # a run of vertebrae lands one level up/down (the wrong-vertebra tail)
            b = min(N_VERT, a + rng.randint(1, N_VERT))
            s = rng.choice([-1, 1])
            src = np.arange(a, b) + s
            ext = v.copy()
            step = v.mean(1)[1:] - v.mean(1)[:-1]
            for k, j in zip(range(a, b), src):
                if 0 <= j < N_VERT:
                    ext[k] = v[j]
                else:  # extrapolate beyond the ends
                    ext[k] = v[k] + (step[-1] if j >= N_VERT else -step[0])
            v = ext
        elif op == 1 and a + 1 < N_VERT:  # neighbour swap
            v[[a, a + 1]] = v[[a + 1, a]]
        elif op == 2:  # left/right flip of one vertebra (or a corner pair)
            v[a] = v[a][LR_SWAP] if rng.rand() < 0.7 else v[a][[2, 3, 0, 1]]
        elif op == 3:  # whole vertebra offset
            v[a] += rng.normal(0, 0.6 * height, 2) * np.array([0.5, 1.0])
        elif op == 4:  # a few points jump
            k = rng.randint(1, 5)
            flat = v.reshape(-1, 2)
            idx = rng.choice(68, k, replace=False)
            flat[idx] += rng.normal(0, 0.5 * height, (k, 2))
            v = flat.reshape(N_VERT, 4, 2)
        elif op == 5:  # collapse a vertebra onto its neighbour
            j = a + 1 if a + 1 < N_VERT else a - 1
            v[a] = v[j] + rng.normal(0, 1.0, (4, 2))
        else:  # drift: from level a on, vertebrae slide along the spine by a growing part of a level. The
            # refiner's own 0-click errors look like this (validation, cycle 3: vertical error 11 px against
            # 5.6 px horizontal, 9% of points wrong once each vertebra's mean offset is removed, against 53%)
            c = v.mean(1)
            axis = np.gradient(c, axis=0)
            axis /= np.linalg.norm(axis, axis=1, keepdims=True) + 1e-6
            frac = rng.uniform(0.2, 0.8) * rng.choice([-1, 1]) * np.linspace(0, 1, N_VERT - a + 1)[1:]
            v[a:] += (frac[:, None] * height * axis[a:])[:, None, :]
    out = v.reshape(68, 2)
    out = out + rng.normal(0, rng.uniform(0, 1.5), out.shape)
    return out.astype(np.float32)
