"""Every colmajor output is the bitwise transpose of the rowmajor one (np.array_equal).

Hypothesis draws random networks (depth, widths including 1, m including 1, activations,
loss, dtype) and hands colmajor either the transposed views (its canonical Fortran layout)
or C-contiguous copies, the layout a user who builds X̃ by hand usually has.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from networks import OUTPUTS_FOR_LOSS, targets

import nnconv
from nnconv import colmajor as C
from nnconv import datasets, transpose
from nnconv import rowmajor as R

# The drawn networks include outputs that cannot learn (a 1-unit softmax, sigmoid with 'ce'),
# which fit warns about; their results must still be exact.
pytestmark = pytest.mark.filterwarnings("ignore::nnconv.TrainingWarning")

ACTIVATIONS = list(nnconv.ACTIVATIONS)


def equal_transposed(row: Any, col: Any) -> int:
    """Assert that ``col`` is the bitwise transpose of ``row``; return the number of arrays compared."""
    if isinstance(row, dict):
        assert row.keys() == col.keys()
        return sum(equal_transposed(row[k], col[k]) for k in row)
    if isinstance(row, (list, tuple)):
        assert len(row) == len(col)
        return sum(equal_transposed(r, c) for r, c in zip(row, col))
    if isinstance(row, float):
        assert row == col or (np.isnan(row) and np.isnan(col))
        return 1
    assert isinstance(col, np.ndarray) and row.dtype == col.dtype, (row, col)
    assert np.array_equal(transpose(row), col, equal_nan=True)
    return 1


def as_user_colmajor(a: np.ndarray, contiguous: bool) -> np.ndarray:
    """The colmajor counterpart of a rowmajor array: a transposed view, or a C-ordered copy."""
    return np.ascontiguousarray(a.T) if contiguous else a.T


@st.composite
def networks(draw: st.DrawFn) -> dict[str, Any]:
    L = draw(st.integers(1, 4))
    dims = [draw(st.one_of(st.integers(1, 6), st.integers(7, 40))) for _ in range(L + 1)]
    loss = draw(st.sampled_from(["bce", "ce", "mse"]))
    if loss == "ce" and dims[-1] == 1:
        dims[-1] = 2
    hidden = [draw(st.sampled_from(ACTIVATIONS)) for _ in range(L - 1)]
    activations = [*hidden, draw(st.sampled_from(OUTPUTS_FOR_LOSS[loss]))]
    return {
        "dims": dims,
        "m": draw(st.one_of(st.just(1), st.integers(2, 9), st.integers(10, 80))),
        "loss": loss,
        "activations": activations,
        "dtype": draw(st.sampled_from([np.float64, np.float32])),
        "method": draw(st.sampled_from(["he", "xavier", "normal"])),
        "seed": draw(st.integers(0, 2**16)),
        "contiguous": draw(st.booleans()),
        "batch_size": draw(st.one_of(st.none(), st.integers(1, 30))),
    }


@settings(max_examples=250)
@given(networks())
def test_every_output_is_the_bitwise_transpose(net: dict[str, Any]) -> None:
    dims, m, loss, acts, dtype = net["dims"], net["m"], net["loss"], net["activations"], net["dtype"]
    rng = np.random.default_rng(net["seed"])
    X = rng.standard_normal((m, dims[0])).astype(dtype) * 2
    Y = targets(rng, m, dims[-1], loss, dtype)
    to_col = lambda a: as_user_colmajor(a, net["contiguous"])  # noqa: E731

    P = R.init_params(dims, method=net["method"], seed=net["seed"], dtype=dtype)
    Pc = C.init_params(dims, method=net["method"], seed=net["seed"], dtype=dtype)
    equal_transposed(P, Pc)
    # biases are zero after init; give them values so that the bias path is exercised
    for l in range(1, len(dims)):
        P[f"b{l}"] = rng.standard_normal((1, dims[l])).astype(dtype)
    Pc = {k: to_col(v) for k, v in P.items()}

    AL, caches = R.forward(X, P, acts)
    ALc, caches_c = C.forward(to_col(X), Pc, acts)
    equal_transposed(AL, ALc)
    equal_transposed(caches, caches_c)

    for (A_prev, W, b, Z), act in zip(caches, acts):
        equal_transposed(R.linear_forward(A_prev, W, b), C.linear_forward(to_col(A_prev), to_col(W), to_col(b)))
        equal_transposed(R.activation_forward(Z, act), C.activation_forward(to_col(Z), act))
        dA = rng.standard_normal(Z.shape).astype(dtype)
        equal_transposed(R.activation_backward(dA, Z, act), C.activation_backward(to_col(dA), to_col(Z), act))
        dZ = rng.standard_normal(Z.shape).astype(dtype)
        equal_transposed(R.linear_backward(dZ, A_prev, W), C.linear_backward(to_col(dZ), to_col(A_prev), to_col(W)))

    assert R.cost(AL, Y, loss) == C.cost(to_col(AL), to_col(Y), loss)
    equal_transposed(R.loss_backward(AL, Y, loss), C.loss_backward(to_col(AL), to_col(Y), loss))
    grads = R.backward(AL, Y, caches, acts, loss)
    grads_c = C.backward(to_col(AL), to_col(Y), [type(c)(*map(to_col, c)) for c in caches], acts, loss)
    equal_transposed(grads, grads_c)
    equal_transposed(R.update(P, grads, 0.1), C.update(Pc, grads_c, 0.1))
    equal_transposed(R.predict(X, P, acts), C.predict(to_col(X), Pc, acts))

    kwargs: dict[str, Any] = {"loss": loss, "learning_rate": 0.05, "epochs": 2,
                              "batch_size": net["batch_size"], "seed": net["seed"]}
    try:
        fitted, history = R.fit(X, Y, P, acts, **kwargs)
    except nnconv.NumericalError:  # a random network can diverge: then both conventions say so
        with pytest.raises(nnconv.NumericalError):
            C.fit(to_col(X), to_col(Y), Pc, acts, **kwargs)
        return
    fitted_c, history_c = C.fit(to_col(X), to_col(Y), Pc, acts, **kwargs)
    equal_transposed(fitted, fitted_c)
    assert history == history_c


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_whole_training_run_on_the_digits_is_exact(dtype: type) -> None:
    X, Y, loss = datasets.load("digits")
    X, Y = X.astype(dtype), Y.astype(dtype)
    acts = ["relu", "tanh", "softmax"]
    P = R.init_params([64, 48, 24, 10], seed=3, dtype=dtype)
    Pc = C.init_params([64, 48, 24, 10], seed=3, dtype=dtype)
    kwargs: dict[str, Any] = {"loss": loss, "learning_rate": 0.1, "epochs": 3, "batch_size": 100, "seed": 7}
    fitted, history = R.fit(X, Y, P, acts, **kwargs)
    fitted_c, history_c = C.fit(np.ascontiguousarray(X.T), np.ascontiguousarray(Y.T), Pc, acts, **kwargs)
    equal_transposed(fitted, fitted_c)
    assert history == history_c
    assert all(v.dtype == dtype for v in fitted.values())
    assert history[-1] < history[0]


def test_layers_wide_enough_for_every_blas_kernel_are_exact() -> None:
    """Sizes ≥ 16 on every side, where transposed BLAS calls differ most often."""
    for dtype in (np.float32, np.float64):
        for m, n0, n1 in [(16, 16, 16), (33, 64, 17), (128, 784, 256), (257, 100, 65)]:
            rng = np.random.default_rng(m)
            A_prev = rng.standard_normal((m, n0)).astype(dtype)
            W = rng.standard_normal((n0, n1)).astype(dtype)
            b = rng.standard_normal((1, n1)).astype(dtype)
            dZ = rng.standard_normal((m, n1)).astype(dtype)
            for contiguous in (False, True):
                col = lambda a: as_user_colmajor(a, contiguous)  # noqa: E731
                equal_transposed(R.linear_forward(A_prev, W, b), C.linear_forward(col(A_prev), col(W), col(b)))
                equal_transposed(R.linear_backward(dZ, A_prev, W),
                                 C.linear_backward(col(dZ), col(A_prev), col(W)))


def test_rowmajor_given_fortran_arrays_is_still_exact() -> None:
    """The guarantee holds whatever layout the rowmajor caller passes, too."""
    rng = np.random.default_rng(0)
    A_prev, W, b = rng.standard_normal((40, 30)), rng.standard_normal((30, 20)), rng.standard_normal((1, 20))
    Z = R.linear_forward(np.asfortranarray(A_prev), np.asfortranarray(W), b)
    assert np.array_equal(Z, R.linear_forward(A_prev, W, b))
    assert np.array_equal(Z.T, C.linear_forward(A_prev.T, W.T, b.T))


def test_textbook_literal_colmajor_is_not_always_exact() -> None:
    """Why matmul exists: the literal W̃ @ Ã on C-ordered copies differs in the last bits for
    some shapes, while nnconv's colmajor does not."""
    differ = 0
    for seed, (m, n0, n1) in enumerate([(64, 64, 64), (128, 784, 256), (100, 50, 70), (33, 65, 17)]):
        rng = np.random.default_rng(seed)
        A_prev, W = rng.standard_normal((m, n0)), rng.standard_normal((n0, n1))
        literal = np.ascontiguousarray(W.T) @ np.ascontiguousarray(A_prev.T)
        differ += not np.array_equal(literal, (A_prev @ W).T)
        assert np.array_equal(C.linear_forward(A_prev.T, W.T, np.zeros((n1, 1))), (A_prev @ W + 0.0).T)
    assert differ > 0
