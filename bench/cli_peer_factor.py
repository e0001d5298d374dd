"""Peer of bench/cli-overhead.ts: `lowrank factor A.npy --rank K --out DIR` done as a Python script
with numpy and scikit-learn, timed as a whole process by the caller (Python's start, the imports,
reading, factorizing, the error figures, saving the factors).

Usage: python3 cli_peer_factor.py A.npy K OUT_DIR
Reads A (float64 .npy), runs sklearn.utils.extmath.randomized_svd(A, K, random_state=0) at its
defaults (n_oversamples=10, n_iter='auto'), computes the Frobenius error, the relative error and the
seed's average percent error (mean of |A − Â| / |A| over the entries with A ≠ 0) in full as
numpy does, saves U·diag(S) and Vᵀ as OUT_DIR/U.npy and OUT_DIR/V.npy, and prints one JSON line
{"relative": ..., "avg_percent": ...}.
"""
import json
import os
import sys

import numpy as np
from sklearn.utils.extmath import randomized_svd


def main():
    path, k, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    a = np.load(path)
    u, s, vt = randomized_svd(a, k, random_state=0)
    u *= s
    r = a - u @ vt
    fro = np.linalg.norm(r)
    nz = a != 0
    avg = 100 * float(np.mean(np.abs(r[nz]) / np.abs(a[nz]))) if nz.any() else 0.0
    os.makedirs(out, exist_ok=True)
    np.save(os.path.join(out, 'U.npy'), u)
    np.save(os.path.join(out, 'V.npy'), vt)
    print(json.dumps({'relative': float(fro / np.linalg.norm(a)), 'avg_percent': avg}))


if __name__ == '__main__':
    main()
