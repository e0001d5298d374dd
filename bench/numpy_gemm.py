"""numpy's GEMM throughput on n×n×n, as a reference tier. Prints one JSON line.

Usage: python3 bench/numpy_gemm.py [n ...]
"""
import json
import sys
import time

import numpy as np

sizes = [int(x) for x in sys.argv[1:]] or [1024]
rng = np.random.default_rng(1)
rows = []
for dtype in ("float64", "float32"):
    for n in sizes:
        a = rng.uniform(-1, 1, (n, n)).astype(dtype)
        b = rng.uniform(-1, 1, (n, n)).astype(dtype)
        a @ b
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            a @ b
            times.append(time.perf_counter() - t0)
        t = float(np.median(times))
        rows.append({"dtype": dtype, "n": n, "median_ms": t * 1000, "gflops": 2 * n**3 / t / 1e9})
print(json.dumps({"peer": "numpy", "numpy": np.__version__, "rows": rows}))
