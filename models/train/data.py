"""AASCE data: label repair, patient-wise split, resized-image cache, augmentation.

Coordinates: original pixel X = x_norm * width (landmarks.csv convention). Input-tensor pixel
(pixel centres at integer coordinates): x_in = (X + 0.5) * W / width - 0.5, the same for y with H.
"""
from __future__ import annotations

import csv
import json
import math
import os
import re

import numpy as np

from .config import DATA_DIR, SPLIT_FILE, Config

N_PTS = 68
N_VERT = 17
# horizontal flip: TL<->TR, BL<->BR inside every vertebra
FLIP_PERM = np.array([4 * v + c for v in range(N_VERT) for c in (1, 0, 3, 2)])
# rows the data README reports as broken; the repair below also detects them (see check_rows)
KNOWN_BROKEN = [28, 265, 480, 376, 380, 394, 397, 398, 420]


def read_raw(data_dir: str = DATA_DIR):
    with open(os.path.join(data_dir, "filenames.csv")) as f:
        names = [r[0] for r in csv.reader(f) if r]
    lm = np.loadtxt(os.path.join(data_dir, "landmarks.csv"), delimiter=",", dtype=np.float64)
    ang = np.loadtxt(os.path.join(data_dir, "angles.csv"), delimiter=",", dtype=np.float64)
    assert len(names) == lm.shape[0] == ang.shape[0]
    pts = np.stack([lm[:, :N_PTS], lm[:, N_PTS:]], axis=-1)  # [N,68,2] normalised
    return names, pts, ang


def patient_id(name: str) -> str:
    m = re.match(r"sunhl-1th-(\d+-\w+-\d+)-(\d+)", name)
    return f"{m.group(1)}-{m.group(2)}" if m else name.rsplit(" ", 2)[0]


def _order_corners(v: np.ndarray, down: np.ndarray):
    """v: [4,2] one vertebra in px, down: unit vector along the spine here. Returns (fixed, changed).
    The rule of the C++ reader (src/core/spine_repair.cpp, order_corners), so training, evaluation and the app
    agree: the corners taken as a ring by angle around their centre; of the 4 rotations (tl, tr, br, bl), the
    one whose top-to-bottom axis points most along the spine (cosine; ties keep the stored order). Sorting by
    x and y instead would "fix" vertebrae tilted over 45 degrees into the wrong order."""
    c = v.mean(0)
    ring = v[np.argsort(np.arctan2(v[:, 1] - c[1], v[:, 0] - c[0]), kind="stable")]
    best, best_score = v, -1e300
    for k in range(4):
        q = np.stack([ring[k], ring[(k + 1) % 4], ring[(k + 3) % 4], ring[(k + 2) % 4]])
        axis = (q[2] + q[3]) / 2 - (q[0] + q[1]) / 2
        n = np.linalg.norm(axis)
        score = float(axis @ down / n) if n > 0 else -1.0
        if score > best_score + 1e-9 or (abs(score - best_score) <= 1e-9 and np.array_equal(q, v)):
            best, best_score = q, score
    return best, not np.array_equal(best, v)


def repair(pts_px: np.ndarray):
    """pts_px: [68,2] original px. Returns (repaired, info dict): vertebrae sorted by the mean y of their
    corners, then each vertebra's corners ordered along the local spine direction (_order_corners)."""
    verts = pts_px.reshape(N_VERT, 4, 2)
    order = np.argsort(verts[:, :, 1].mean(1), kind="stable")
    resorted = bool((order != np.arange(N_VERT)).any())
    verts = verts[order]
    centres = verts.mean(1)
    n_fixed = 0
    out = []
    for i, v in enumerate(verts):
        down = centres[min(i + 1, N_VERT - 1)] - centres[max(i - 1, 0)]
        n = np.linalg.norm(down)
        down = down / n if n > 0 else np.array([0.0, 1.0])
        v2, ch = _order_corners(v, down)
        n_fixed += ch
        out.append(v2)
    verts = np.stack(out)
    return verts.reshape(N_PTS, 2), {"resorted": resorted, "corner_fixes": n_fixed}


