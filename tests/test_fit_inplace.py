"""fit trains in place (nnconv.step) and computes what the public functions compute.

- fit equals, up to rounding, the plain loop of forward, cost, backward and update over the
  same mini-batches (fit adds the bias and updates inside its products), in both conventions,
  for every activation and loss, float32 and float64, with batch sizes that leave a last,
  smaller mini-batch;
- colmajor fit is the exact transpose of rowmajor fit, also for C-contiguous colmajor input;
- fit leaves the caller's arrays alone and keeps their dtype;
- every in-place kernel equals its counterpart in nnconv.functions, special values included;
- the extra memory of a training step stays within 1.5x parameters + gradients + caches.
"""

from __future__ import annotations

import tracemalloc
from typing import Any

import numpy as np
import pytest
from networks import targets

import nnconv
from nnconv import colmajor as C
from nnconv import functions, step
from nnconv import rowmajor as R

# Some cases pair sigmoid outputs with 'ce', which fit warns about; they must still be exact.
pytestmark = pytest.mark.filterwarnings("ignore::nnconv.TrainingWarning")

DTYPES = [np.float64, np.float32]
# (hidden activations, output activation, loss): every activation and every loss at least once
NETWORKS = [
    (["relu", "relu"], "softmax", "ce"),
    (["tanh"], "sigmoid", "bce"),
    (["leaky_relu", "sigmoid"], "linear", "mse"),
    (["linear", "softmax"], "tanh", "mse"),
    (["sigmoid"], "relu", "mse"),
    (["relu"], "leaky_relu", "mse"),
    (["tanh"], "softmax", "bce"),
    (["relu"], "sigmoid", "ce"),
    ([], "softmax", "mse"),
]
BATCH_SIZES = [None, 16, 7, 1, 1000]  # all m; a last batch of 5 (m = 37); of 2; one example; more than m


def problem(hidden: list[str], output: str, loss: str, dtype: type, m: int = 37, seed: int = 0
            ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], list[str]]:
    """Rowmajor X, Y, parameters (non-zero biases, so that their path counts) and activations."""
    rng = np.random.default_rng(seed)
    dims = [5, *[6 + 3 * i for i in range(len(hidden))], 4]
    X = (rng.standard_normal((m, dims[0])) * 2).astype(dtype)
    Y = targets(rng, m, dims[-1], loss, dtype)
    P = R.init_params(dims, seed=seed, dtype=dtype)
    for l in range(1, len(dims)):
        P[f"b{l}"] = (rng.standard_normal((1, dims[l])) / 4).astype(dtype)
    return X, Y, P, [*hidden, output]


def public_loop(conv: Any, X: Any, Y: Any, params: dict[str, Any], activations: list[str], *, loss: str,
                learning_rate: float, epochs: int, batch_size: int | None, seed: int
                ) -> tuple[dict[str, np.ndarray], list[float]]:
    """What fit does, written with the public functions only: forward, cost, backward, update."""
    axis = conv.EXAMPLE_AXIS
    m = np.shape(X)[axis]
    batch_size = m if batch_size is None else batch_size
    rng = np.random.default_rng(seed)
    history = []
    for _ in range(epochs):
        X_epoch, Y_epoch = X, Y
        if batch_size < m:
            order = rng.permutation(m)
            X_epoch, Y_epoch = np.take(X, order, axis=axis), np.take(Y, order, axis=axis)
        total = 0.0
        for start in range(0, m, batch_size):
            batch = range(start, min(start + batch_size, m))
            X_batch, Y_batch = np.take(X_epoch, batch, axis=axis), np.take(Y_epoch, batch, axis=axis)
            AL, caches = conv.forward(X_batch, params, activations)
            total += conv.cost(AL, Y_batch, loss) * len(batch)
            grads = conv.backward(AL, Y_batch, caches, activations, loss)
            params = conv.update(params, grads, learning_rate)
        history.append(total / m)
    return params, history


