"""Writes a large float32 .npy for the out-of-core benchmark, block by block (never the whole
matrix in memory): rank-100 signal plus Gaussian noise. The signal's singular values are about
1000·0.98^i for i < 50 and ten times smaller for 50 ≤ i < 100: a clear gap at k = 50, the rank the
benchmark asks for, so a few passes reach the optimum and streamed and in-memory runs can be
compared to 1e-6.

    python3 bench/out_of_core_generate.py OUT.npy [ROWS] [COLS] [SEED]

Defaults 200000 × 10000 (8.0 GB). Row i of the signal is g_i·diag(s)·V with g_i ~ N(0, I/n), V ~ N(0, 1/m)
(so the signal's singular values are close to s); the noise is 0.01·N(0, 1) per entry.
"""
import sys
import numpy as np
from numpy.lib import format as npf

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
m = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 0
r = 100
rng = np.random.default_rng(seed)
s = (1000 * 0.98 ** np.arange(r) * np.where(np.arange(r) < 50, 1.0, 0.1)).astype(np.float32)
V = (rng.standard_normal((r, m), dtype=np.float32) / np.sqrt(m)) * s[:, None]
with open(out, 'wb') as f:
    npf.write_array_header_1_0(f, {'descr': '<f4', 'fortran_order': False, 'shape': (n, m)})
    block = 4096
    for start in range(0, n, block):
        count = min(block, n - start)
        g = rng.standard_normal((count, r), dtype=np.float32) / np.float32(np.sqrt(n))
        a = g @ V
        a += np.float32(0.01) * rng.standard_normal((count, m), dtype=np.float32)
        f.write(np.ascontiguousarray(a, dtype='<f4').tobytes())
print(f'wrote {out}: {n}×{m} float32, {(n * m * 4) / 1e9:.2f} GB')
