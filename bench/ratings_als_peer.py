"""numpy ALS peer of bench/ratings.ts (issue 12): the same weighted-λ ALS (Zhou et al. 2008, no
biases) on the same generated ratings, read from raw files the TypeScript bench wrote.

usage: python3 bench/ratings_als_peer.py DIR USERS ITEMS RANK SWEEPS
DIR holds row.i32, col.i32, val.f64 (native byte order). Prints one JSON line:
{"sweep_s": [...], "sweep_cpu_s": [...], "peak_rss_mib": ...}.
"""
import json
import resource
import sys
import time

import numpy as np


def half_sweep(indptr, indices, values, fixed, out, reg):
    k = fixed.shape[1]
    eye = np.eye(k)
    for i in range(len(indptr) - 1):
        a, b = indptr[i], indptr[i + 1]
        if a == b:
            out[i] = 0
            continue
        y = fixed[indices[a:b]]
        gram = y.T @ y + reg * (b - a) * eye
        out[i] = np.linalg.solve(gram, y.T @ values[a:b])


def csr(rows, cols, vals, n):
    order = np.argsort(rows, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(indptr, rows + 1, 1)
    return np.cumsum(indptr), cols[order], vals[order]


def main():
    d, n, m, k, sweeps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    rows = np.fromfile(f"{d}/row.i32", dtype=np.int32).astype(np.int64)
    cols = np.fromfile(f"{d}/col.i32", dtype=np.int32).astype(np.int64)
    vals = np.fromfile(f"{d}/val.f64", dtype=np.float64)
    by_row = csr(rows, cols, vals, n)
    by_col = csr(cols, rows, vals, m)
    rng = np.random.default_rng(0)
    u = np.zeros((n, k))
    w = rng.normal(0, 1 / np.sqrt(k), (m, k))
    times = []
    cpu = []
    for _ in range(sweeps):
        t = time.perf_counter()
        c = time.process_time()
        half_sweep(*by_row, w, u, 0.1)
        half_sweep(*by_col, u, w, 0.1)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"sweep_s": times, "sweep_cpu_s": cpu, "peak_rss_mib": peak}))


if __name__ == "__main__":
    main()