def assert_same_bits(a: np.ndarray, b: np.ndarray) -> None:
    assert a.dtype == b.dtype and a.shape == b.shape
    assert np.array_equal(a.view(f"u{a.itemsize}"), b.view(f"u{b.itemsize}")), "not bitwise equal"


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: "-".join([*n[0], n[1], n[2]]))
@pytest.mark.parametrize("conv", [R, C], ids=["rowmajor", "colmajor"])
def test_fit_is_the_loop_of_the_public_functions(conv: Any, network: Any, dtype: type) -> None:
    X, Y, P, acts = problem(*network, dtype)
    if conv is C:
        X, Y, P = nnconv.transpose((X, Y, P))
    for batch_size in BATCH_SIZES:
        kwargs: dict[str, Any] = {"loss": network[2], "learning_rate": 0.05, "epochs": 2,
                                  "batch_size": batch_size, "seed": 3}
        fitted, history = conv.fit(X, Y, P, acts, **kwargs)
        expected, expected_history = public_loop(conv, X, Y, P, acts, **kwargs)
        assert fitted.keys() == expected.keys()
        rtol, atol = (1e-10, 1e-13) if dtype == np.float64 else (2e-4, 1e-6)
        for key in expected:
            assert fitted[key].dtype == dtype
            np.testing.assert_allclose(fitted[key], expected[key], rtol=rtol, atol=atol)
        np.testing.assert_allclose(history, expected_history, rtol=rtol)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: "-".join([*n[0], n[1], n[2]]))
def test_colmajor_fit_is_the_transpose_of_rowmajor_fit(network: Any, dtype: type) -> None:
    X, Y, P, acts = problem(*network, dtype, m=45, seed=1)
    for batch_size in (None, 8, 13):
        kwargs: dict[str, Any] = {"loss": network[2], "learning_rate": 0.1, "epochs": 3,
                                  "batch_size": batch_size, "seed": 5}
        fitted, history = R.fit(X, Y, P, acts, **kwargs)
        for colmajor_input in (nnconv.transpose, lambda a: {k: np.ascontiguousarray(v.T) for k, v in a.items()}):
            Xc, Yc, Pc = colmajor_input({"X": X, "Y": Y})["X"], colmajor_input({"Y": Y})["Y"], colmajor_input(P)
            fitted_c, history_c = C.fit(Xc, Yc, Pc, acts, **kwargs)
            for key in fitted:
                assert_same_bits(fitted[key], np.ascontiguousarray(fitted_c[key].T))
                assert fitted[key].flags.c_contiguous and fitted_c[key].flags.f_contiguous
            assert history == history_c


@pytest.mark.parametrize("conv", [R, C], ids=["rowmajor", "colmajor"])
@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
def test_fit_leaves_the_callers_arrays_alone_and_keeps_the_dtype(conv: Any, dtype: type) -> None:
    X, Y, P, acts = problem(["relu"], "softmax", "ce", dtype)
    if conv is C:
        X, Y, P = np.ascontiguousarray(X.T), np.ascontiguousarray(Y.T), nnconv.transpose(P)
    before = [a.copy() for a in (X, Y, *P.values())]
    fitted, history = conv.fit(X, Y, P, acts, loss="ce", learning_rate=0.5, epochs=3, batch_size=10, seed=0)
    for a, b in zip(before, (X, Y, *P.values())):
        assert_same_bits(a, b)
    for key, value in fitted.items():
        assert value.dtype == dtype and value.shape == P[key].shape
        assert not any(np.shares_memory(value, a) for a in (X, Y, *P.values()))
    assert all(isinstance(J, float) for J in history) and history[-1] < history[0]
    again, _ = conv.fit(X, Y, fitted, acts, loss="ce", learning_rate=0.5, epochs=1, batch_size=10, seed=0)
    assert not any(np.shares_memory(again[k], fitted[k]) for k in fitted)


