"""The small data sets shipped with nnconv (see ``nnconv/data/README.md`` for their sources)."""

from __future__ import annotations

from importlib import resources

import numpy as np

from .types import Array

DATASETS = ("digits", "breast_cancer")


def load(name: str) -> tuple[Array, Array, str]:
    """``(X, Y, loss)`` for a shipped data set, in the rowmajor convention (one example per row).

    ``digits``: X (1797, 64) scaled to [0, 1], Y one-hot (1797, 10), loss ``"ce"``.
    ``breast_cancer``: X (569, 30) standardised per feature, Y (569, 1) with 1 = benign,
    loss ``"bce"``. Use ``X.T``, ``Y.T`` for colmajor.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; valid: {', '.join(map(repr, DATASETS))}")
    with resources.files("nnconv.data").joinpath(f"{name}.npz").open("rb") as file:
        data = np.load(file, allow_pickle=False)
        X, y = data["X"].astype(np.float64), data["y"].astype(np.int64)
    if name == "digits":
        return X / 16.0, np.eye(10)[y], "ce"
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, y.reshape(-1, 1).astype(np.float64), "bce"


def train_test_split(
    X: Array, Y: Array, test_fraction: float = 0.25, seed: int = 0
) -> tuple[Array, Array, Array, Array]:
    """Shuffle the rows with ``seed`` and split off the last ``test_fraction`` as a test set."""
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(round(len(X) * test_fraction))
    train, test = order[n_test:], order[:n_test]
    return X[train], Y[train], X[test], Y[test]
