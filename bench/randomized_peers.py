"""Peers of bench/accuracy.ts: builds the four accuracy cases, computes their exact singular
values with numpy (LAPACK), and runs scikit-learn's randomized_svd and torch.svd_lowrank with
their default settings (only the rank is given, plus a fixed seed).

Usage: python3 randomized_peers.py OUT_DIR [REPEATS] [--fast | --serve | --serve-from]
With --fast: the fast-mode cases of issue 15 instead (rank-100 signal + 0.1·N(0, 1) at 2000²,
4000² and 8000×2000, k = 20 and 50), torch.svd_lowrank(q=k+10, niter=2) timed on each, and the
BLAS numpy, torch and scikit-learn use named in "blas".
With --serve: the fast-mode cases written and their optima computed as with --fast, then one JSON
line {"torch", "torch_threads", "blas", "cases"} and a loop on stdin, so that the caller can time
torch between its own runs (interleaved on a shared machine): "run NAME K" times one
torch.svd_lowrank(q=K+10, niter=2) and answers {"ms"}; "err NAME K" answers {"err"}, the Frobenius
error of its rank-K truncation (seed 0); "quit" ends. --serve-from reads the .npy files another
server wrote into OUT_DIR instead (no optima): a second BLAS setting on the same data.
Writes OUT_DIR/<case>.npy (float64, C order) and prints one JSON line on stdout:
{"numpy": ..., "sklearn": ..., "torch": ..., "blas_threads": ..., "torch_threads": ...,
 "cases": [{"name", "file", "shape", "k", "optimum", "sigma_k", "sigma_k1",
            "sklearn": {"ratio", "median_ms"} | {"error"}, "torch": {...}}]}
where ratio = ‖A − U·diag(S)·Vᵀ‖_F / optimum and optimum = √(Σ_{i>k} σᵢ²).
"""
import json
import os
import sys
import time

import numpy as np


def build_cases():
    """The four cases of issue 3, each from its own fixed seed."""
    cases = []
    rng = np.random.default_rng(20110217)
    # (a) exact rank-100 signal plus 0.1·N(0, 1) noise, k = 50.
    n = 2000
    a = rng.standard_normal((n, 100)) @ rng.standard_normal((100, n)) + 0.1 * rng.standard_normal((n, n))
    cases.append(("a", "2000x2000 rank-100 signal + 0.1 N(0,1), k=50", a, 50))
    # (b) 2000×1000 with σᵢ = 1/i: random orthonormal singular vectors, k = 20.
    rng = np.random.default_rng(20151207)
    u, _ = np.linalg.qr(rng.standard_normal((2000, 1000)))
    v, _ = np.linalg.qr(rng.standard_normal((1000, 1000)))
    b = (u / np.arange(1, 1001)) @ v.T
    cases.append(("b", "2000x1000 sigma_i = 1/i, k=20", b, 20))
    # (c) tall 5000×300: rank-30 signal just above the noise floor, 0.1·G₁G₂ + N(0, 1), k = 20.
    rng = np.random.default_rng(5000300)
    c = 0.1 * (rng.standard_normal((5000, 30)) @ rng.standard_normal((30, 300))) + rng.standard_normal((5000, 300))
    cases.append(("c", "5000x300 tall, 0.1 rank-30 signal + N(0,1), k=20", c, 20))
    # (d) wide 300×5000: the same model, an independent draw, transposed shape.
    rng = np.random.default_rng(3005000)
    d = 0.1 * (rng.standard_normal((300, 30)) @ rng.standard_normal((30, 5000))) + rng.standard_normal((300, 5000))
    cases.append(("d", "300x5000 wide, 0.1 rank-30 signal + N(0,1), k=20", d, 20))
    return cases


def timed(fn, repeats):
    times = []
    out = None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, 1000 * float(np.median(times))


def fast_cases():
    """Signal + noise as case (a), at the sizes of issue 15's fast-mode comparison."""
    out = []
    for (n, m), ks, seed in [((2000, 2000), (20, 50), 15_2000), ((4000, 4000), (20, 50), 15_4000), ((8000, 2000), (20, 50), 15_8000)]:
        rng = np.random.default_rng(seed)
        a = rng.standard_normal((n, 100)) @ rng.standard_normal((100, m)) + 0.1 * rng.standard_normal((n, m))
        out.append((f"{n}x{m}", f"{n}x{m} rank-100 signal + 0.1 N(0,1)", a, ks))
    return out


def blas_info():
    """Which BLAS numpy and torch link (threadpoolctl when present, else torch's config line)."""
    info = {}
    try:
        from threadpoolctl import threadpool_info
        info["threadpoolctl"] = [{k: p.get(k) for k in ("user_api", "internal_api", "filepath", "num_threads", "architecture")} for p in threadpool_info()]
    except Exception as e:  # noqa: BLE001
        info["threadpoolctl"] = f"missing: {e}"
    try:
        import torch
        cfg = torch.__config__.show()
        info["torch_blas"] = [line.strip() for line in cfg.splitlines() if "BLAS" in line or "LAPACK" in line or "MKL" in line][:4]
    except Exception as e:  # noqa: BLE001
        info["torch_blas"] = f"missing: {e}"
    info["OPENBLAS_CORETYPE"] = os.environ.get("OPENBLAS_CORETYPE")
    return info


