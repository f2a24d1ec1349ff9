#!/usr/bin/python3
"""PyTorch eager on the same work as BM_linear_tape/3/1 (bench/bench_linear.cpp): one gradient
descent iteration of a depth-3, width-1 linear network on the l_4 loss over all 2565 ethanol
rows (zscore-normalized), float64, on THREADS threads (torch's and its OpenBLAS's; default 1).
Prints the median microseconds per iteration of ROUNDS timings of about a second each.

    bench/torch_linear.py [ROUNDS] [THREADS]      (needs Debian's python3-torch)
"""
import os
import sys

threads = sys.argv[2] if len(sys.argv) > 2 else "1"
os.environ.setdefault("OPENBLAS_NUM_THREADS", threads)  # as many BLAS threads as torch's
os.environ.setdefault("OMP_NUM_THREADS", threads)

import gzip  # noqa: E402  (after the environment is set for OpenBLAS)
import pathlib
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(int(threads))
root = pathlib.Path(__file__).resolve().parent.parent
rows = []
with gzip.open(root / "data/gas/ethanol.dat.gz", "rt") as f:
    for line in f:
        head, *features = line.split()
        rows.append([float(head.split(";")[1])] + [float(v.split(":")[1]) for v in features])
data = np.array(rows)
std = data.std(axis=0)
data = (data - data.mean(axis=0)) / np.where(std > 0, std, 1)
x = torch.tensor(data[:, 1:])
y = torch.tensor(data[:, :1])
m = x.shape[0]

gen = torch.Generator().manual_seed(0)
w1 = (0.01 * torch.randn(1, 128, generator=gen, dtype=torch.float64)).requires_grad_()
w2 = (0.01 * torch.randn(1, 1, generator=gen, dtype=torch.float64)).requires_grad_()
w3 = (0.01 * torch.randn(1, 1, generator=gen, dtype=torch.float64)).requires_grad_()
params = [w1, w2, w3]


def step():
    yhat = x @ w1.t() @ w2.t() @ w3.t()
    loss = ((yhat - y) ** 4).sum() / (4 * m)
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= 1e-5 * p.grad
            p.grad = None
    return loss


for _ in range(200):  # warm up
    step()
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
per_iteration = []
for _ in range(rounds):
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < 1.0:
        step()
        n += 1
    per_iteration.append((time.perf_counter() - start) / n * 1e6)
print(f"{statistics.median(per_iteration):.1f}")
