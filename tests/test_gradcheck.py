"""Backpropagation agrees with centred finite differences for every activation/loss pairing."""

from __future__ import annotations

import numpy as np
import pytest
from networks import OUTPUTS_FOR_LOSS, data

import nnconv
from nnconv import rowmajor as R
from nnconv import transpose

PAIRINGS = [(hidden, output, loss) for loss, outputs in OUTPUTS_FOR_LOSS.items() for output in outputs
            for hidden in nnconv.ACTIVATIONS if hidden != "softmax"]


@pytest.mark.parametrize("name", ["rowmajor", "colmajor"])
@pytest.mark.parametrize(("hidden", "output", "loss"), PAIRINGS)
def test_gradient_check_passes(name: str, hidden: str, output: str, loss: str) -> None:
    dims, activations = [4, 5, 3], [hidden, output]
    X, Y = data(dims, 6, loss, seed=3)
    params = R.init_params(dims, method="xavier", seed=4)
    params["b1"] = np.full((1, 5), 0.1)
    if name == "colmajor":
        X, Y, params = transpose(X), transpose(Y), transpose(params)
    assert nnconv.gradient_check(name, X, Y, params, activations, loss) < 1e-7


def test_gradient_check_detects_a_wrong_gradient(monkeypatch: pytest.MonkeyPatch) -> None:
    """A backward pass that drops the 1/m of db is caught."""
    dims = [3, 4, 2]
    X, Y = data(dims, 8, "bce", seed=0)
    params = R.init_params(dims, seed=0)
    correct = R.linear_backward

    def wrong(dZ, A_prev, W):
        dA_prev, dW, db = correct(dZ, A_prev, W)
        return dA_prev, dW, db * A_prev.shape[0]

    monkeypatch.setattr(R, "linear_backward", wrong)
    assert nnconv.gradient_check("rowmajor", X, Y, params, ["tanh", "sigmoid"], "bce") > 1e-2


def test_gradient_check_is_the_same_in_both_conventions() -> None:
    dims = [3, 4, 2]
    X, Y = data(dims, 5, "ce", seed=1)
    params = R.init_params(dims, seed=2)
    row = nnconv.gradient_check("rowmajor", X, Y, params, ["relu", "softmax"], "ce")
    col = nnconv.gradient_check("colmajor", X.T, Y.T, transpose(params), ["relu", "softmax"], "ce")
    assert row == pytest.approx(col, rel=1e-9)  # the same differences, summed in another order
