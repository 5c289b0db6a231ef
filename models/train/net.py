"""Small UNet-style networks with in-graph hint rendering and soft-argmax decoding.

All three roles share one trunk: image + x/y coordinate channels -> encoder at strides 2..32 ->
decoder back to stride 4 -> 68 heatmaps. Point sets (hints, current xy) are rendered in-graph as
68 Gaussian maps at stride 4 and injected into the encoder at stride 4 by a 1x1 conv.
Ops used: Conv, Relu, Add, Sub, Mul, Div, Exp, Concat, Reshape, Transpose, Resize(nearest),
Softmax, MatMul, ReduceSum, Sigmoid, Expand.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .data import N_PTS

STRIDE = 4


# No BatchNorm: BN is slow on this CPU build and needs folding at export; residual branches start at
# zero instead (Fixup-style), which trains stably from scratch with AdamW.
def conv_bn(i, o, s=1, k=3, p=None):
    return nn.Sequential(nn.Conv2d(i, o, k, s, k // 2 if p is None else p), nn.ReLU(inplace=True))


class Res(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a = conv_bn(c, c)
        self.b = nn.Conv2d(c, c, 3, 1, 1)
        nn.init.zeros_(self.b.weight)
        nn.init.zeros_(self.b.bias)

    def forward(self, x):
        return F.relu(x + self.b(self.a(x)))


class Grid(nn.Module):
    """Constant coordinate tables for heatmap cells (input px, pixel centres at integers)."""

    def __init__(self, H, W):
        super().__init__()
        h, w = H // STRIDE, W // STRIDE
        ys = torch.arange(h, dtype=torch.float32) * STRIDE + (STRIDE - 1) / 2
        xs = torch.arange(w, dtype=torch.float32) * STRIDE + (STRIDE - 1) / 2
        gy, gx = torch.meshgrid(ys, xs, indexing="ij")
        self.h, self.w = h, w
        self.register_buffer("gxy", torch.stack([gx.reshape(-1), gy.reshape(-1)], 1), persistent=False)  # [hw,2]
        self.register_buffer("gx", gx.reshape(1, 1, -1).clone(), persistent=False)
        self.register_buffer("gy", gy.reshape(1, 1, -1).clone(), persistent=False)
        cy = torch.linspace(-1, 1, H).view(1, 1, H, 1).expand(1, 1, H, W)
        cx = torch.linspace(-1, 1, W).view(1, 1, 1, W).expand(1, 1, H, W)
        self.register_buffer("coords", torch.cat([cx, cy], 1).contiguous(), persistent=False)
        self.register_buffer("cx_row", torch.linspace(-1, 1, W).view(1, 1, 1, W), persistent=False)
        self.register_buffer("cy_col", torch.linspace(-1, 1, H).view(1, 1, H, 1), persistent=False)
        self.register_buffer("coords32", F.interpolate(self.coords, size=(H // 32, W // 32), mode="nearest"),
                             persistent=False)

    def render(self, xy, mask, sigma):
        """xy [B,68,2], mask [B,68] -> Gaussian maps [B,68,h*w] (flat)."""
        dx = self.gx - xy[:, :, 0:1]
        dy = self.gy - xy[:, :, 1:2]
        g = torch.exp((dx * dx + dy * dy) * (-0.5 / (sigma * sigma)))
        return g * mask.unsqueeze(-1)

    def soft_argmax(self, logits):
        """logits [B,68,h,w] -> (prob [B,68,hw], xy [B,68,2])."""
        b = logits.shape[0]
        p = torch.softmax(logits.reshape(b, N_PTS, self.h * self.w), dim=-1)
        return p, torch.matmul(p, self.gxy)


class GlobalAttention(nn.Module):
    """One multi-head self-attention block over the stride-32 grid (16x8 = 128 cells at 512x256): every cell
    sees the whole spine, so a vertebra's identity (which level it is) can come from its place in the chain,
    not only from its neighbourhood. Position comes from the coordinate channels concatenated before it.
    Projections are 1x1 Convs (quantised like every other Conv); the output projection starts at zero, so the
    block begins as an identity and needs no normalisation layer. ONNX: Conv, Reshape, Transpose, MatMul,
    Softmax, Mul, Add."""

    def __init__(self, c, heads=4):
        super().__init__()
        assert c % heads == 0
        self.heads, self.d = heads, c // heads
        self.q, self.k, self.v = nn.Conv2d(c, c, 1), nn.Conv2d(c, c, 1), nn.Conv2d(c, c, 1)
        self.out = nn.Conv2d(c, c, 1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)
        self.ffn = Res(c)

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = (f(x).reshape(b, self.heads, self.d, h * w) for f in (self.q, self.k, self.v))  # [B,heads,d,hw]
        a = torch.softmax(torch.matmul(q.transpose(2, 3), k) * (self.d ** -0.5), dim=-1)  # [B,heads,hw,hw]
        y = torch.matmul(v, a.transpose(2, 3)).reshape(b, c, h, w)               # [B,heads,d,hw]
        return self.ffn(x + self.out(y))


class Trunk(nn.Module):
    def __init__(self, H, W, widths, dec, n_sets, attention=0):
        super().__init__()
        c1, c2, c3, c4, c5 = widths
        self.grid = Grid(H, W)
        self.n_sets = n_sets
        if c1:  # 3x3 stem at stride 2, then down to stride 4
            self.stem = nn.Sequential(conv_bn(3, c1, 2), Res(c1))
            self.d2 = nn.Sequential(conv_bn(c1, c2, 2), Res(c2))
        else:  # cheap patchify stem: 4x4 conv, stride 4 (the CPU preset)
            self.stem = conv_bn(3, c2, 4, 4, 0)
            self.d2 = Res(c2)
        self.hint = nn.Conv2d(N_PTS * n_sets, c2, 1) if n_sets else None
        self.hint_res = Res(c2)
        self.d3 = nn.Sequential(conv_bn(c2, c3, 2), Res(c3))
        self.d4 = nn.Sequential(conv_bn(c3, c4, 2), Res(c4))
        self.d5 = nn.Sequential(conv_bn(c4, c5, 2), Res(c5))
        self.bott = nn.Sequential(conv_bn(c5 + 2, c5, 1, 1), Res(c5),
                                  *[GlobalAttention(c5) for _ in range(attention)])
        self.u4 = conv_bn(c5, c4, 1, 1)
        self.s4 = conv_bn(c4, c4, 1, 1)
        self.r4 = Res(c4)
        self.u3 = conv_bn(c4, c3, 1, 1)
        self.s3 = conv_bn(c3, c3, 1, 1)
        self.r3 = Res(c3)
        self.u2 = conv_bn(c3, dec, 1, 1)
        self.s2 = conv_bn(c2, dec, 1, 1)
        self.r2 = Res(dec)
        self.head = nn.Sequential(conv_bn(dec, dec), nn.Conv2d(dec, N_PTS, 1))

    @staticmethod
    def up(x):
        return F.interpolate(x, scale_factor=2.0, mode="nearest")

    def forward(self, image, maps=None):
        """image [B,1,H,W]; maps [B,68*n_sets,h*w] or None. Returns (features [B,dec,h,w], logits)."""
        b = image.shape[0]
        export = torch.onnx.is_in_onnx_export()  # batch 1: constants, no Expand/Shape ops in the graph
        if export:  # broadcast Add from a row and a column: no 1 MB constant in the file
            z = image * 0.0
            co = torch.cat([z + self.grid.cx_row, z + self.grid.cy_col], 1)
        else:
            co = self.grid.coords.expand(b, -1, -1, -1)
        x1 = self.stem(torch.cat([image, co], 1))
        x2 = self.d2(x1)
        if self.hint is not None:
            x2 = x2 + self.hint(maps.reshape(b, -1, self.grid.h, self.grid.w))
        x2 = self.hint_res(x2)
        x3 = self.d3(x2)
        x4 = self.d4(x3)
        x5 = self.d5(x4)
        cb = self.grid.coords32 if export else self.grid.coords32.expand(b, -1, -1, -1)
        x5 = self.bott(torch.cat([x5, cb], 1))
        y4 = self.r4(self.up(self.u4(x5)) + self.s4(x4))
        y3 = self.r3(self.up(self.u3(y4)) + self.s3(x3))
        y2 = self.r2(self.up(self.u2(y3)) + self.s2(x2))
        return y2, self.head(y2)


def chain_kernel(tau):
    """[68,68] weights exp(-(v_i - v_j)^2 / 2 tau^2) over vertebra index distance (tau in vertebrae)."""
    v = torch.arange(N_PTS, dtype=torch.float32) // 4
    d = v[:, None] - v[None, :]
    return torch.exp(-(d * d) / (2 * tau * tau))


def propagate(raw, xy, mask, kernel):
    """Spread the clicks' corrections along the spine: every point moves by the kernel-weighted mean of
    the residuals (hint - own prediction) at the hinted points, weights normalised by max(1, sum).
    When the network already follows the hints the residuals are ~0 and nothing changes."""
    r = (xy - raw) * mask.unsqueeze(-1)                 # [B,68,2]
    w = kernel * mask.unsqueeze(1)                       # [B,68,68]: weight of hinted j for point i
    s = torch.clamp(w.sum(-1, keepdim=True), min=1.0)
    return raw + torch.matmul(w, r) / s


class Refiner(nn.Module):
    """image, hint_xy, hint_mask -> xy (hinted points replaced by the hints), heatmaps."""
    role = "refiner"
    n_sets = 1

    def __init__(self, cfg):
        super().__init__()
        self.sigma = cfg.hint_sigma
        self.trunk = Trunk(cfg.height, cfg.width, cfg.widths, cfg.dec_width, self.n_sets,
                           getattr(cfg, "attention", 0))
        self.set_propagation(getattr(cfg, "hint_tau", 0.0))

    def set_propagation(self, tau):
        """tau > 0: spread hint residuals along the chain (see propagate); 0: off."""
        self.tau = tau
        self.register_buffer("kernel", chain_kernel(tau) if tau > 0 else None, persistent=False)

    def finish(self, raw, xy, mask):
        """Output rule: hinted/trusted points = input, others = (propagated) prediction."""
        adj = propagate(raw, xy, mask, self.kernel) if self.kernel is not None else raw
        m = mask.unsqueeze(-1)
        return m * xy + (1 - m) * adj

    def maps(self, xy, mask):
        return self.trunk.grid.render(xy, mask, self.sigma)

    def forward(self, image, xy, mask):
        _, logits = self.trunk(image, self.maps(xy, mask))
        _, raw = self.trunk.grid.soft_argmax(logits)
        return self.finish(raw, xy, mask), logits, raw


class Corrector(Refiner):
    """image, xy, trust_mask -> xy with trusted points unchanged. Trusted and untrusted points are
    rendered as two separate map sets."""
    role = "corrector"
    n_sets = 2

    def maps(self, xy, mask):
        g = self.trunk.grid
        return torch.cat([g.render(xy, mask, self.sigma), g.render(xy, 1 - mask, self.sigma)], 1)


class Detector(nn.Module):
    """image, xy -> error_prob [B,68]. The trunk re-predicts every point (auxiliary heatmap loss)
    from the image and the rendered xy; per point features: offset to its own prediction, predicted
    mass near xy, decoder features pooled around xy; a small conv over the point chain scores them."""
    role = "detector"

    def __init__(self, cfg, hidden=64):
        super().__init__()
        # The detector judges gross errors (a point on the wrong corner or vertebra), which a half-resolution
        # view still shows: its trunk runs on the image averaged over `down` x `down` blocks, in-graph, so the
        # contract's input stays the full size and the detector costs about a quarter of the refiner.
        self.down = getattr(cfg, "detector_downsample", 1)
        self.sigma = cfg.hint_sigma / self.down
        self.scale = 1.0 / cfg.error_threshold
        self.trunk = Trunk(cfg.height // self.down, cfg.width // self.down, cfg.widths, cfg.dec_width, 1,
                           getattr(cfg, "attention", 0))
        nf = cfg.dec_width + 4
        self.point = nn.Sequential(
            nn.Conv2d(nf, hidden, (3, 1), 1, (1, 0)), nn.ReLU(inplace=True),
            nn.Conv2d(hidden, hidden, (3, 1), 1, (1, 0)), nn.ReLU(inplace=True),
            nn.Conv2d(hidden, 1, 1))
        # learned per-point identity added to the features (points differ: T1 vs L5)
        self.ident = nn.Parameter(torch.zeros(1, hidden, N_PTS, 1))

    def to_trunk(self, xy):
        """Input-tensor px -> trunk px (pixel centres at integers in both)."""
        return xy if self.down == 1 else (xy + 0.5) * (1.0 / self.down) - 0.5

    def from_trunk(self, xy):
        return xy if self.down == 1 else (xy + 0.5) * self.down - 0.5

    def shrink(self, image):
        if self.down == 1:
            return image
        b, _, h, w = image.shape
        k = self.down
        # block mean by Reshape + ReduceSum (no pooling op needed in the ONNX graph)
        return image.reshape(b, 1, h // k, k, w // k, k).sum((3, 5)) * (1.0 / (k * k))

    def forward(self, image, xy):
        """Returns (error_prob, logits, prediction in trunk px, logit)."""
        b = image.shape[0]
        g = self.trunk.grid
        ones = torch.ones(1, N_PTS) if torch.onnx.is_in_onnx_export() else torch.ones_like(xy[:, :, 0])
        gm = g.render(self.to_trunk(xy), ones, self.sigma)        # [B,68,hw]
        feat, logits = self.trunk(self.shrink(image), gm)
        prob, pred_t = g.soft_argmax(logits)
        pred = self.from_trunk(pred_t)
        wn = gm / (gm.sum(-1, keepdim=True) + 1e-6)
        pooled = torch.matmul(wn, feat.reshape(b, feat.shape[1], -1).transpose(1, 2))  # [B,68,C]
        mass = (prob * gm).sum(-1, keepdim=True)                 # [B,68,1]
        d = (pred - xy) * self.scale
        dist = torch.sqrt((d * d).sum(-1, keepdim=True) + 1e-6)
        f = torch.cat([pooled, d, dist, mass * 10.0], -1)        # [B,68,nf]
        f = f.transpose(1, 2).unsqueeze(-1)                      # [B,nf,68,1]
        h = self.point[1](self.point[0](f) + self.ident)
        h = self.point[3](self.point[2](h))
        logit = self.point[4](h).reshape(b, N_PTS)
        return torch.sigmoid(logit), logits, pred_t, logit


ROLES = {"refiner": Refiner, "detector": Detector, "corrector": Corrector}


def build(role, cfg):
    return ROLES[role](cfg)


def n_params(m):
    return sum(p.numel() for p in m.parameters())
