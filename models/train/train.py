"""Time-budgeted, resumable training of one role (refiner | detector | corrector).

Checkpoints: <TRAIN_DIR>/<config>/<role>/last.pt every few minutes, final.pt + DONE when the budget
is spent. Re-running resumes automatically from last.pt (elapsed wall time is stored in it).
"""
from __future__ import annotations

import argparse
import contextlib
import math
import os
import random
import time

import numpy as np
import torch

from . import net
from .config import Config, get_config
from .data import Dataset, batch
from .errors import corrupt
from .losses import keypoint_loss


def device():
    """CUDA when this torch has a GPU (the `gpu` preset's machine), else CPU; same recipe either way."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def dev_of(model):
    return next(model.parameters()).device


def seed_all(s):
    random.seed(s)
    np.random.seed(s)
    torch.manual_seed(s)


def stage_dir(cfg, role):
    return os.path.join(cfg.out_dir(), role)


def load_model(cfg, role, which="final", map_location="cpu"):
    m = net.build(role, cfg)
    p = os.path.join(stage_dir(cfg, role), f"{which}.pt")
    if which == "auto":
        p = os.path.join(stage_dir(cfg, role), "final.pt")
        if not os.path.exists(p):
            p = os.path.join(stage_dir(cfg, role), "last.pt")
    ck = torch.load(p, map_location=map_location)
    m.load_state_dict(ck["model"])
    m.eval()
    return m, ck


class WeightAverage:
    """Exponential moving average of the weights; the averaged copy is what quick evaluation scores and what
    final.pt holds. The decay ramps up ((1 + n) / (10 + n), capped at sc.ema) so a short stage (the detector's
    ~700 steps) averages its own recent steps, not its starting point. Why: the cycle logs show the 0-click
    validation MRE swinging by 2 px between quick evaluations late in a cycle; an average of the last
    ~1/(1 - decay) steps is steadier than the last step's weights."""

    def __init__(self, model, decay):
        self.decay, self.n = decay, 0
        self.avg = {k: v.detach().clone() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model):
        self.n += 1
        d = min(self.decay, (1 + self.n) / (10 + self.n))
        for k, v in model.state_dict().items():
            if v.dtype.is_floating_point:
                self.avg[k].mul_(d).add_(v.detach(), alpha=1 - d)
            else:
                self.avg[k].copy_(v)

    def state_dict(self):
        return {"n": self.n, "avg": self.avg}

    def load_state_dict(self, st):
        self.n = st["n"]
        self.avg = {k: v.to(self.avg[k].device) for k, v in st["avg"].items()}

    @contextlib.contextmanager
    def swapped_in(self, model):
        """Context: the model holds the averaged weights inside, its own weights again after."""
        own = {k: v.detach().clone() for k, v in model.state_dict().items()}
        model.load_state_dict(self.avg)
        try:
            yield
        finally:
            model.load_state_dict(own)


def lr_at(sc, frac):
    if frac < sc.warmup_frac:
        return sc.lr * max(frac / sc.warmup_frac, 0.05)
    f = (frac - sc.warmup_frac) / max(1e-9, 1 - sc.warmup_frac)
    return sc.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, f))))


# ---------------------------------------------------------------- inference helpers (torch)

@torch.no_grad()
def predict_refiner(model, x, hint_xy, hint_mask):
    return model(x, hint_xy, hint_mask)[0]


def mre_orig(ds, idx, pred, gt=None):
    """Mean radial error per image in original px. pred [n,68,2] input px."""
    out = []
    for k, i in enumerate(idx):
        g = ds.pts[i] if gt is None else gt[k]
        d = (pred[k] - g) * np.array([ds.sizes[i][0] / ds.W, ds.sizes[i][1] / ds.H])
        out.append(np.linalg.norm(d, axis=-1))
    return np.array(out)  # [n,68]


def val_refiner(model, ds, va, bs=8):
    model.eval()
    dev = dev_of(model)
    preds = []
    for s in range(0, len(va), bs):
        idx = va[s:s + bs]
        x, _ = batch(ds, idx, None, augment_on=False)
        z = torch.zeros(len(idx), 68, 2, device=dev)
        preds.append(predict_refiner(model, torch.from_numpy(x).to(dev), z,
                                     torch.zeros(len(idx), 68, device=dev)).cpu().numpy())
    return np.concatenate(preds)


# ---------------------------------------------------------------- per-role steps

