"""Random networks and data for the tests, in the rowmajor convention."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnconv.types import Array

OUTPUTS_FOR_LOSS = {"bce": ("sigmoid", "softmax"), "ce": ("softmax", "sigmoid"),
                    "mse": ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax")}


def targets(rng: np.random.Generator, m: int, n_out: int, loss: str, dtype: type) -> Array:
    """Labels Y (m, n_out) that suit ``loss``: 0/1 for bce, one-hot for ce, real for mse."""
    if loss == "bce":
        return rng.integers(0, 2, (m, n_out)).astype(dtype)
    if loss == "ce":
        return np.eye(n_out, dtype=dtype)[rng.integers(0, n_out, m)]
    return rng.standard_normal((m, n_out)).astype(dtype)


def data(
    layer_dims: Sequence[int], m: int, loss: str, dtype: type = np.float64, seed: int = 0
) -> tuple[Array, Array]:
    """X (m, n_0) and Y (m, n_L) in the rowmajor convention."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, layer_dims[0])).astype(dtype)
    return X, targets(rng, m, layer_dims[-1], loss, dtype)
