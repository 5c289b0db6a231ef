"""The modules exactly as exported to ONNX: the contract's inputs and outputs around a trained network
(export.py writes them, check.py and bench_torch.py run them)."""
from __future__ import annotations

import torch
import torch.nn as nn

from .data import N_PTS


class FirstOutput(nn.Module):
    """The contract's single output: the first element of the model's tuple."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, *inputs):
        return self.m(*inputs)[0]


def refiner_outputs(model, logits, xy):
    """The refiner's contract outputs besides xy, from the logits of its (unmirrored) pass:
    - heatmaps [B,68,h,w]: the probabilities its soft-argmax decodes (each map sums to 1); the annotator shows
      them as a teaching overlay;
    - spread [B,68]: each map's standard deviation around the returned point `xy` (input px). A wide or
      two-peaked map marks a point the refiner is unsure of; the app combines it with the detector's
      probability into the flags (flag_fusion.py)."""
    g = model.trunk.grid
    p = g.soft_argmax(logits)[0]                       # [B,68,hw]
    dx = g.gx - xy[:, :, 0:1]
    dy = g.gy - xy[:, :, 1:2]
    spread = torch.sqrt((p * (dx * dx + dy * dy)).sum(-1) + 1e-6)
    return p.reshape(logits.shape), spread


class RefinerOutputs(nn.Module):
    """The refiner's contract outputs: xy, heatmaps and spread."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, image, xy, mask):
        out, logits, _ = self.m(image, xy, mask)
        return (out,) + refiner_outputs(self.m, logits, out)


class FlipTTA(nn.Module):
    """Refiner/corrector with horizontal-flip averaging inside the graph: a second pass on the mirrored
    image (MatMul with an anti-diagonal matrix), points mirrored (x -> W-1-x) and their left/right corners
    swapped (MatMul with a 68x68 permutation), the two raw predictions averaged; the mask rule
    (hinted/trusted points returned unchanged) is applied after averaging. Returns the role's contract outputs
    as a tuple: (xy, heatmaps and spread of the unmirrored pass) for the refiner, (xy_out,) for the corrector."""

    def __init__(self, m, width):
        super().__init__()
        from .data import FLIP_PERM
        self.m = m
        self.register_buffer("pw", torch.flip(torch.eye(width), [1]))           # [W,W]
        self.register_buffer("pp", torch.eye(N_PTS)[torch.from_numpy(FLIP_PERM)])  # [68,68], involution
        self.register_buffer("sx", torch.tensor([-1.0, 1.0]))
        self.register_buffer("ox", torch.tensor([width - 1.0, 0.0]))

    def forward(self, image, xy, mask):
        _, logits, raw = self.m(image, xy, mask)
        img_f = torch.matmul(image, self.pw)
        xy_f = torch.matmul(self.pp, xy * self.sx + self.ox)
        mask_f = torch.matmul(mask, self.pp)  # pp is symmetric
        _, _, raw_f = self.m(img_f, xy_f, mask_f)
        raw_b = torch.matmul(self.pp, raw_f) * self.sx + self.ox
        out = self.m.finish((raw + raw_b) * 0.5, xy, mask)
        return (out,) + refiner_outputs(self.m, logits, out) if self.m.role == "refiner" else (out,)


SPEC = {
    "refiner": (RefinerOutputs, ["image", "hint_xy", "hint_mask"], ["xy", "heatmaps", "spread"]),
    "detector": (FirstOutput, ["image", "xy"], ["error_prob"]),
    # ONNX values are single-assignment: the output cannot share the input's name "xy"
    "corrector": (FirstOutput, ["image", "xy", "trust_mask"], ["xy_out"]),
}


def example_inputs(cfg, role):
    img = torch.rand(1, 1, cfg.height, cfg.width)
    xy = torch.rand(1, N_PTS, 2) * torch.tensor([cfg.width, cfg.height])
    m = (torch.rand(1, N_PTS) < 0.2).float()
    return {"refiner": (img, xy, m), "detector": (img, xy), "corrector": (img, xy, m)}[role]


def export_module(cfg, role, model, flip_tta=None):
    """The module exactly as exported (also what the PyTorch benchmark times) and whether it flip-averages."""
    model = model.to(memory_format=torch.contiguous_format).eval()
    if flip_tta is None:
        flip_tta = getattr(cfg, "flip_tta", True)
    if flip_tta and role in ("refiner", "corrector"):
        return FlipTTA(model, cfg.width).eval(), True
    return SPEC[role][0](model).eval(), False