def defects(p: np.ndarray, angles: np.ndarray) -> list:
    """Heuristic checks on a repaired [68,2] px row. Returns reasons (empty = fine)."""
    reasons = []
    v = p.reshape(N_VERT, 4, 2)
    c = v.mean(1)
    w = np.linalg.norm(v[:, 1] - v[:, 0], axis=1) + np.linalg.norm(v[:, 3] - v[:, 2], axis=1)
    hgt = np.linalg.norm(v[:, 2] - v[:, 0], axis=1) + np.linalg.norm(v[:, 3] - v[:, 1], axis=1)
    size = np.median(w) / 2
    gaps = np.linalg.norm(c[1:] - c[:-1], axis=1)
    med_gap = np.median(gaps)
    if (gaps < 0.2 * med_gap).any():
        reasons.append(f"repeated/overlapping vertebra (gap {gaps.min() / med_gap:.2f} x median)")
    if (gaps > 2.2 * med_gap).any():
        reasons.append(f"vertebra far from neighbours (gap {gaps.max() / med_gap:.2f} x median)")
    if (w / 2 > 2.0 * size).any() or (hgt / 2 > 2.0 * size).any():
        reasons.append("vertebra spread over the image")
    d = np.linalg.norm(v[:, :, None] - v[:, None, :], axis=-1) + np.eye(4)[None] * 1e9
    if (d.min(axis=(1, 2)) < 0.04 * size).any():
        reasons.append("two corners almost coincide")
    if (angles > 100).any():
        reasons.append(f"Cobb angle {angles.max():.0f} deg")
    return reasons


class Dataset:
    """Repaired labels and the cached resized images (uint8 [N,H,W])."""

    def __init__(self, cfg: Config, cache_dir: str, log=print):
        import cv2
        names, pts, ang = read_raw()
        H, W = cfg.height, cfg.width
        os.makedirs(cache_dir, exist_ok=True)
        cache = os.path.join(cache_dir, f"images_{H}x{W}.npy")
        sizes_f = os.path.join(cache_dir, "sizes.npy")
        if os.path.exists(cache) and os.path.exists(sizes_f):
            imgs = np.load(cache)
            sizes = np.load(sizes_f)
        else:
            imgs = np.zeros((len(names), H, W), np.uint8)
            sizes = np.zeros((len(names), 2), np.int64)  # (w, h)
            for i, n in enumerate(names):
                im = cv2.imread(os.path.join(DATA_DIR, "images", n), cv2.IMREAD_GRAYSCALE)
                sizes[i] = (im.shape[1], im.shape[0])
                imgs[i] = cv2.resize(im, (W, H), interpolation=cv2.INTER_AREA)
            np.save(cache + ".tmp.npy", imgs)
            os.replace(cache + ".tmp.npy", cache)
            np.save(sizes_f, sizes)
        self.names, self.sizes, self.angles, self.images = names, sizes, ang, imgs
        self.H, self.W = H, W
        keep, self.report = [], {"resorted": [], "corner_fixes": {}, "dropped": {}}
        pts_in = np.zeros((len(names), N_PTS, 2), np.float32)
        for i in range(len(names)):
            wpx, hpx = sizes[i]
            p = pts[i] * np.array([wpx, hpx])
            p, info = repair(p)
            if info["resorted"]:
                self.report["resorted"].append(i)
            if info["corner_fixes"]:
                self.report["corner_fixes"][i] = info["corner_fixes"]
            reasons = defects(p, ang[i])
            if i in KNOWN_BROKEN and not reasons:
                reasons = ["listed as broken in the data README"]
            if reasons:
                self.report["dropped"][i] = reasons
            else:
                keep.append(i)
            pts_in[i] = self.orig_to_input(p, i)
        self.pts = pts_in  # [N,68,2] input px, repaired
        self.valid = np.array(keep)
        log(f"labels: {len(self.report['resorted'])} rows re-sorted, "
            f"{len(self.report['corner_fixes'])} rows with corner fixes, dropped {self.report['dropped']}")

    def orig_to_input(self, p, i):
        wpx, hpx = self.sizes[i]
        return ((p + 0.5) * np.array([self.W / wpx, self.H / hpx]) - 0.5).astype(np.float32)

    def input_to_orig(self, p, i):
        wpx, hpx = self.sizes[i]
        return (p + 0.5) * np.array([wpx / self.W, hpx / self.H]) - 0.5

    def split(self, cfg: Config):
        """Patient-wise split, read from / written to split.json (committed)."""
        if os.path.exists(SPLIT_FILE):
            with open(SPLIT_FILE) as f:
                s = json.load(f)
        else:
            pats = sorted({patient_id(n) for n in self.names})
            rng = np.random.RandomState(cfg.seed)
            rng.shuffle(pats)
            n_val = int(round(cfg.val_fraction * len(pats)))
            val_p = set(pats[:n_val])
            s = {"note": "patient-wise split (patient = date + case number from the file name); "
                         "rows dropped by the label repair are excluded",
                 "seed": cfg.seed, "n_patients": len(pats), "n_val_patients": n_val,
                 "train": [], "val": []}
            for i in self.valid:
                n = self.names[i]
                s["val" if patient_id(n) in val_p else "train"].append(n)
            s["dropped"] = {self.names[i]: r for i, r in self.report["dropped"].items()}
            with open(SPLIT_FILE, "w") as f:
                json.dump(s, f, indent=1)
        idx = {n: i for i, n in enumerate(self.names)}
        return np.array([idx[n] for n in s["train"]]), np.array([idx[n] for n in s["val"]])


