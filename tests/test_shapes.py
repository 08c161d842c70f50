"""The derivation's shape statements, as tests, in both conventions."""

from __future__ import annotations

import numpy as np
import pytest
from networks import data

from nnconv import colmajor as C
from nnconv import rowmajor as R

DIMS = [7, 5, 4, 3]
M = 6


def oriented(convention, rows: int, cols: int) -> tuple[int, int]:
    """A rowmajor shape (rows, cols) as ``convention`` holds it."""
    return (rows, cols) if convention is R else (cols, rows)


@pytest.mark.parametrize("convention", [R, C], ids=["rowmajor", "colmajor"])
def test_shapes(convention) -> None:
    X, Y = data(DIMS, M, "ce")
    if convention is C:
        X, Y = X.T, Y.T
    params = convention.init_params(DIMS, seed=0)
    acts = ["relu", "tanh", "softmax"]
    AL, caches = convention.forward(X, params, acts)
    grads = convention.backward(AL, Y, caches, acts, "ce")
    assert AL.shape == oriented(convention, M, DIMS[-1])
    for l in range(1, len(DIMS)):
        n_prev, n = DIMS[l - 1], DIMS[l]
        assert params[f"W{l}"].shape == oriented(convention, n_prev, n)  # dim W[l] = (n_{l-1}, n_l) rowmajor
        assert params[f"b{l}"].shape == oriented(convention, 1, n)
        A_prev, W, b, Z = caches[l - 1]
        assert Z.shape == oriented(convention, M, n)  # Z[l] is m × n_l rowmajor
        assert A_prev.shape == oriented(convention, M, n_prev)
        assert grads[f"dW{l}"].shape == params[f"W{l}"].shape  # dW[l] has W[l]'s shape
        assert grads[f"db{l}"].shape == params[f"b{l}"].shape  # db[l] has b[l]'s
        assert grads[f"dA{l - 1}"].shape == A_prev.shape  # dA[l-1] has A[l-1]'s
    assert set(grads) == {f"{d}{l}" for d in ("dW", "db") for l in (1, 2, 3)} | {"dA0", "dA1", "dA2"}
    labels = convention.predict(X, params, acts)
    assert labels.shape == (M,)


@pytest.mark.parametrize("convention", [R, C], ids=["rowmajor", "colmajor"])
def test_predict_by_loss(convention) -> None:
    X, _ = data([3, 2], 5, "bce")
    X = X if convention is R else X.T
    params = convention.init_params([3, 2], seed=0)
    bce = convention.predict(X, params, ["sigmoid"])
    assert bce.shape == oriented(convention, 5, 2) and set(np.unique(bce)) <= {0, 1}
    ce = convention.predict(X, params, ["softmax"])
    assert ce.shape == (5,)
    AL, _ = convention.forward(X, params, ["linear"])
    assert np.array_equal(convention.predict(X, params, ["linear"]), AL)
    assert np.array_equal(convention.predict(X, params, ["sigmoid"], loss="mse"),
                          convention.forward(X, params, ["sigmoid"])[0])


@pytest.mark.parametrize("method", ["he", "xavier", "normal"])
def test_init_scales(method: str) -> None:
    params = R.init_params([400, 300], method=method, seed=0)
    expected = {"he": np.sqrt(2 / 400), "xavier": np.sqrt(1 / 400), "normal": 0.01}[method]
    assert abs(params["W1"].std() - expected) < 0.02 * expected
    assert not params["b1"].any()
    assert params["W1"].dtype == np.float64
    assert R.init_params([4, 3], seed=0, dtype=np.float32)["W1"].dtype == np.float32
