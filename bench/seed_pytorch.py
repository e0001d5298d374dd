"""The seed article's PyTorch program (training part), timed. Prints one JSON line.

Usage: /usr/bin/python3 bench/seed_pytorch.py [n m hidden_rank rank epochs repeats]
Runs the seed's exact model (two bias-free nn.Linear layers, identity input, Adam lr 0.01,
MSELoss) and reports the median wall time of the 500-epoch training loop over `repeats` runs.
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn

args = [int(x) for x in sys.argv[1:]]
n, m, hidden_rank, rank, epochs, repeats = (args + [100, 50, 20, 10, 500, 5][len(args):])[:6]
threads = torch.get_num_threads()


class LowRankApprox(nn.Module):
    def __init__(self, n, m, rank):
        super().__init__()
        self.U = nn.Linear(n, rank, bias=False)
        self.V = nn.Linear(rank, m, bias=False)

    def forward(self, x):
        return self.V(self.U(x))


times = []
results = []
for rep in range(repeats):
    np.random.seed(rep)
    torch.manual_seed(rep)
    U_true = np.random.rand(n, hidden_rank)
    V_true = np.random.rand(hidden_rank, m)
    original = U_true @ V_true + 0.1 * np.random.randn(n, m)
    inp = torch.from_numpy(np.eye(n)).float()
    label = torch.from_numpy(original).float()
    model = LowRankApprox(n, m, rank)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.MSELoss()
    t0 = time.perf_counter()
    for epoch in range(epochs):
        out = model(inp)
        loss = loss_fn(out, label)
        opt.zero_grad()
        loss.backward()
        opt.step()
    t1 = time.perf_counter()
    times.append(t1 - t0)
    U = model.U.weight.detach().numpy().T
    V = model.V.weight.detach().numpy().T
    err = float(np.linalg.norm(original - U @ V))
    s = np.linalg.svd(original, compute_uv=False)
    opt_err = float(np.sqrt(np.sum(s[rank:] ** 2)))
    results.append({"error": err, "optimum": opt_err, "gap": err / opt_err - 1})

print(json.dumps({
    "peer": "pytorch",
    "torch": torch.__version__,
    "threads": threads,
    "n": n, "m": m, "rank": rank, "epochs": epochs,
    "median_s": float(np.median(times)),
    "times_s": times,
    "runs": results,
}))
