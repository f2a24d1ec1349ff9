#!/usr/bin/python3
"""PyTorch eager on the same work as bench_mnist (bench/bench_mnist.cpp): one training step of
TensorFlow's MNIST tutorial convnet at batch 64, float32, two threads.

    conv 5x5x32 same + ReLU + maxpool 2 -> conv 5x5x64 same + ReLU + maxpool 2 -> flatten
    -> dense 3136->512 + ReLU -> dropout 0.5 -> dense 512->10
    loss = mean softmax cross-entropy + 5e-4 * sum of l2(x) = sum(x^2)/2 over the dense
           weights and biases; SGD with momentum 0.9 (TensorFlow's semantics), lr 0.01

The overparameterized variant replaces each dense weight W by W1 @ W2 (3136->512->512 and
512->10->10), multiplied as (x @ W1) @ W2. Its L2 term sees each factor (--l2-on factors) or
the product W1 @ W2, formed explicitly (--l2-on product): autograd then runs the 512x512x3136
product forward and two more of that size backward.

Batches are MNIST's first training images when data/mnist holds the IDX files (else random);
they are prepared beforehand, so data loading is not timed. Prints the median milliseconds per
step of STEPS steps after WARMUP untimed ones.

    bench/torch_mnist.py [--variant original|overparam] [--l2-on product|factors]
                         [--steps N] [--warmup W] [--threads T] [--random]
"""
import os
import sys

threads_arg = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "2"
# torch's own threads (OpenMP) do the work; keep the OpenBLAS it links from adding its own.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", threads_arg)

import argparse  # noqa: E402  (after the environment is set)
import pathlib  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--variant", choices=["original", "overparam"], default="original")
parser.add_argument("--l2-on", choices=["product", "factors"], default="product")
parser.add_argument("--steps", type=int, default=50)
parser.add_argument("--warmup", type=int, default=5)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--batch", type=int, default=64)
parser.add_argument("--random", action="store_true")
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(66478)
B = args.batch


def batches(count):
    root = pathlib.Path(__file__).resolve().parent.parent / "data" / "mnist"
    images_file, labels_file = root / "train-images-idx3-ubyte", root / "train-labels-idx1-ubyte"
    if not args.random and images_file.exists() and labels_file.exists():
        pixels = np.fromfile(images_file, dtype=np.uint8, offset=16).reshape(-1, 1, 28, 28)
        labels = np.fromfile(labels_file, dtype=np.uint8, offset=8).astype(np.int64)
        pixels, labels = pixels[5000:], labels[5000:]  # the 5000 validation images go first
        x = torch.from_numpy(pixels.astype(np.float32) / 255.0 - 0.5)
        y = torch.from_numpy(labels)
        offsets = [(b * B) % (len(y) - B) for b in range(count)]
        return [(x[o : o + B].clone(), y[o : o + B].clone()) for o in offsets]
    gen = torch.Generator().manual_seed(1)
    return [
        (torch.rand(B, 1, 28, 28, generator=gen) - 0.5, torch.randint(0, 10, (B,), generator=gen))
        for _ in range(count)
    ]


def weight(*shape):
    w = torch.empty(*shape)
    torch.nn.init.trunc_normal_(w, std=0.1, a=-0.2, b=0.2)
    return w.requires_grad_()


def bias(n, value):
    return torch.full((n,), value).requires_grad_()


def l2(t):
    return (t * t).sum() / 2


conv1_w, conv1_b = weight(32, 1, 5, 5), bias(32, 0.0)
conv2_w, conv2_b = weight(64, 32, 5, 5), bias(64, 0.1)
if args.variant == "original":
    fc1 = [weight(3136, 512)]
    fc2 = [weight(512, 10)]
else:
    fc1 = [weight(3136, 512), weight(512, 512)]
    fc2 = [weight(512, 10), weight(10, 10)]
fc1_b, fc2_b = bias(512, 0.1), bias(10, 0.1)
params = [conv1_w, conv1_b, conv2_w, conv2_b, *fc1, fc1_b, *fc2, fc2_b]
opt = torch.optim.SGD(params, lr=0.01, momentum=0.9)


def dense(x, factors, b):
    for w in factors:  # (x @ W1) @ W2: the cheaper order at batch 64
        x = x @ w
    return x + b


def regularizer():
    total = l2(fc1_b) + l2(fc2_b)
    for factors in (fc1, fc2):
        if len(factors) == 1 or args.l2_on == "factors":
            total = total + sum(l2(w) for w in factors)
        else:
            total = total + l2(factors[0] @ factors[1])
    return total


def step(x, y):
    h = F.max_pool2d(F.relu(F.conv2d(x, conv1_w, conv1_b, padding=2)), 2)
    h = F.max_pool2d(F.relu(F.conv2d(h, conv2_w, conv2_b, padding=2)), 2)
    h = F.relu(dense(h.flatten(1), fc1, fc1_b))
    h = F.dropout(h, p=0.5, training=True)
    logits = dense(h, fc2, fc2_b)
    loss = F.cross_entropy(logits, y) + 5e-4 * regularizer()
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss


data = batches(min(args.warmup + args.steps, 64))
ms = []
for s in range(args.warmup + args.steps):
    x, y = data[s % len(data)]
    start = time.perf_counter()
    step(x, y)
    if s >= args.warmup:
        ms.append((time.perf_counter() - start) * 1e3)
print(f"{statistics.median(ms):.2f}")
