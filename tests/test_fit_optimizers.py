"""fit with optimizer=, l2= and keep_prob=: the loop of the public functions, the bitwise
transpose across conventions, and its checks.

- fit with each optimizer, with L2 and with dropout equals, up to rounding, a loop written with
  the public forward pieces, linear_backward, activation_backward and nnconv.optim, where
  the L2 terms and the inverted-dropout masks are computed by hand as the docs define them
  (cost + (λ/2m) Σ‖W‖², dW + (λ/m) W; D = rng.random((m, n_l)) < keep_prob from fit's
  generator, after its shuffle, layer by layer, A ∘ D / keep_prob and dA ∘ D / keep_prob);
- colmajor's fit is the bitwise transpose of rowmajor's for every optimizer, L2 and dropout
  (hypothesis over small networks);
- the defaults (sgd, l2=0, keep_prob=1) give the bits of a call without the new keywords.
"""

from __future__ import annotations

import tracemalloc
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from networks import targets
from test_exact import as_user_colmajor, equal_transposed, networks
from test_fit_inplace import NETWORKS, assert_same_bits, problem

import nnconv
from nnconv import colmajor as C
from nnconv import optim, step
from nnconv import rowmajor as R
from nnconv.functions import FUSED

OPTIMIZERS = list(optim.OPTIMIZERS)
REGULARIZATION = [{}, {"l2": 0.7}, {"keep_prob": 0.6}, {"l2": 0.3, "keep_prob": 0.8}]


def reference_fit(conv: Any, X: Any, Y: Any, params: dict[str, Any], activations: list[str], *, loss: str,
                  learning_rate: float, epochs: int, batch_size: int | None, seed: int, optimizer: str = "sgd",
                  l2: float = 0.0, keep_prob: float = 1.0) -> tuple[dict[str, np.ndarray], list[float]]:
    """What fit does, with the public functions and nnconv.optim; L2 and dropout by hand."""
    axis = conv.EXAMPLE_AXIS
    m = np.shape(X)[axis]
    batch_size = m if batch_size is None else batch_size
    rng = np.random.default_rng(seed)
    state = optim.init_state(optimizer, params)
    L = len(activations)
    history = []
    for _ in range(epochs):
        order = rng.permutation(m) if batch_size < m else np.arange(m)
        total = 0.0
        for start in range(0, m, batch_size):
            examples = order[start:start + batch_size]
            X_batch, Y_batch = np.take(X, examples, axis=axis), np.take(Y, examples, axis=axis)
            mb = len(examples)
            A, caches, masks = X_batch, [], {}
            for l, activation in enumerate(activations, start=1):
                A_prev = A
                Z = conv.linear_forward(A_prev, params[f"W{l}"], params[f"b{l}"])
                A = conv.activation_forward(Z, activation)
                if l < L and keep_prob < 1:
                    n = Z.shape[1 - axis]
                    D = rng.random((mb, n)) < keep_prob  # rowmajor's orientation
                    masks[l] = D if axis == 0 else D.T
                    A = A * masks[l] / keep_prob
                caches.append((A_prev, Z))
            squares = sum(float(np.sum(params[f"W{l}"] ** 2)) for l in range(1, L + 1))
            total += (conv.cost(A, Y_batch, loss) + l2 / (2 * mb) * squares) * mb
            if (activations[-1], loss) in FUSED:
                dZ = A - Y_batch
            else:
                dZ = conv.activation_backward(conv.loss_backward(A, Y_batch, loss), caches[-1][1], activations[-1])
            grads = {}
            for l in range(L, 0, -1):
                A_prev, _ = caches[l - 1]
                W = params[f"W{l}"]
                dA_prev, dW, grads[f"db{l}"] = conv.linear_backward(dZ, A_prev, W)
                grads[f"dW{l}"] = dW + l2 / mb * W
                if l > 1:
                    if l - 1 in masks:
                        dA_prev = dA_prev * masks[l - 1] / keep_prob
                    dZ = conv.activation_backward(dA_prev, caches[l - 2][1], activations[l - 2])
            params, state = optim.OPTIMIZERS[optimizer](params, grads, state, learning_rate=learning_rate)
        history.append(total / m)
    return params, history


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("regularization", REGULARIZATION, ids=lambda r: "-".join(f"{k}{v}" for k, v in r.items())
                         or "plain")
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("conv", [R, C], ids=["rowmajor", "colmajor"])
def test_fit_is_the_loop_of_the_public_functions_and_optim(conv: Any, optimizer: str, regularization: dict[str, float],
                                                          dtype: type) -> None:
    for network in NETWORKS[:4]:
        X, Y, P, acts = problem(*network, dtype)
        if conv is C:
            X, Y, P = nnconv.transpose((X, Y, P))
        for batch_size in (None, 7):
            kwargs: dict[str, Any] = {"loss": network[2], "learning_rate": 0.02, "epochs": 2,
                                      "batch_size": batch_size, "seed": 3, "optimizer": optimizer, **regularization}
            fitted, history = conv.fit(X, Y, P, acts, **kwargs)
            expected, expected_history = reference_fit(conv, X, Y, P, acts, **kwargs)
            rtol, atol = (1e-10, 1e-13) if dtype == np.float64 else (2e-4, 1e-6)
            assert fitted.keys() == expected.keys()
            for key in expected:
                assert fitted[key].dtype == dtype
                np.testing.assert_allclose(fitted[key], expected[key], rtol=rtol, atol=atol, err_msg=key)
            np.testing.assert_allclose(history, expected_history, rtol=rtol)