def refiner_step(cfg, model, x, gt, rng):
    B = x.shape[0]
    grid = model.trunk.grid
    n_target = np.array([0 if rng.rand() < cfg.p_no_hint else rng.randint(1, cfg.max_hints + 1)
                         for _ in range(B)])
    passes = rng.randint(1, 4) if rng.rand() < cfg.p_iterative else 0
    mask = torch.zeros(B, 68, device=x.device)
    hint = gt + torch.randn_like(gt) * 0.5
    for b in range(B):
        r = max(0, n_target[b] - passes)
        if r:
            mask[b, torch.as_tensor(rng.choice(68, r, replace=False), device=x.device)] = 1
    if passes:
        model.eval()
        with torch.no_grad():
            for _ in range(passes):
                pred = model(x, hint, mask)[0]
                err = ((pred - gt) ** 2).sum(-1) - mask * 1e9
                worst = err.argmax(1)
                for b in range(B):
                    if mask[b].sum() < n_target[b]:
                        mask[b, worst[b]] = 1
        model.train()
    _, logits, raw = model(x, hint, mask)
    w = 1.0 - 0.8 * mask  # hinted points are trivial; keep a little weight
    return keypoint_loss(cfg, logits, raw, gt, grid, w)


def corrupted_inputs(cfg, refiner, x, gt, rng):
    """What the detector and corrector see in use: mostly the refiner's own output after 0-5 simulated clicks
    (none in a share cfg.p_revision_no_click)
    (placed, like the evaluation protocol's, on the points the refiner got most wrong), sometimes with a
    synthetic error added; otherwise the ground truth with synthetic errors (wrong level, swaps, ...)."""
    B = x.shape[0]
    xy = gt.clone()
    use_ref = torch.from_numpy(rng.rand(B) < 0.7).to(x.device)
    if use_ref.any() and refiner is not None:
        mask = torch.zeros(B, 68, device=x.device)
        with torch.no_grad():
            pr = refiner(x, gt, mask)[0]
            err = ((pr - gt) ** 2).sum(-1).cpu().numpy()
            clicked = False
            for b in range(B):
                k = 0 if rng.rand() < cfg.p_revision_no_click else rng.randint(1, 6)
                if k:
                    pick = np.argsort(-err[b])[:k] if rng.rand() < 0.7 else rng.choice(68, k, replace=False)
                    mask[b, torch.as_tensor(pick, device=x.device)] = 1
                    clicked = True
            if clicked:
                pr = refiner(x, gt, mask)[0]
        xy[use_ref] = pr[use_ref]
    out = xy.cpu().numpy().copy()
    ref = use_ref.cpu().numpy() & (refiner is not None)
    for b in range(B):
        if rng.rand() < (0.35 if ref[b] else 0.9):
            out[b] = corrupt(out[b], rng)
    return torch.from_numpy(out).to(x.device)


def detector_step(cfg, model, refiner, x, gt, rng):
    xy = corrupted_inputs(cfg, refiner, x, gt, rng)
    label = (((xy - gt) ** 2).sum(-1).sqrt() > cfg.error_threshold).float()
    prob, logits, pred, logit = model(x, xy)
    pos = label.mean().clamp(0.02, 0.98)
    bce = torch.nn.functional.binary_cross_entropy_with_logits(
        logit, label, pos_weight=torch.clamp((1 - pos) / pos, max=5.0))
    aux, parts = keypoint_loss(cfg, logits, pred, model.to_trunk(gt), model.trunk.grid)
    parts["bce"] = bce.item()
    parts["pos"] = label.mean().item()
    return bce + 0.5 * aux, parts


def corrector_step(cfg, model, refiner, x, gt, rng):
    xy = corrupted_inputs(cfg, refiner, x, gt, rng)
    bad = (((xy - gt) ** 2).sum(-1).sqrt() > cfg.error_threshold)
    r = torch.from_numpy(rng.rand(*bad.shape)).float().to(x.device)
    # simulated detector: most errors untrusted, some correct points untrusted too
    trust = torch.where(bad, (r < 0.05).float(), (r > 0.15).float())
    _, logits, raw = model(x, xy, trust)
    w = 1.0 - 0.8 * trust
    return keypoint_loss(cfg, logits, raw, gt, model.trunk.grid, w)


