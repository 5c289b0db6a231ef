"""Heatmap cross-entropy + L1 on soft-argmax coordinates + morphology on neighbour vectors."""
from __future__ import annotations

import numpy as np
import torch

from .data import N_VERT


def _edges():
    e = []
    for v in range(N_VERT):
        b = 4 * v
        e += [(b, b + 1), (b + 2, b + 3), (b, b + 2), (b + 1, b + 3), (b, b + 3)]  # within the vertebra
        if v + 1 < N_VERT:
            e += [(b + 2, b + 4), (b + 3, b + 5)]  # disc: bottom corners -> next top corners
    return np.array(e)


EDGES = _edges()


def heatmap_ce(logits, gt, grid, sigma_px):
    """logits [B,68,h,w]; gt [B,68,2] input px. Normalised-Gaussian target CE, per point [B,68]."""
    b, n = gt.shape[:2]
    t = grid.render(gt, torch.ones_like(gt[:, :, 0]), sigma_px)
    s = t.sum(-1, keepdim=True)
    vis = (s[..., 0] > 1e-3).float()
    t = t / (s + 1e-8)
    logp = torch.log_softmax(logits.reshape(b, n, -1), -1)
    return -(t * logp).sum(-1) * vis


def morph(pred, gt):
    """L1 on neighbour difference vectors (distances and angles), per point-pair mean [B]."""
    i, j = EDGES[:, 0], EDGES[:, 1]
    d = (pred[:, i] - pred[:, j]) - (gt[:, i] - gt[:, j])
    return d.abs().sum(-1).mean(-1)


def keypoint_loss(cfg, logits, raw, gt, grid, weight=None):
    """weight [B,68] optional per-point weights. Returns (total, parts dict)."""
    ce = heatmap_ce(logits, gt, grid, cfg.target_sigma * 4)
    l1 = (raw - gt).abs().sum(-1)
    if weight is None:
        weight = torch.ones_like(l1)
    wn = weight / weight.sum().clamp(min=1.0)
    ce_m = (ce * wn).sum()
    l1_m = (l1 * wn).sum()
    mo = morph(raw, gt).mean()
    total = cfg.w_heatmap * ce_m + cfg.w_coord * l1_m + cfg.w_morph * mo
    return total, {"ce": ce_m.item(), "l1": l1_m.item(), "morph": mo.item()}