def main_fast(out_dir, repeats):
    import torch
    result = {"numpy": np.__version__, "torch": torch.__version__, "torch_threads": torch.get_num_threads(), "blas": blas_info(), "cases": []}
    for name, title, a, ks in fast_cases():
        a = np.ascontiguousarray(a, dtype=np.float64)
        path = os.path.join(out_dir, f"{name}.npy")
        np.save(path, a)
        s = np.linalg.svd(a, compute_uv=False)
        ta = torch.from_numpy(a)
        for k in ks:
            optimum = float(np.sqrt(np.sum(s[k:] ** 2)))
            torch.manual_seed(0)
            (u, sv, v), ms = timed(lambda: torch.svd_lowrank(ta, q=k + 10, niter=2), repeats)
            # svd_lowrank returns q = k + 10 triplets: the rank-k approximation keeps the first k.
            err = float(torch.linalg.norm(ta - (u[:, :k] * sv[:k]) @ v[:, :k].T))
            result["cases"].append({"name": f"{name} k={k}", "title": title, "file": path, "shape": list(a.shape), "k": k,
                                    "optimum": optimum, "torch": {"ratio": err / optimum, "median_ms": ms}})
    print(json.dumps(result))


def serve(out_dir, build):
    """The --serve / --serve-from loop (see the module docstring)."""
    import torch
    head = {"torch": torch.__version__, "torch_threads": torch.get_num_threads(), "blas": blas_info(), "cases": []}
    data = {}
    for name, title, a, ks in fast_cases() if build else []:
        a = np.ascontiguousarray(a, dtype=np.float64)
        path = os.path.join(out_dir, f"{name}.npy")
        np.save(path, a)
        s = np.linalg.svd(a, compute_uv=False)
        for k in ks:
            head["cases"].append({"name": f"{name} k={k}", "title": title, "file": path, "shape": list(a.shape), "k": k,
                                  "optimum": float(np.sqrt(np.sum(s[k:] ** 2)))})
    print(json.dumps(head), flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] == "quit":
            break
        name, k = parts[1], int(parts[2])
        if name not in data:
            data.clear()  # one matrix at a time: the caller goes case by case
            data[name] = torch.from_numpy(np.load(os.path.join(out_dir, f"{name}.npy")))
        ta = data[name]
        torch.manual_seed(0)
        t = time.perf_counter()
        u, sv, v = torch.svd_lowrank(ta, q=k + 10, niter=2)
        ms = 1000 * (time.perf_counter() - t)
        if parts[0] == "err":
            print(json.dumps({"err": float(torch.linalg.norm(ta - (u[:, :k] * sv[:k]) @ v[:, :k].T))}), flush=True)
        else:
            print(json.dumps({"ms": ms}), flush=True)


def main():
    out_dir = sys.argv[1]
    if "--serve" in sys.argv or "--serve-from" in sys.argv:
        os.makedirs(out_dir, exist_ok=True)
        serve(out_dir, "--serve" in sys.argv)
        return
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] != "--fast" else 3
    if "--fast" in sys.argv:
        os.makedirs(out_dir, exist_ok=True)
        main_fast(out_dir, repeats)
        return
    os.makedirs(out_dir, exist_ok=True)
    result = {"numpy": np.__version__, "cases": []}
    try:
        import sklearn
        from sklearn.utils.extmath import randomized_svd
        result["sklearn"] = sklearn.__version__
    except Exception as e:  # noqa: BLE001
        randomized_svd = None
        result["sklearn"] = f"missing: {e}"
    try:
        import torch
        result["torch"] = torch.__version__
        result["torch_threads"] = torch.get_num_threads()
    except Exception as e:  # noqa: BLE001
        torch = None
        result["torch"] = f"missing: {e}"
    try:
        from threadpoolctl import threadpool_info
        result["blas_threads"] = max((p.get("num_threads", 1) for p in threadpool_info() if p.get("user_api") == "blas"), default=1)
    except Exception:  # noqa: BLE001
        result["blas_threads"] = None

    for name, title, a, k in build_cases():
        a = np.ascontiguousarray(a, dtype=np.float64)
        path = os.path.join(out_dir, f"{name}.npy")
        np.save(path, a)
        s = np.linalg.svd(a, compute_uv=False)
        optimum = float(np.sqrt(np.sum(s[k:] ** 2)))
        case = {"name": name, "title": title, "file": path, "shape": list(a.shape), "k": k,
                "optimum": optimum, "sigma_k": float(s[k - 1]), "sigma_k1": float(s[k])}
        if randomized_svd is not None:
            (u, sv, vt), ms = timed(lambda: randomized_svd(a, k, random_state=0), repeats)
            err = float(np.linalg.norm(a - (u * sv) @ vt))
            case["sklearn"] = {"ratio": err / optimum, "median_ms": ms}
        if torch is not None:
            ta = torch.from_numpy(a)
            torch.manual_seed(0)
            (u, sv, v), ms = timed(lambda: torch.svd_lowrank(ta, q=k), repeats)
            err = float(torch.linalg.norm(ta - (u * sv) @ v.T))
            case["torch"] = {"ratio": err / optimum, "median_ms": ms}
        result["cases"].append(case)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