def init_from_refiner(cfg, model, log, which="final"):
    p = os.path.join(stage_dir(cfg, "refiner"), f"{which}.pt")
    if not os.path.exists(p):
        log("no refiner final.pt: training from scratch")
        return
    sd = torch.load(p, map_location="cpu")["model"]
    own = model.state_dict()
    n = 0
    for k, v in sd.items():
        if k in own:
            if own[k].shape == v.shape:
                own[k] = v
                n += 1
            elif k == "trunk.hint.weight":  # corrector: 2 point sets; copy the trusted set
                own[k].zero_()
                own[k][:, :v.shape[1]] = v
                n += 1
    model.load_state_dict(own)
    log(f"initialised {n} tensors from the refiner")


def warm_start(role, model, sc, log):
    """Loads the first committed file of `role` that fits the model (warm.committed_onnx) and lowers the cycle's
    peak LR. Returns the training those weights already had ({minutes, steps}), or None."""
    from .export import training_so_far
    from .warm import committed_onnx, load_onnx_weights
    for p in committed_onnx(role):
        try:
            meta = load_onnx_weights(model, p)
        except ValueError as e:
            log(f"[{role}] not warm-starting from {p}: {e}")
            continue
        sc.lr *= sc.warm_lr_scale
        prior = training_so_far(meta)
        log(f"[{role}] warm start from {p} ({prior['minutes']:.0f} min, {prior['steps']} steps before); "
            f"peak lr {sc.lr:.2e}")
        return prior
    return None


def train_role(cfg: Config, role: str, ds: Dataset, tr, va, log=print):
    sc = cfg.stage(role)
    out = stage_dir(cfg, role)
    os.makedirs(out, exist_ok=True)
    if os.path.exists(os.path.join(out, "DONE")):
        log(f"[{role}] already done")
        return
    torch.set_num_threads(cfg.threads)
    seed_all(cfg.seed + {"refiner": 0, "detector": 1, "corrector": 2}[role])
    dev = device()
    model = net.build(role, cfg).to(dev).to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(model.parameters(), lr=sc.lr, weight_decay=sc.weight_decay)
    elapsed, step = 0.0, 0
    prior = {"minutes": 0.0, "steps": 0}  # training the weights had before this run (warm start)
    rng = np.random.RandomState(cfg.seed + len(role))
    last = os.path.join(out, "last.pt")
    ema = None
    if os.path.exists(last):
        ck = torch.load(last, map_location="cpu")
        model.load_state_dict(ck["model"])
        if sc.ema and ck.get("ema"):  # saved as None when the average was off
            ema = WeightAverage(model, sc.ema)
            ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        elapsed, step = ck["elapsed"], ck["step"]
        sc.lr = ck.get("peak_lr", sc.lr)
        prior = ck.get("prior", prior)
        rng.set_state(ck["rng"])
        torch.set_rng_state(ck["torch_rng"])
        log(f"[{role}] resumed at step {step}, {elapsed / 60:.1f} min")
    elif sc.warm_start and (warm := warm_start(role, model, sc, log)):
        prior = warm
    elif role != "refiner" and sc.init_from_refiner:
        init_from_refiner(cfg, model, log)
    if sc.ema and ema is None:
        ema = WeightAverage(model, sc.ema)
    refiner = None
    if role != "refiner":
        try:
            refiner, _ = load_model(cfg, "refiner", "auto")
            refiner = refiner.to(dev)
        except FileNotFoundError:
            log("no refiner checkpoint: synthetic errors only")
    budget = sc.minutes * 60
    log(f"[{role}] {net.n_params(model)} params, budget {sc.minutes} min, batch {sc.batch}, on {dev}")

    def save(path, weights=None):
        """last.pt: the training state (own weights + average); final.pt: `weights` (the average) as model."""
        torch.save({"model": weights or model.state_dict(), "opt": opt.state_dict(), "elapsed": elapsed,
                    "step": step, "rng": rng.get_state(), "torch_rng": torch.get_rng_state(), "role": role,
                    "peak_lr": sc.lr, "prior": prior, "ema": ema.state_dict() if ema else None,
                    "config": cfg.name}, path + ".tmp")
        os.replace(path + ".tmp", path)

    def scored():
        return ema.swapped_in(model) if ema else contextlib.nullcontext()

    t_ck = t_ev = time.time()
    agg = {}
    model.train()
    while elapsed < budget:
        t0 = time.time()
        frac = elapsed / budget
        for gparam in opt.param_groups:
            gparam["lr"] = lr_at(sc, frac)
        idx = tr[rng.randint(0, len(tr), sc.batch)]
        x, gt = batch(ds, idx, rng)
        x = torch.from_numpy(x).to(dev).contiguous(memory_format=torch.channels_last)
        gt = torch.from_numpy(gt).to(dev)
        if role == "refiner":
            loss, parts = refiner_step(cfg, model, x, gt, rng)
        elif role == "detector":
            loss, parts = detector_step(cfg, model, refiner, x, gt, rng)
        else:
            loss, parts = corrector_step(cfg, model, refiner, x, gt, rng)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        if ema:
            ema.update(model)
        step += 1
        elapsed += time.time() - t0
        for k, v in parts.items():
            agg[k] = agg.get(k, 0.0) + v
        agg["n"] = agg.get("n", 0) + 1
        if step % 50 == 0:
            n = agg.pop("n")
            log(f"[{role}] step {step} {elapsed / 60:.1f}/{sc.minutes} min lr {lr_at(sc, frac):.2e} "
                + " ".join(f"{k} {v / n:.4f}" for k, v in agg.items()))
            agg = {}
        now = time.time()
        if now - t_ck > sc.ckpt_minutes * 60:
            save(last)
            t_ck = now
        if now - t_ev > sc.eval_minutes * 60 or elapsed >= budget:
            with scored():
                quick_eval(cfg, role, model, refiner, ds, va, log)
            model.train()
            t_ev = time.time()
    save(last)
    save(os.path.join(out, "final.pt"), ema.avg if ema else None)
    open(os.path.join(out, "DONE"), "w").write(f"{step} steps {elapsed / 60:.1f} min\n")
    log(f"[{role}] done: {step} steps")


