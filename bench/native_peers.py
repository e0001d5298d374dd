"""Peers of bench/native.ts (numpy, scikit-learn, PyTorch), as a server that times one run per
request, so that the benchmark can interleave our runs and the peers' runs (A B A B …) and both
sides see the same machine load.

Usage: python3 bench/native_peers.py
Reads one JSON object per line on stdin and answers one JSON line on stdout:

  {"op": "info"}                              versions, BLAS, thread counts
  {"op": "gemm_setup", "n": N, "dtype": D}    random n×n A, B (uniform on [-1, 1))
  {"op": "gemm"}                              times A @ B                       → {"ms"}
  {"op": "svd_setup", "file": F}              loads a float64 .npy
  {"op": "svd"}                               numpy.linalg.svd(A, full_matrices=False) → {"ms"}
  {"op": "rsvd_setup", "dir": D}              builds case (a) of the randomized-SVD issue
                                              (2000×2000 rank-100 signal + 0.1·N(0, 1), k = 50;
                                              bench/randomized_peers.py's construction and seed),
                                              writes D/a.npy           → {"file", "k", "optimum"}
  {"op": "sklearn_rsvd"}                      sklearn randomized_svd(A, k, random_state=0)
                                                                        → {"ms", "ratio"}
  {"op": "torch_rsvd"}                        torch.svd_lowrank(A, q=k), seed 0 → {"ms", "ratio"}
  {"op": "adam_setup", "n", "m", "hidden", "k", "epochs"}
  {"op": "adam_seed"}                         the seed's program: identity input through two
                                              bias-free nn.Linear, Adam lr 0.01, MSE → {"ms", "loss"}
  {"op": "adam_direct"}                       the same factorization with U, V as parameters

ratio = ‖A − U·diag(S)·Vᵀ‖_F ÷ optimum, optimum = √(Σ_{i>k} σᵢ²) from numpy's exact SVD.
Errors are answered as {"error": message}.
"""
import json
import os
import sys
import time

import numpy as np

state = {}


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, 1000 * (time.perf_counter() - t)


def blas_info():
    try:
        cfg = np.show_config(mode="dicts")  # numpy ≥ 1.26
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # noqa: BLE001
        return "system BLAS (libblas.so.3)"


def op_info(_):
    out = {"numpy": np.__version__, "blas": blas_info(), "python": sys.executable}
    try:
        import sklearn

        out["sklearn"] = sklearn.__version__
    except ImportError:
        pass
    try:
        import torch

        out["torch"] = torch.__version__
        out["torch_threads"] = torch.get_num_threads()
    except ImportError:
        pass
    return out


def op_gemm_setup(req):
    rng = np.random.default_rng(1)
    n = req["n"]
    state["a"] = rng.uniform(-1, 1, (n, n)).astype(req["dtype"])
    state["b"] = rng.uniform(-1, 1, (n, n)).astype(req["dtype"])
    return {}


def op_gemm(_):
    a, b = state["a"], state["b"]
    return {"ms": timed(lambda: a @ b)[1]}


def op_svd_setup(req):
    state["svd"] = np.load(req["file"])
    return {}


def op_svd(_):
    a = state["svd"]
    return {"ms": timed(lambda: np.linalg.svd(a, full_matrices=False))[1]}


def op_errpass_setup(req):
    state["errpass"] = tuple(np.load(req[name]) for name in ("a", "u", "v"))
    return {}


def op_errpass(_):
    """The error figures of lowrank's error pass, the numpy way: the whole product, then the formulas."""
    a, u, v = state["errpass"]

    def run():
        d = a - u @ v
        ad = np.abs(d)
        return (np.linalg.norm(d), np.mean(ad / (np.abs(a) + 1e-8)), ad.max())

    return {"ms": timed(run)[1]}


def op_rsvd_setup(req):
    rng = np.random.default_rng(20110217)  # case (a) of bench/randomized_peers.py
    n, k = 2000, 50
    a = rng.standard_normal((n, 100)) @ rng.standard_normal((100, n)) + 0.1 * rng.standard_normal((n, n))
    a = np.ascontiguousarray(a, dtype=np.float64)
    os.makedirs(req["dir"], exist_ok=True)
    path = os.path.join(req["dir"], "a.npy")
    np.save(path, a)
    s = np.linalg.svd(a, compute_uv=False)
    state["rsvd"] = (a, k, float(np.sqrt(np.sum(s[k:] ** 2))))
    return {"file": path, "k": k, "optimum": state["rsvd"][2]}


def op_sklearn_rsvd(_):
    from sklearn.utils.extmath import randomized_svd

    a, k, optimum = state["rsvd"]
    (u, s, vt), ms = timed(lambda: randomized_svd(a, k, random_state=0))
    return {"ms": ms, "ratio": float(np.linalg.norm(a - (u * s) @ vt)) / optimum}


def op_torch_rsvd(_):
    import torch

    a, k, optimum = state["rsvd"]
    ta = torch.from_numpy(a)

    def run():
        torch.manual_seed(0)
        return torch.svd_lowrank(ta, q=k)

    (u, s, v), ms = timed(run)
    return {"ms": ms, "ratio": float(torch.linalg.norm(ta - (u * s) @ v.T)) / optimum}


def op_adam_setup(req):
    import torch

    n, m, hidden = req["n"], req["m"], req["hidden"]
    np.random.seed(0)
    original = np.random.rand(n, hidden) @ np.random.rand(hidden, m) + 0.1 * np.random.randn(n, m)
    state["adam"] = dict(req, label=torch.from_numpy(original).float(), inp=torch.eye(n))
    return {}


def op_adam_seed(_):
    import torch
    import torch.nn as nn

    p = state["adam"]
    n, m, k, epochs, label, inp = p["n"], p["m"], p["k"], p["epochs"], p["label"], p["inp"]

    class LowRankApprox(nn.Module):  # the seed's model
        def __init__(self):
            super().__init__()
            self.U = nn.Linear(n, k, bias=False)
            self.V = nn.Linear(k, m, bias=False)

        def forward(self, x):
            return self.V(self.U(x))

    torch.manual_seed(0)
    model = LowRankApprox()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.MSELoss()

    def train():
        for _ in range(epochs):
            loss = loss_fn(model(inp), label)
            opt.zero_grad()
            loss.backward()
            opt.step()
        return float(loss)

    loss, ms = timed(train)
    return {"ms": ms, "loss": loss}


def op_adam_direct(_):
    import torch
    import torch.nn as nn

    p = state["adam"]
    n, m, k, epochs, label = p["n"], p["m"], p["k"], p["epochs"], p["label"]
    torch.manual_seed(0)
    u = nn.Parameter((torch.rand(n, k) * 2 - 1) / n**0.5)
    v = nn.Parameter((torch.rand(k, m) * 2 - 1) / k**0.5)
    opt = torch.optim.Adam([u, v], lr=0.01)
    loss_fn = nn.MSELoss()

    def train():
        for _ in range(epochs):
            loss = loss_fn(u @ v, label)
            opt.zero_grad()
            loss.backward()
            opt.step()
        return float(loss)

    loss, ms = timed(train)
    return {"ms": ms, "loss": loss}


OPS = {name[3:]: fn for name, fn in globals().items() if name.startswith("op_")}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            out = OPS[req["op"]](req)
        except Exception as e:  # noqa: BLE001
            out = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
