"""Extra peak memory of a training step of nnconv.fit, measured with tracemalloc.

    python benchmarks/bench_memory.py [--json memory.json]

For each benchmark case and dtype, fit runs one epoch on exactly one mini-batch (no shuffle)
and, separately, on 4 mini-batches (shuffled: fit gathers each mini-batch into a buffer).
tracemalloc's peak during the call, above what was allocated before it, is compared with the
arrays a step cannot do without: the parameters, their gradients, and the cached activations,
as a forward pass caches them (``LayerCache``): the mini-batch A[0] and Z[l], A[l] of every
layer. Goal: extra peak <= 1.5x that.
"""
from __future__ import annotations

import argparse
import json
import tracemalloc
from typing import Any

import numpy as np

from nnconv import colmajor as C
from nnconv import rowmajor as R

CASES = [("small", 32, [64, 32, 10]), ("mnist", 128, [784, 256, 128, 10]),
         ("large", 1024, [784, 1024, 1024, 10])]


def peak(conv: Any, X: Any, Y: Any, P: Any, acts: list[str], m: int) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        conv.fit(X, Y, P, acts, loss="ce", learning_rate=1e-3, epochs=1, batch_size=m, seed=1)
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json")
    args = parser.parse_args()
    results = {}
    for name, m, dims in CASES:
        for dtype in (np.float64, np.float32):
            rng = np.random.default_rng(0)
            acts = ["relu"] * (len(dims) - 2) + ["softmax"]
            itemsize = np.dtype(dtype).itemsize
            P = R.init_params(dims, seed=0, dtype=dtype)
            params = sum(v.nbytes for v in P.values())
            caches = (m * dims[0] + 2 * m * sum(dims[1:])) * itemsize  # A[0]; Z[l], A[l]
            needed = 2 * params + caches  # params + grads + cached activations
            row = {"needed_MB": needed / 1e6}
            for batches in (1, 4):
                n = m * batches
                X = rng.standard_normal((n, dims[0])).astype(dtype)
                Y = np.eye(dims[-1], dtype=dtype)[rng.integers(0, dims[-1], n)]
                for conv, args_ in ((R, (X, Y, P)), (C, (X.T, Y.T, {k: v.T for k, v in P.items()}))):
                    extra = peak(conv, *args_, acts, m)
                    row[f"{conv.NAME} {batches} batch"] = extra / needed
            results[f"{name} {dtype.__name__}"] = row
            print(f"{name:6s} {dtype.__name__:8s} needed {needed / 1e6:7.2f} MB  extra peak / needed: "
                  + "  ".join(f"{k} {v:.2f}" for k, v in row.items() if k != "needed_MB"), flush=True)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=1)


if __name__ == "__main__":
    main()