@settings(max_examples=80)
@given(net=networks(), optimizer=st.sampled_from(OPTIMIZERS), l2=st.sampled_from([0.0, 0.5]),
       keep_prob=st.sampled_from([1.0, 0.5, 0.9]))
def test_colmajor_fit_is_the_transpose_of_rowmajor_fit(net: dict[str, Any], optimizer: str, l2: float,
                                                       keep_prob: float) -> None:
    dims, m, loss, acts, dtype = net["dims"], net["m"], net["loss"], net["activations"], net["dtype"]
    rng = np.random.default_rng(net["seed"])
    X = rng.standard_normal((m, dims[0])).astype(dtype) * 2
    Y = targets(rng, m, dims[-1], loss, dtype)
    P = R.init_params(dims, method=net["method"], seed=net["seed"], dtype=dtype)
    to_col = lambda a: as_user_colmajor(a, net["contiguous"])  # noqa: E731
    kwargs: dict[str, Any] = {"loss": loss, "learning_rate": 0.05, "epochs": 2, "batch_size": net["batch_size"],
                              "seed": net["seed"], "optimizer": optimizer, "l2": l2, "keep_prob": keep_prob}
    try:
        fitted, history = R.fit(X, Y, P, acts, **kwargs)
    except nnconv.NumericalError:  # a random network can diverge: then both conventions say so
        with pytest.raises(nnconv.NumericalError):
            C.fit(to_col(X), to_col(Y), {k: to_col(v) for k, v in P.items()}, acts, **kwargs)
        return
    fitted_c, history_c = C.fit(to_col(X), to_col(Y), {k: to_col(v) for k, v in P.items()}, acts, **kwargs)
    equal_transposed(fitted, fitted_c)
    assert history == history_c


@pytest.mark.parametrize("conv", [R, C], ids=["rowmajor", "colmajor"])
def test_the_defaults_give_the_bits_of_a_call_without_the_new_keywords(conv: Any) -> None:
    X, Y, P, acts = problem(["relu", "relu"], "softmax", "ce", np.float64)
    if conv is C:
        X, Y, P = nnconv.transpose((X, Y, P))
    kwargs: dict[str, Any] = {"loss": "ce", "learning_rate": 0.1, "epochs": 2, "batch_size": 8, "seed": 1}
    plain, history = conv.fit(X, Y, P, acts, **kwargs)
    same, same_history = conv.fit(X, Y, P, acts, optimizer="sgd", l2=0, keep_prob=1, **kwargs)
    for key in plain:
        assert_same_bits(plain[key], same[key])
    assert history == same_history


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_fit_with_each_optimizer_and_dropout_learns_and_leaves_its_inputs_alone(optimizer: str) -> None:
    X, Y, P, acts = problem(["relu", "tanh"], "softmax", "ce", np.float64, m=60)
    before = [a.copy() for a in (X, Y, *P.values())]
    rate = {"sgd": 0.5, "momentum": 0.5, "rmsprop": 0.01, "adam": 0.01}[optimizer]
    fitted, history = R.fit(X, Y, P, acts, loss="ce", learning_rate=rate, epochs=30, batch_size=20, seed=0,
                            optimizer=optimizer, l2=0.01, keep_prob=0.9)
    assert history[-1] < 0.8 * history[0]
    for a, b in zip(before, (X, Y, *P.values())):
        assert_same_bits(a, b)
    assert not any(np.shares_memory(v, a) for v in fitted.values() for a in (X, Y, *P.values()))


