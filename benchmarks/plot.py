"""The Performance page's plot, from the JSON that bench_step.py wrote.

    python benchmarks/bench_step.py --runs 3 --json benchmarks/results.json
    python benchmarks/plot.py benchmarks/results.json docs/img/performance.png
"""
from __future__ import annotations

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

GOALS = {"small": 3.0, "mnist": 1.25, "large": 1.10}


def main(results_path: str, png_path: str) -> None:
    with open(results_path) as f:
        median = json.load(f)["median"]
    keys = list(median)
    x = np.arange(len(keys))
    width = 0.27
    fig, ax = plt.subplots(figsize=(9, 4.2), dpi=110)
    ax.bar(x - width, [median[k]["row/floor"] for k in keys], width, label="rowmajor", color="#3f6fb5")
    ax.bar(x, [median[k]["row/floor"] * median[k]["col_F/row"] for k in keys], width,
           label="colmajor, X̃ in Fortran order", color="#e08a2c")
    ax.bar(x + width, [median[k]["col/floor"] for k in keys], width,
           label="colmajor, X̃ C-ordered", color="#f3c58f")
    if all("row/torch" in median[k] for k in keys):
        ax.plot(x, [median[k]["row/floor"] / median[k]["row/torch"] for k in keys], "k_", markersize=22,
                mew=2, label="PyTorch eager")
    for i, k in enumerate(keys):
        goal = GOALS[k.split()[0]]
        ax.hlines(goal, i - 1.5 * width, i + 1.5 * width, colors="#b03030", linestyles="dashed",
                  label="goal" if i == 0 else None)
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.set_xticks(x, [k.replace(" ", "\n") for k in keys])
    ax.set_ylabel("time of a training step / its bare GEMMs")
    ax.set_yscale("log")
    ax.set_title("nnconv.fit: one mini-batch step against the floor of its matrix products (lower is better)")
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    fig.savefig(png_path)


if __name__ == "__main__":
    main(*sys.argv[1:3])


def table(results_path: str, memory_path: str | None = None) -> str:
    """The Performance page's tables, in Markdown, from the JSON of the two benchmarks."""
    with open(results_path) as f:
        median = json.load(f)["median"]
    rows = []
    for key, o in median.items():
        name, dtype = key.split()
        rows.append(f"| {name} | {dtype} | {o['row/floor']:.2f} | {o['col/floor']:.2f} | {o['col/row']:.2f} | "
                    f"{o['col_F/row']:.2f} | {o.get('row/torch', float('nan')):.2f} |")
    if memory_path:
        with open(memory_path) as f:
            memory = json.load(f)
        rows.append("")
        for key, o in memory.items():
            name, dtype = key.split()
            rows.append(f"| {name} | {dtype} | {o['rowmajor 1 batch']:.2f} | {o['rowmajor 4 batch']:.2f} |")
    return "\n".join(rows)