# The kernels, one by one, against nnconv.functions: ordinary values and the awkward ones.

def awkward(dtype: type, shape: tuple[int, int], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal(shape) * 3).astype(dtype)
    a.flat[:6] = [0.0, -0.0, 1e-30, -1e-30, np.finfo(dtype).tiny / 4, -np.finfo(dtype).tiny / 4]
    return a


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("name", list(functions.ACTIVATIONS))
def test_each_kernel_has_the_bits_of_its_reference(name: str, order: str, dtype: type) -> None:
    axis = 1 if order == "C" else 0  # the feature axis of the layout
    Z = np.asarray(awkward(dtype, (9, 7), 0), order=order)
    dA = np.asarray(awkward(dtype, (9, 7), 1), order=order)
    A = functions.ACTIVATIONS[name](Z, axis)
    out = np.full_like(Z, np.nan)
    assert_same_bits(np.ascontiguousarray(step.ACTIVATIONS_INTO[name](Z, axis, out)), np.ascontiguousarray(A))
    dZ = functions.DERIVATIVES[name](dA, Z, A, axis)
    into_Z = Z.copy(order="K")  # dZ may take Z's place
    got = step.DERIVATIVES_INTO[name](dA, into_Z, A if A is not Z else into_Z, axis, into_Z)
    assert_same_bits(np.ascontiguousarray(got), np.ascontiguousarray(dZ))


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
def test_relu_backward_keeps_where_semantics_for_signed_zeros_inf_and_nan(dtype: type) -> None:
    dA = np.array([[-0.0, 0.0, -1.5, np.inf, -np.inf, np.nan, 2.0, -3.0]], dtype)
    Z = np.array([[1.0, 1.0, -1.0, -2.0, 0.0, -0.0, np.nan, 5.0]], dtype)
    out = np.empty_like(Z)
    assert_same_bits(step.relu_backward(dA, Z, Z, 1, out), np.where(Z > 0, dA, 0))


@pytest.mark.parametrize("dtype", DTYPES, ids=["float64", "float32"])
@pytest.mark.parametrize("name", sorted(step.IN_PLACE))
def test_in_place_kernels_have_the_bits_of_their_reference(name: str, dtype: type) -> None:
    """fit writes these activations over Z, and takes their derivatives from A alone."""
    Z = awkward(dtype, (9, 7), 0)
    dA = awkward(dtype, (9, 7), 1)
    A = functions.ACTIVATIONS[name](Z, 1)
    dZ = functions.DERIVATIVES[name](dA, Z, A, 1)
    buffer = Z.copy()
    A_in_place = step.ACTIVATIONS_INTO[name](buffer, 1, buffer)
    assert_same_bits(A_in_place, A)
    assert_same_bits(step.DERIVATIVES_INTO[name](dA, A_in_place, A_in_place, 1, A_in_place), dZ)


@pytest.mark.parametrize("conv", [R, C], ids=["rowmajor", "colmajor"])
def test_the_extra_memory_of_a_training_step_stays_within_its_arrays(conv: Any) -> None:
    """tracemalloc's peak during fit on one mini-batch (no shuffling), against the arrays a step
    cannot do without: parameters + gradients + the caches Z[l], A[l]."""
    dims, m, acts = [784, 256, 128, 10], 128, ["relu", "relu", "softmax"]
    rng = np.random.default_rng(0)
    X = rng.standard_normal((m, dims[0])).astype(np.float32)
    Y = targets(rng, m, dims[-1], "ce", np.float32)
    P = R.init_params(dims, seed=0, dtype=np.float32)
    if conv is C:
        X, Y, P = nnconv.transpose((X, Y, P))
    params = sum(v.nbytes for v in P.values())
    caches = 2 * m * sum(dims[1:]) * 4
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        conv.fit(X, Y, P, acts, loss="ce", learning_rate=0.01, epochs=1)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert peak <= 1.5 * (2 * params + caches), (peak, 2 * params + caches)