def roc_auc(score, label):
    """Area under the ROC curve: the chance that a random error scores above a random correct point."""
    o = np.argsort(-score.ravel(), kind="stable")
    b = label.ravel()[o].astype(bool)
    if b.all() or not b.any():
        return float("nan")
    pairs = float(b.sum()) * float((~b).sum())
    return (pairs - float(np.cumsum(~b)[b].sum())) / pairs  # pairs with the correct point ranked first


def quick_eval(cfg, role, model, refiner, ds, va, log):
    model.eval()
    t0 = time.time()
    if role == "refiner":
        e = mre_orig(ds, va, val_refiner(model, ds, va))
        log(f"[refiner] VAL MRE(0 clicks) {e.mean():.1f} px, median {np.median(e):.1f}, "
            f"p90 {np.percentile(e, 90):.0f} ({time.time() - t0:.0f}s)")
        return
    if refiner is None:
        return
    pred = val_refiner(refiner, ds, va)
    gt = ds.pts[va]
    bad = np.linalg.norm(pred - gt, axis=-1) > cfg.error_threshold
    dev = dev_of(model)
    x = torch.from_numpy(np.stack([ds.images[i] for i in va])[:, None].astype(np.float32) / 255).to(dev)
    pt = torch.from_numpy(pred).to(dev)
    with torch.no_grad():
        if role == "detector":
            p = torch.cat([model(x[s:s + 8], pt[s:s + 8])[0] for s in range(0, len(va), 8)])
            p = p.cpu().numpy()
            flag = p > 0.5
            tp = (flag & bad).sum()
            log(f"[detector] VAL precision {tp / max(1, flag.sum()):.3f} recall {tp / max(1, bad.sum()):.3f} "
                f"AUC {roc_auc(p, bad):.3f} (errors {bad.mean() * 100:.1f}% of points)")
        else:
            trust = torch.from_numpy((~bad).astype(np.float32)).to(dev)
            out = torch.cat([model(x[s:s + 8], pt[s:s + 8], trust[s:s + 8])[0]
                             for s in range(0, len(va), 8)]).cpu().numpy()
            log(f"[corrector] VAL MRE refiner {mre_orig(ds, va, pred).mean():.1f} -> corrected with oracle "
                f"trust {mre_orig(ds, va, out).mean():.1f} px")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="default")
    ap.add_argument("--role", choices=list(net.ROLES), required=True)
    ap.add_argument("--threads", type=int, default=0, help="override the config's thread count")
    a = ap.parse_args(argv)
    cfg = get_config(a.config)
    if a.threads:
        cfg.threads = a.threads
    ds = Dataset(cfg, os.path.join(os.path.dirname(cfg.out_dir()), "cache"))
    tr, va = ds.split(cfg)
    train_role(cfg, a.role, ds, tr, va)


if __name__ == "__main__":
    main()
