"""A small ONNX interpreter on torch ops, for the ops our exported graphs use. It runs the actual
ONNX files (fp32, int8 DequantizeLinear, fp16 Cast), so checks and evaluation exercise exactly the
shipped weights. Not a general runtime: unknown ops raise."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def _attrs(node):
    from onnx import helper
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


class OnnxTorch:
    def __init__(self, path):
        import onnx
        from onnx import numpy_helper
        self.mp = onnx.load(path)
        g = self.mp.graph
        self.meta = {p.key: p.value for p in self.mp.metadata_props}
        self.consts = {}
        for i in g.initializer:
            a = numpy_helper.to_array(i)
            self.consts[i.name] = torch.from_numpy(a.copy())
        self.nodes = [(n.op_type, list(n.input), list(n.output), _attrs(n)) for n in g.node]
        self.inputs = [i.name for i in g.input if i.name not in self.consts]
        self.outputs = [o.name for o in g.output]
        self.op_types = sorted({n[0] for n in self.nodes})
        # pre-evaluate the weight-only dequantization once (constant subgraph)
        self._fold()

    def _fold(self):
        env = dict(self.consts)
        rest = []
        for op, ins, outs, at in self.nodes:
            if op in ("DequantizeLinear", "Cast", "Constant", "Identity") and all(i in env for i in ins if i):
                env[outs[0]] = self._op(op, [env[i] if i else None for i in ins], at)
            else:
                rest.append((op, ins, outs, at))
        self.env0, self.run_nodes = env, rest

    @staticmethod
    def _op(op, x, at):
        if op == "Conv":
            pads = at.get("pads", [0, 0, 0, 0])
            assert pads[0] == pads[2] and pads[1] == pads[3]
            return F.conv2d(x[0], x[1], x[2] if len(x) > 2 else None, at.get("strides", [1, 1]),
                            (pads[0], pads[1]), at.get("dilations", [1, 1]), at.get("group", 1))
        if op == "Relu":
            return F.relu(x[0])
        if op == "Add":
            return x[0] + x[1]
        if op == "Sub":
            return x[0] - x[1]
        if op == "Mul":
            return x[0] * x[1]
        if op == "Div":
            return x[0] / x[1]
        if op == "Exp":
            return torch.exp(x[0])
        if op == "Sqrt":
            return torch.sqrt(x[0])
        if op == "Clip":
            lo = x[1] if len(x) > 1 and x[1] is not None else None
            hi = x[2] if len(x) > 2 and x[2] is not None else None
            return torch.clamp(x[0], min=lo.item() if lo is not None else None, max=hi.item() if hi is not None else None)
        if op == "Sigmoid":
            return torch.sigmoid(x[0])
        if op == "MatMul":
            return torch.matmul(x[0], x[1])
        if op == "Softmax":
            return torch.softmax(x[0], at.get("axis", -1))
        if op == "Concat":
            b = max(t.shape[0] for t in x)
            if at["axis"] != 0 and b > 1:  # batched evaluation: broadcast batch-1 constants
                x = [t.expand(b, *t.shape[1:]) if t.shape[0] == 1 else t for t in x]
            return torch.cat(x, at["axis"])
        if op == "Reshape":
            shape = [int(s) for s in x[1].tolist()]
            shape = [x[0].shape[i] if s == 0 else s for i, s in enumerate(shape)]
            if shape and shape[0] == 1 and x[0].dim() and x[0].shape[0] > 1:
                shape[0] = x[0].shape[0]  # batched evaluation of the batch-1 graphs (leading dim = batch)
            return x[0].reshape(shape)
        if op == "Transpose":
            return x[0].permute(*at["perm"])
        if op == "Unsqueeze":
            y = x[0]
            for a in sorted(int(v) for v in x[1].tolist()):
                y = y.unsqueeze(a)
            return y
        if op == "ReduceSum":
            axes = [int(v) for v in x[1].tolist()]
            return x[0].sum(axes, keepdim=bool(at.get("keepdims", 1)))
        if op == "Slice":
            y = x[0]
            starts, ends = x[1].tolist(), x[2].tolist()
            axes = x[3].tolist() if len(x) > 3 and x[3] is not None else list(range(len(starts)))
            steps = x[4].tolist() if len(x) > 4 and x[4] is not None else [1] * len(starts)
            sl = [slice(None)] * y.dim()
            for s, e, a, st in zip(starts, ends, axes, steps):
                assert st == 1
                n = y.shape[a]
                sl[a] = slice(max(-n, min(int(s), n)), max(-n, min(int(e), n)))
            return y[tuple(sl)]
        if op == "Resize":
            assert at.get("mode", b"nearest") in (b"nearest", "nearest")
            scales = x[2].tolist() if len(x) > 2 and x[2] is not None and x[2].numel() else None
            if scales:
                return F.interpolate(x[0], scale_factor=scales[2:], mode="nearest")
            return F.interpolate(x[0], size=[int(v) for v in x[3].tolist()[2:]], mode="nearest")
        if op == "Constant":
            from onnx import numpy_helper
            return torch.from_numpy(numpy_helper.to_array(at["value"]).copy())
        if op == "Identity":
            return x[0]
        if op == "DequantizeLinear":
            q, s, zp = x[0].float(), x[1], x[2].float() if len(x) > 2 else 0
            axis = at.get("axis", 1)
            if s.dim() == 1 and s.numel() > 1:
                shape = [1] * q.dim()
                shape[axis] = -1
                s = s.reshape(shape)
                zp = zp.reshape(shape) if torch.is_tensor(zp) else zp
            return (q - zp) * s
        if op == "Cast":
            assert at["to"] == 1
            return x[0].float()
        raise NotImplementedError(op)

    @torch.no_grad()
    def __call__(self, **feeds):
        env = dict(self.env0)
        for k, v in feeds.items():
            env[k] = torch.as_tensor(np.asarray(v, np.float32))
        for op, ins, outs, at in self.run_nodes:
            env[outs[0]] = self._op(op, [env[i] if i else None for i in ins], at)
        return [env[o].numpy() for o in self.outputs]
