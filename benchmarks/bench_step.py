"""Training-step speed of nnconv.fit, as ratios measured side by side in one process.

    python benchmarks/bench_step.py [small|mnist|large ...] [--runs 3] [--json results.json]

step  = one mini-batch of `fit` (forward, cost, backward, update), timed over an epoch of
        `steps` mini-batches of m examples and divided by `steps`; it includes what fit does
        once per call (checks, copying the parameters, shuffling)
floor = the same process's bare GEMMs for one step: L forward, L weight-gradient and
        L-1 input-gradient products on arrays of the same shapes
Printed: step/floor for each convention, colmajor/rowmajor with colmajor's data C-contiguous
(a user's usual X̃, which colmajor must transpose once per call) and with it in its canonical
Fortran order (col_F/row), and rowmajor/torch (eager PyTorch on the CPU, same dtype, data and
SGD, when torch is installed). Then the same step trained with Adam (``optimizer="adam"``) and
with dropout on the hidden layers (``keep_prob=0.8``): adam/row and drop/row, their cost over
plain SGD's step in the same round, and adam/torch and drop/torch, against PyTorch's same
training (torch.optim.Adam with its defaults; nn.Dropout(p=0.2) after each hidden relu, in
training mode, with plain SGD). Lower is better. Each ratio is taken within one of five
interleaved rounds, from timings next to each other, and a run prints the median over the
rounds; the table is the median of `--runs` runs. Only ratios count: the machine is shared.
(A ratio of the medians of separate series, the simpler method, gives the same figures when
the machine holds still and scatters more when it drifts.)
Each timing starts 0.2 s after the previous one: the worker threads of torch (OpenMP) and of
OpenBLAS keep spinning for a while after their last call, and they would otherwise slow down
whatever is timed next.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from typing import Any

import numpy as np

from nnconv import colmajor as C
from nnconv import rowmajor as R

CASES = [("small", 32, [64, 32, 10], 64), ("mnist", 128, [784, 256, 128, 10], 16),
         ("large", 1024, [784, 1024, 1024, 10], 3)]
ROUNDS = 5
"""Interleaved rounds per run. The machine's speed drifts by up to 1.5x within seconds, so each
ratio is taken within a round, from timings next to each other, and a run reports their median."""


def median_time(f: Any, reps: int) -> float:
    time.sleep(0.2)  # let the other library's idle threads stop spinning (torch's OpenMP, OpenBLAS)
    f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts))


def case(m: int, dims: list[int], dtype: type, steps: int) -> dict[str, float]:
    rng = np.random.default_rng(0)
    L = len(dims) - 1
    acts = ["relu"] * (L - 1) + ["softmax"]
    n = m * steps
    X = rng.standard_normal((n, dims[0])).astype(dtype)
    Y = np.eye(dims[-1], dtype=dtype)[rng.integers(0, dims[-1], n)]
    P = R.init_params(dims, seed=0, dtype=dtype)
    Pc = {k: np.ascontiguousarray(v.T) for k, v in P.items()}
    Xc, Yc = np.ascontiguousarray(X.T), np.ascontiguousarray(Y.T)
    kw: dict[str, Any] = {"loss": "ce", "learning_rate": 1e-3, "epochs": 1, "batch_size": m, "seed": 1}
    fit_r = lambda: R.fit(X, Y, P, acts, **kw)  # noqa: E731
    fit_c = lambda: C.fit(Xc, Yc, Pc, acts, **kw)  # noqa: E731
    fit_cF = lambda: C.fit(X.T, Y.T, {k: v.T for k, v in P.items()}, acts, **kw)  # noqa: E731
    fit_adam = lambda: R.fit(X, Y, P, acts, optimizer="adam", **kw)  # noqa: E731
    fit_drop = lambda: R.fit(X, Y, P, acts, keep_prob=0.8, **kw)  # noqa: E731
    Ws = [P[f"W{l}"] for l in range(1, L + 1)]
    As = [X[:m]] + [rng.standard_normal((m, d)).astype(dtype) for d in dims[1:]]

    def floor() -> None:
        for l in range(L):
            As[l] @ Ws[l]
        for l in range(L):
            As[l].T @ As[l + 1]
            if l > 0:
                As[l + 1] @ Ws[l].T

    torch_steps = {}
    try:
        import torch
        tdt = torch.float64 if dtype == np.float64 else torch.float32
        tX, ty = torch.tensor(X), torch.tensor(Y.argmax(1))

        def torch_training(optimizer: Any, drop: float) -> Any:
            """An epoch of eager PyTorch on the same data and network: `optimizer` (a torch.optim
            class, from the same initial weights), nn.Dropout(p=drop) after each hidden relu."""
            tW = [torch.tensor(w, dtype=tdt, requires_grad=True) for w in Ws]
            tb = [torch.zeros(1, d, dtype=tdt, requires_grad=True) for d in dims[1:]]
            opt = optimizer(tW + tb, lr=1e-3)
            dropout = torch.nn.Dropout(p=drop) if drop else None

            def epoch() -> None:
                for s in range(steps):
                    h = tX[s * m:(s + 1) * m]
                    for l in range(L):
                        h = h @ tW[l] + tb[l]
                        if l < L - 1:
                            h = torch.relu(h)
                            if dropout is not None:
                                h = dropout(h)
                    loss = torch.nn.functional.cross_entropy(h, ty[s * m:(s + 1) * m])
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
            return epoch

        torch_steps = {"sgd": torch_training(torch.optim.SGD, 0.0), "adam": torch_training(torch.optim.Adam, 0.0),
                       "drop": torch_training(torch.optim.SGD, 0.2)}
    except ImportError:
        pass
    rounds: dict[str, list[float]] = {k: [] for k in ("row/floor", "col/floor", "col/row", "col_F/row", "row/torch",
                                                      "adam/row", "drop/row", "adam/torch", "drop/torch")}
    floors = []
    for _ in range(ROUNDS):  # each round's ratios compare timings taken next to each other
        r = median_time(fit_r, 3) / steps
        c = median_time(fit_c, 3) / steps
        cF = median_time(fit_cF, 3) / steps
        f = median_time(floor, 3 * steps)
        floors.append(f)
        rounds["row/floor"].append(r / f)
        rounds["col/floor"].append(c / f)
        rounds["col/row"].append(c / r)
        rounds["col_F/row"].append(cF / r)
        adam = median_time(fit_adam, 3) / steps
        drop = median_time(fit_drop, 3) / steps
        rounds["adam/row"].append(adam / r)
        rounds["drop/row"].append(drop / r)
        if torch_steps:
            rounds["row/torch"].append(r / (median_time(torch_steps["sgd"], 3) / steps))
            rounds["adam/torch"].append(adam / (median_time(torch_steps["adam"], 3) / steps))
            rounds["drop/torch"].append(drop / (median_time(torch_steps["drop"], 3) / steps))
    out = {k: float(np.median(v)) for k, v in rounds.items() if v}
    out["floor_us"] = float(np.median(floors)) * 1e6
    return out


def machine() -> dict[str, Any]:
    """The machine and the libraries the numbers come from."""
    info: dict[str, Any] = {"python": platform.python_version(), "numpy": np.__version__,
                            "cores": os.cpu_count(), "cpu": platform.processor() or platform.machine()}
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            info["cpu"] = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        from threadpoolctl import threadpool_info
        info["blas"] = [{k: p.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
                        for p in threadpool_info() if p.get("user_api") == "blas"]
    except ImportError:
        pass
    try:
        import torch
        info["torch"] = torch.__version__
    except ImportError:
        pass
    info["OPENBLAS_CORETYPE"] = os.environ.get("OPENBLAS_CORETYPE", "(unset)")
    info["load_average"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cases", nargs="*", default=[name for name, *_ in CASES])
    parser.add_argument("--runs", type=int, default=3, help="runs; the table is their median")
    parser.add_argument("--json", help="also write the runs, their medians and the machine here")
    args = parser.parse_args()
    print(json.dumps(machine()))
    results: dict[str, Any] = {"machine": machine(), "runs": {}, "median": {}}
    for name, m, dims, steps in CASES:
        if name not in args.cases:
            continue
        for dtype in (np.float64, np.float32):
            key = f"{name} {dtype.__name__}"
            runs = []
            for run in range(args.runs):
                o = case(m, dims, dtype, steps)
                runs.append(o)
                print(f"{name:6s} m={m:<5d} {str(dims):22s} {dtype.__name__:8s} run {run + 1}: "
                      + "  ".join(f"{k} {v:.2f}" for k, v in o.items()), flush=True)
            median = {k: float(np.median([o[k] for o in runs])) for k in runs[0]}
            results["runs"][key], results["median"][key] = runs, median
            print(f"{name:6s} m={m:<5d} {str(dims):22s} {dtype.__name__:8s} MEDIAN: "
                  + "  ".join(f"{k} {v:.2f}" for k, v in median.items()), flush=True)
    results["machine"]["load_average_after"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=1)


if __name__ == "__main__":
    main()