def augment(img: np.ndarray, pts: np.ndarray, rng: np.random.RandomState, strong: bool = True):
    """img uint8 [H,W], pts [68,2] input px. Returns float32 image in [0,1] and pts."""
    import cv2
    H, W = img.shape
    pts = pts.copy()
    if rng.rand() < 0.5:
        img = img[:, ::-1]
        pts = pts[FLIP_PERM]
        pts[:, 0] = W - 1 - pts[:, 0]
    ang = rng.uniform(-10, 10) if strong else 0.0
    sc = rng.uniform(0.9, 1.1) if strong else 1.0
    sx = math.exp(rng.uniform(-0.08, 0.08)) if strong else 1.0  # mild aspect change
    tx = rng.uniform(-0.06, 0.06) * W if strong else 0.0
    ty = rng.uniform(-0.05, 0.05) * H if strong else 0.0
    # rotate in the physical aspect (the input is squeezed ~2.5x horizontally on average)
    a = math.radians(ang)
    k = 2.5  # physical px per input px horizontally, relative to vertical
    cx, cy = (W - 1) / 2, (H - 1) / 2
    # M = T(c+t) * S^-1 R S * scale, with S = diag(k,1) mapping input to physical
    R = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    S = np.diag([k, 1.0])
    A = np.linalg.inv(S) @ R @ S * sc @ np.diag([sx, 1.0])
    b = np.array([cx + tx, cy + ty]) - A @ np.array([cx, cy])
    M = np.hstack([A, b[:, None]]).astype(np.float32)
    img = cv2.warpAffine(np.ascontiguousarray(img), M, (W, H), flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    pts = pts @ A.T + b
    x = img.astype(np.float32) / 255.0
    if strong:
        g = math.exp(rng.uniform(-0.4, 0.4))
        x = np.clip(x, 0, 1) ** g
        x = x * rng.uniform(0.75, 1.25) + rng.uniform(-0.12, 0.12)
        if rng.rand() < 0.2:
            x = 1.0 - x if rng.rand() < 0.1 else x
        x = np.clip(x + rng.normal(0, rng.uniform(0, 0.03), x.shape).astype(np.float32), 0, 1)
    return x.astype(np.float32), pts.astype(np.float32)


def batch(ds: Dataset, idx: np.ndarray, rng, augment_on=True):
    xs, ps = [], []
    for i in idx:
        if augment_on:
            x, p = augment(ds.images[i], ds.pts[i], rng)
        else:
            x, p = ds.images[i].astype(np.float32) / 255.0, ds.pts[i]
        xs.append(x)
        ps.append(p)
    return np.stack(xs)[:, None], np.stack(ps)