def test_the_dropout_kernel_has_the_bits_of_a_boolean_mask() -> None:
    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32):
        A = (rng.standard_normal((9, 7)) * 3).astype(dtype)
        draw = np.empty((9, 7))
        mask = draw if dtype == np.float64 else np.empty((9, 7), dtype)
        step.draw_mask(np.random.default_rng(5), draw, 0.7, mask, 0)
        D = np.random.default_rng(5).random((9, 7)) < 0.7
        assert np.array_equal(mask, D)
        assert_same_bits(step.dropout(A, mask, 0.7, np.empty_like(A)), A * D / 0.7)
        drawn_c = np.empty((7, 9), order="F")
        step.draw_mask(np.random.default_rng(5), drawn_c, 0.7, drawn_c, 1)
        assert np.array_equal(drawn_c, D.T)  # colmajor's mask: rowmajor's draw, transposed


@pytest.mark.parametrize("conv", [R, C], ids=["rowmajor", "colmajor"])
def test_fit_refuses_bad_optimizer_l2_and_keep_prob(conv: Any) -> None:
    X, Y, P, acts = problem(["relu"], "softmax", "ce", np.float64)
    if conv is C:
        X, Y, P = nnconv.transpose((X, Y, P))
    cases: list[tuple[dict[str, Any], list[str]]] = [  # what the message must name: the keyword and the value
        ({"optimizer": "adagrad"}, ["unknown optimizer 'adagrad'", "'sgd', 'momentum', 'rmsprop', 'adam'"]),
        ({"optimizer": None}, ["unknown optimizer None"]),
        ({"l2": -0.1}, ["l2", "-0.1"]), ({"l2": float("inf")}, ["l2", "inf"]), ({"l2": "0.1"}, ["l2", "'0.1'"]),
        ({"keep_prob": 0.0}, ["keep_prob", "(0, 1]", "0.0"]), ({"keep_prob": 1.2}, ["keep_prob", "1.2"]),
        ({"keep_prob": float("nan")}, ["keep_prob", "nan"]), ({"keep_prob": True}, ["keep_prob", "True"]),
    ]
    for kwargs, names in cases:
        with pytest.raises(ValueError) as info:
            conv.fit(X, Y, P, acts, loss="ce", **kwargs)
        assert all(name in str(info.value) for name in [f"{conv.NAME}.fit", *names]), str(info.value)


def peak_memory_of_fit(conv: Any, **kwargs: Any) -> int:
    dims, m, acts = [784, 256, 128, 10], 128, ["relu", "relu", "softmax"]
    rng = np.random.default_rng(0)
    X = rng.standard_normal((m, dims[0])).astype(np.float32)
    Y = targets(rng, m, dims[-1], "ce", np.float32)
    P = R.init_params(dims, seed=0, dtype=np.float32)
    if conv is C:
        X, Y, P = nnconv.transpose((X, Y, P))
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        conv.fit(X, Y, P, acts, loss="ce", learning_rate=0.01, epochs=2, batch_size=64, seed=0, **kwargs)
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("conv", [R, C], ids=["rowmajor", "colmajor"])
def test_optimizers_and_dropout_add_their_buffers_and_nothing_per_step(conv: Any) -> None:
    """Adam adds four arrays of the parameters' size (gradient, scratch, v, s) to plain SGD's
    peak; dropout adds per hidden unit and example a float64 draw, a float32 mask and the
    dropped-out A. Anything allocated per step would show above these."""
    params = 4 * (784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10)
    sgd = peak_memory_of_fit(conv)
    assert peak_memory_of_fit(conv, optimizer="adam") - sgd <= 4 * params * 1.02 + 65536
    assert peak_memory_of_fit(conv, optimizer="adam", l2=0.1) - sgd <= 4 * params * 1.02 + 65536
    dropout = 64 * (256 + 128) * (8 + 4 + 4)
    assert peak_memory_of_fit(conv, keep_prob=0.8) - sgd <= dropout * 1.02 + 65536
