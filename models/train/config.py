"""Training presets. Budgets are wall-clock minutes; the LR schedule is cosine over the budget."""
from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field

DATA_DIR = os.environ.get("KEYBOT_DATA_DIR", "/work/shared/data/aasce/training")
TRAIN_DIR = os.environ.get("KEYBOT_TRAIN_DIR", os.path.expanduser("~/.cache/keybot/train"))
REPO_MODELS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPLIT_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "split.json")
VERSION = "0.1.0"


@dataclass
class StageConfig:
    minutes: float = 60.0          # wall-clock budget
    batch: int = 8
    lr: float = 2e-3
    weight_decay: float = 1e-4
    warmup_frac: float = 0.02
    ckpt_minutes: float = 4.0      # checkpoint period
    eval_minutes: float = 10.0     # quick validation period
    init_from_refiner: bool = True  # detector/corrector start from the refiner weights
    # With no checkpoint of its own, a stage continues from the committed fp32 models/<role>.onnx when that
    # file has this architecture (warm.py), so sessions add to each other; a new cosine cycle then starts at
    # lr * warm_lr_scale. A file of another architecture is ignored (refiner: from scratch; others: refiner).
    warm_start: bool = True
    # Cycles 3-5 restarted at 0.5 x lr: the 0-click validation MRE jumped from ~56.5 to 63-72 px in the first
    # 10-20 min and needed the rest of the cycle to come back (run logs, models/README.md), so cycles now
    # fine-tune around where the last one ended
    warm_lr_scale: float = 0.2
    ema: float = 0.999             # weight averaging (train.WeightAverage); 0 = off


@dataclass
class Config:
    name: str = "default"
    seed: int = 1234
    threads: int = 2
    height: int = 512
    width: int = 256
    # encoder widths at stride 2, 4, 8, 16, 32; width 0 at stride 2 = 4x4 patchify stem. v2 uses a 3x3 conv
    # stage at stride 2: it learned more per step in the stem ablation (models/README.md)
    widths: tuple = (16, 24, 48, 96, 160)
    attention: int = 1                      # global self-attention blocks at the stride-32 bottleneck
    dec_width: int = 24                     # decoder width at stride 4 (heatmap resolution)
    hint_sigma: float = 8.0                 # input px, Gaussian used to render hints / xy
    hint_tau: float = 2.0                   # vertebrae; in-graph spreading of hint residuals (0 = off)
    target_sigma: float = 2.0               # heatmap px, Gaussian target for the CE loss
    val_fraction: float = 0.15              # of patients
    error_threshold: float = 10.0           # input px: a point is an error for the detector above this
    detector_downsample: int = 2            # detector trunk on the image averaged over 2x2 blocks (4x cheaper)
    max_hints: int = 8
    p_no_hint: float = 0.3
    p_iterative: float = 0.5                # RITM-style clicks on the model's own worst points
    # detector/corrector inputs from the refiner: share with no simulated click (else 1-5). Cycle 4 raised it
    # from 1/6: the 0-click prediction is the one a user sees first and the one the flags are judged on
    p_revision_no_click: float = 0.5
    w_heatmap: float = 1.0
    w_coord: float = 0.1                    # L1 in input px
    w_morph: float = 0.05                   # L1 on neighbour difference vectors, input px
    # per cycle; cycle 3 moved time from the refiner (gains per cycle shrinking) to the detector and corrector;
    # cycle 4 has 75 refiner minutes so that a 3-hour session keeps time for export, evaluation and tests
    refiner: StageConfig = field(default_factory=lambda: StageConfig(minutes=75))
    detector: StageConfig = field(default_factory=lambda: StageConfig(minutes=36, lr=1e-3))
    corrector: StageConfig = field(default_factory=lambda: StageConfig(minutes=36, lr=1e-3))
    # Detector -> corrector rounds the app runs per click, stored in the corrector's metadata
    # (keybot.pipeline_rounds; the engine reads it). v2's second cycle: its corrector (282 steps) left the
    # pipeline behind the refiner alone at every click count, so 0 = refiner + the detector's flags.
    pipeline_rounds: int = 0
    # refiner/corrector ONNX average with a mirrored pass (2x cost). On since cycle 5: on the cycle-4 weights it
    # took the 0-5 click MRE from 56.5/43.0/30.3/24.8/21.5/19.4 to 54.6/38.0/27.1/22.3/19.9/17.5 px (fp32)
    flip_tta: bool = True
    max_val_images: int = 0                 # 0 = all validation images in the final evaluation

    def stage(self, role: str) -> StageConfig:
        return getattr(self, role)

    def out_dir(self) -> str:
        return os.path.join(TRAIN_DIR, self.name)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=1)


def get_config(name: str) -> Config:
    if name == "default":
        return Config()
    if name == "v1":  # what produced the shipped models (commit a4512a0): patchify stem, no attention
        return Config(name="v1", widths=(0, 24, 48, 96, 160), attention=0, pipeline_rounds=2, flip_tta=False,
                      refiner=StageConfig(minutes=80), detector=StageConfig(minutes=25, lr=1e-3),
                      corrector=StageConfig(minutes=25, lr=1e-3))
    if name == "gpu":
        return Config(name="gpu", widths=(24, 48, 96, 160, 256), dec_width=64, threads=8,
                      refiner=StageConfig(minutes=120, batch=16),
                      detector=StageConfig(minutes=40, batch=16, lr=1e-3),
                      corrector=StageConfig(minutes=60, batch=16, lr=1e-3))
    if name == "smoke":
        return Config(name="smoke",
                      refiner=StageConfig(minutes=0.6, batch=4, ckpt_minutes=0.3, eval_minutes=0.5),
                      detector=StageConfig(minutes=0.3, batch=4, lr=1e-3, ckpt_minutes=0.3, eval_minutes=0.5),
                      corrector=StageConfig(minutes=0.3, batch=4, lr=1e-3, ckpt_minutes=0.3, eval_minutes=0.5),
                      max_val_images=4)
    if os.path.isfile(name):
        with open(name) as f:
            d = json.load(f)
        for k in ("refiner", "detector", "corrector"):
            if k in d:
                d[k] = StageConfig(**d[k])
        if "widths" in d:
            d["widths"] = tuple(d["widths"])
        return Config(**d)
    raise SystemExit(f"unknown config {name!r} (default|v1|gpu|smoke|path.json)")
