"""Batch normalization and layer normalization, forward and backward, in both conventions.

colmajor's outputs are rowmajor's, transposed, bit for bit (hypothesis); forward, gradients
and running statistics agree with PyTorch (``torch.nn.functional.batch_norm`` and
``layer_norm``, and a graph built by hand) in float64; the gradients agree with centred
finite differences. The 1/m rule: dZ is per example like dout, dgamma and dbeta are gradients
of the cost J = (1/m) Σ dout ∘ out and carry the 1/m.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from test_exact import as_user_colmajor, equal_transposed
from test_regularization import fails
from test_torch import relative_error

import nnconv
from nnconv import colmajor as C
from nnconv import rowmajor as R
from nnconv import transpose
from nnconv.types import BatchNormCache, LayerNormCache

CONVENTIONS = {"rowmajor": (R, lambda a: a), "colmajor": (C, transpose)}
F = torch.nn.functional


def inputs(m: int, n: int, seed: int = 0, dtype: type = np.float64) -> tuple[np.ndarray, ...]:
    """Z (m, n) with unit means and spreads of their own, gamma and beta (1, n), dout (m, n)."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((m, n)) * rng.uniform(0.5, 3, (1, n)) + rng.uniform(-2, 2, (1, n))
    gamma, beta = rng.uniform(0.5, 2, (1, n)), rng.standard_normal((1, n))
    return tuple(a.astype(dtype) for a in (Z, gamma, beta, rng.standard_normal((m, n))))


# ---------------------------------------------------------------------------------------------
# Bitwise transposes


@settings(max_examples=150)
@given(m=st.one_of(st.integers(1, 9), st.integers(10, 90)), n=st.one_of(st.integers(1, 9), st.integers(10, 70)),
       seed=st.integers(0, 2**16), dtype=st.sampled_from([np.float64, np.float32]), contiguous=st.booleans(),
       momentum=st.sampled_from([0.9, 0.0, 0.99]), eps=st.sampled_from([1e-5, 1e-3]))
def test_normalizations_are_bitwise_transposes(m: int, n: int, seed: int, dtype: type, contiguous: bool,
                                               momentum: float, eps: float) -> None:
    Z, gamma, beta, dout = inputs(m, n, seed, dtype)
    col = lambda a: as_user_colmajor(a, contiguous)  # noqa: E731
    running = None
    running_c = None
    for train in (True, True, False):  # two training steps, then a test-time pass
        out, cache, new_running = R.batchnorm_forward(Z, gamma, beta, eps=eps, momentum=momentum,
                                                      running=running, train=train)
        out_c, cache_c, new_running_c = C.batchnorm_forward(col(Z), col(gamma), col(beta), eps=eps,
                                                            momentum=momentum, running=running_c, train=train)
        equal_transposed(out, out_c)
        equal_transposed([*cache[:3], *new_running], [*cache_c[:3], *new_running_c])
        assert cache.train is cache_c.train is train and out.dtype == dtype
        assert all(a.dtype == dtype for a in (*cache[:3], *new_running))
        equal_transposed(R.batchnorm_backward(dout, cache),
                         C.batchnorm_backward(col(dout), BatchNormCache(*map(col, cache[:3]), cache.train)))
        running, running_c = new_running, tuple(map(col, new_running))
        Z = Z * 1.5 + 0.25

    out, cache = R.layernorm_forward(Z, gamma, beta, eps=eps)
    out_c, cache_c = C.layernorm_forward(col(Z), col(gamma), col(beta), eps=eps)
    equal_transposed([out, *cache], [out_c, *cache_c])
    assert out.dtype == dtype
    equal_transposed(R.layernorm_backward(dout, cache), C.layernorm_backward(col(dout), transpose(cache)))


def test_transpose_carries_the_caches_across() -> None:
    Z, gamma, beta, dout = inputs(5, 3)
    _, cache, _ = R.batchnorm_forward(Z, gamma, beta)
    moved = transpose(cache)
    assert isinstance(moved, BatchNormCache) and moved.train is True and moved.x_hat.shape == (3, 5)
    assert isinstance(transpose(R.layernorm_forward(Z, gamma, beta)[1]), LayerNormCache)
    equal_transposed(R.batchnorm_backward(dout, cache), C.batchnorm_backward(dout.T, moved))


# ---------------------------------------------------------------------------------------------
# PyTorch, float64


def torch_batchnorm_graph(Z: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor, eps: float) -> torch.Tensor:
    """Batch normalization written out: the mean and biased variance of each column."""
    mu = Z.mean(dim=0, keepdim=True)
    var = ((Z - mu) ** 2).mean(dim=0, keepdim=True)
    return gamma * (Z - mu) / torch.sqrt(var + eps) + beta


def torch_gradients(forward: Callable[..., torch.Tensor], Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                    dout: np.ndarray) -> tuple[np.ndarray, ...]:
    """out and the gradients of J = (1/m) Σ dout ∘ out: ∂J/∂Z (times m, as nnconv's per-example
    dZ), ∂J/∂gamma and ∂J/∂beta (rowmajor shapes)."""
    tZ, tg, tb = (torch.tensor(a, requires_grad=True) for a in (Z, gamma, beta))
    out = forward(tZ, tg, tb)
    m = Z.shape[0]
    (out * torch.tensor(dout)).sum().div(m).backward()
    return out.detach().numpy(), m * tZ.grad.numpy(), tg.grad.numpy(), tb.grad.numpy()


WORST: dict[str, float] = {}


def close(function: str, got: np.ndarray, expected: np.ndarray, bound: float = 1e-10) -> None:
    error = relative_error(got, expected)
    WORST[function] = max(WORST.get(function, 0.0), error)
    assert error <= bound, (function, error)


SIZES = [(3, 1), (7, 5), (64, 33), (300, 20)]
"""(m, n). Not m = 2: there x̂ = ±1 for eps → 0 and batch norm's dZ is ~1e-8 of dout, a cancellation
no two float64 computations agree on to 1e-10 relative."""


@pytest.mark.parametrize("name", ["rowmajor", "colmajor"])
@pytest.mark.parametrize(("m", "n"), SIZES)
@pytest.mark.parametrize("eps", [1e-5, 0.1])
def test_batchnorm_matches_torch(name: str, m: int, n: int, eps: float) -> None:
    nn, to = CONVENTIONS[name]
    Z, gamma, beta, dout = inputs(m, n, seed=m + n)
    out, cache, _ = nn.batchnorm_forward(to(Z), to(gamma), to(beta), eps=eps)
    dZ, dgamma, dbeta = map(to, nn.batchnorm_backward(to(dout), cache))
    library = lambda Z, g, b: F.batch_norm(Z, None, None, g.flatten(), b.flatten(), training=True, eps=eps)  # noqa: E731
    for forward in (library, lambda Z, g, b: torch_batchnorm_graph(Z, g, b, eps)):
        t_out, t_dZ, t_dgamma, t_dbeta = torch_gradients(forward, Z, gamma, beta, dout)
        close("batchnorm_forward", to(out), t_out)
        close("batchnorm_backward", dZ, t_dZ)
        close("batchnorm_backward", dgamma, t_dgamma.reshape(1, n))
        close("batchnorm_backward", dbeta, t_dbeta.reshape(1, n))


@pytest.mark.parametrize("name", ["rowmajor", "colmajor"])
@pytest.mark.parametrize(("m", "n"), SIZES)
def test_batchnorm_at_test_time_matches_torch(name: str, m: int, n: int) -> None:
    """train=False: normalised with the running statistics, which are constants for autograd."""
    nn, to = CONVENTIONS[name]
    Z, gamma, beta, dout = inputs(m, n, seed=1)
    rng = np.random.default_rng(2)
    mean, var = rng.standard_normal((1, n)), rng.uniform(0.1, 4, (1, n))
    out, cache, running = nn.batchnorm_forward(to(Z), to(gamma), to(beta), running=(to(mean), to(var)), train=False)
    assert np.array_equal(to(running[0]), mean) and np.array_equal(to(running[1]), var)
    forward = lambda Z, g, b: F.batch_norm(Z, torch.tensor(mean.ravel()), torch.tensor(var.ravel()),  # noqa: E731
                                           g.flatten(), b.flatten(), training=False, eps=1e-5)
    t_out, t_dZ, t_dgamma, t_dbeta = torch_gradients(forward, Z, gamma, beta, dout)
    dZ, dgamma, dbeta = map(to, nn.batchnorm_backward(to(dout), cache))
    close("batchnorm_forward", to(out), t_out)
    close("batchnorm_backward", dZ, t_dZ)
    close("batchnorm_backward", dgamma, t_dgamma.reshape(1, n))
    close("batchnorm_backward", dbeta, t_dbeta.reshape(1, n))


@pytest.mark.parametrize("name", ["rowmajor", "colmajor"])
@pytest.mark.parametrize(("m", "n"), [(1, 2), *SIZES[1:]])
@pytest.mark.parametrize("eps", [1e-5, 0.1])
def test_layernorm_matches_torch(name: str, m: int, n: int, eps: float) -> None:
    nn, to = CONVENTIONS[name]
    Z, gamma, beta, dout = inputs(m, n, seed=m * n)
    Z = Z * np.random.default_rng(0).uniform(0.2, 3, (m, 1))  # examples of different spreads
    out, cache = nn.layernorm_forward(to(Z), to(gamma), to(beta), eps=eps)
    dZ, dgamma, dbeta = map(to, nn.layernorm_backward(to(dout), cache))
    forward = lambda Z, g, b: F.layer_norm(Z, (n,), g.flatten(), b.flatten(), eps=eps)  # noqa: E731
    t_out, t_dZ, t_dgamma, t_dbeta = torch_gradients(forward, Z, gamma, beta, dout)
    close("layernorm_forward", to(out), t_out)
    close("layernorm_backward", dZ, t_dZ)
    close("layernorm_backward", dgamma, t_dgamma.reshape(1, n))
    close("layernorm_backward", dbeta, t_dbeta.reshape(1, n))


# ---------------------------------------------------------------------------------------------
# Running statistics


def test_running_statistics_follow_cs231n_momentum() -> None:
    """running ← momentum · running + (1 − momentum) · batch, from zeros; the biased variance."""
    Z, gamma, beta, _ = inputs(10, 4)
    _, _, (mean, var) = R.batchnorm_forward(Z, gamma, beta, momentum=0.9)
    np.testing.assert_allclose(mean, 0.1 * Z.mean(axis=0, keepdims=True), rtol=1e-14)
    np.testing.assert_allclose(var, 0.1 * Z.var(axis=0, keepdims=True), rtol=1e-14)
    _, _, (mean2, var2) = R.batchnorm_forward(2 * Z, gamma, beta, momentum=0.9, running=(mean, var))
    np.testing.assert_allclose(mean2, 0.9 * mean + 0.1 * 2 * Z.mean(axis=0, keepdims=True), rtol=1e-14)
    np.testing.assert_allclose(var2, 0.9 * var + 0.1 * 4 * Z.var(axis=0, keepdims=True), rtol=1e-14)
    _, _, (mean0, var0) = R.batchnorm_forward(Z, gamma, beta, momentum=0.0, running=(mean, var))
    assert np.array_equal(mean0, Z.sum(axis=0, keepdims=True) / 10)  # momentum 0: the batch's own


@pytest.mark.parametrize("name", ["rowmajor", "colmajor"])
def test_torch_momentum_0_1_is_momentum_0_9_and_keeps_the_unbiased_variance(name: str) -> None:
    """Over five batches, PyTorch's running mean with momentum=0.1 is nnconv's with 0.9; its
    running variance averages the unbiased m/(m−1) · var where nnconv averages the biased var.
    Started as PyTorch starts them (mean 0, variance 1)."""
    nn, to = CONVENTIONS[name]
    m, n = 8, 5
    t_mean, t_var = torch.zeros(n, dtype=torch.float64), torch.ones(n, dtype=torch.float64)
    running = (to(np.zeros((1, n))), to(np.ones((1, n))))
    unbiased = to(np.ones((1, n)))
    for step in range(5):
        Z, gamma, beta, _ = inputs(m, n, seed=step)
        F.batch_norm(torch.tensor(Z), t_mean, t_var, training=True, momentum=0.1)
        out, _, new_running = nn.batchnorm_forward(to(Z), to(gamma), to(beta), momentum=0.9, running=running)
        batch_var = nn.batchnorm_forward(to(Z), to(gamma), to(beta), momentum=0.0)[2][1]  # the biased var
        unbiased = 0.9 * unbiased + 0.1 * batch_var * m / (m - 1)
        running = new_running
    close("batchnorm_forward", to(running[0]), t_mean.numpy().reshape(1, n), 1e-14)
    close("batchnorm_forward", to(unbiased), t_var.numpy().reshape(1, n), 1e-14)
    assert relative_error(to(running[1]), t_var.numpy().reshape(1, n)) > 1e-3  # biased ≠ unbiased


def test_test_time_normalises_with_the_running_statistics_and_leaves_them() -> None:
    Z, gamma, beta, _ = inputs(6, 3)
    mean, var = np.full((1, 3), 0.5), np.full((1, 3), 4.0)
    out, cache, running = R.batchnorm_forward(Z, gamma, beta, running=(mean, var), train=False)
    np.testing.assert_allclose(out, gamma * (Z - 0.5) / np.sqrt(4 + 1e-5) + beta, rtol=1e-15)
    assert np.array_equal(running[0], mean) and np.array_equal(running[1], var) and not cache.train
    one = R.batchnorm_forward(Z[:1], gamma, beta, running=(mean, var), train=False)[0]
    assert np.array_equal(one, out[:1])  # each example on its own: no batch statistics


# ---------------------------------------------------------------------------------------------
# Finite differences


def numeric_gradients(J: Callable[[dict[str, np.ndarray]], float], arrays: dict[str, np.ndarray],
                      h: float = 1e-6) -> dict[str, np.ndarray]:
    """Two-sided differences (J(x + h) − J(x − h)) / 2h of every entry of every array."""
    grads = {}
    for key, value in arrays.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            saved = value[index]
            value[index] = saved + h
            plus = J(arrays)
            value[index] = saved - h
            minus = J(arrays)
            value[index] = saved
            grad[index] = (plus - minus) / (2 * h)
        grads[key] = grad
    return grads


def gradient_difference(g: list[np.ndarray], g_hat: list[np.ndarray]) -> float:
    """deeplearning.ai's ‖g − ĝ‖₂ / (‖g‖₂ + ‖ĝ‖₂) over all entries."""
    a, b = np.concatenate([x.ravel() for x in g]), np.concatenate([x.ravel() for x in g_hat])
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


GRADIENT_CHECKS: dict[str, float] = {}


@pytest.mark.parametrize("name", ["rowmajor", "colmajor"])
@pytest.mark.parametrize("piece", ["batchnorm", "batchnorm at test time", "layernorm"])
def test_gradients_match_finite_differences(name: str, piece: str) -> None:
    """∂J/∂Z, ∂J/∂gamma, ∂J/∂beta of J = (1/m) Σ dout ∘ out, numerically, against dZ/m, dgamma, dbeta."""
    nn, to = CONVENTIONS[name]
    m, n = 6, 4
    Z, gamma, beta, dout = inputs(m, n, seed=7)
    running = (to(np.full((1, n), 0.3)), to(np.full((1, n), 2.0)))

    def forward(a: dict[str, np.ndarray]) -> tuple[np.ndarray, Any]:
        if piece == "layernorm":
            return nn.layernorm_forward(a["Z"], a["gamma"], a["beta"])
        out, cache, _ = nn.batchnorm_forward(a["Z"], a["gamma"], a["beta"], running=running,
                                             train=piece == "batchnorm")
        return out, cache

    arrays = {"Z": np.array(to(Z)), "gamma": np.array(to(gamma)), "beta": np.array(to(beta))}
    J = lambda a: float(np.sum(forward(a)[0] * to(dout)) / m)  # noqa: E731
    numeric = numeric_gradients(J, arrays)
    backward = nn.layernorm_backward if piece == "layernorm" else nn.batchnorm_backward
    dZ, dgamma, dbeta = backward(to(dout), forward(arrays)[1])
    difference = gradient_difference([dZ / m, dgamma, dbeta], [numeric["Z"], numeric["gamma"], numeric["beta"]])
    GRADIENT_CHECKS[f"{piece} {name}"] = difference
    assert difference < 1e-7, difference


def test_finite_differences_catch_a_wrong_batchnorm_gradient() -> None:
    """Dropping the x̂ term of batch norm's dZ (treating σ as a constant) is caught."""
    Z, gamma, beta, dout = inputs(6, 4, seed=7)
    arrays = {"Z": Z.copy()}
    numeric = numeric_gradients(lambda a: float(np.sum(R.batchnorm_forward(a["Z"], gamma, beta)[0] * dout) / 6),
                                arrays)["Z"]
    _, cache, _ = R.batchnorm_forward(Z, gamma, beta)
    dbeta = dout.mean(axis=0, keepdims=True)
    wrong = gamma / cache.sigma * (dout - dbeta)
    assert gradient_difference([wrong / 6], [numeric]) > 1e-2


# ---------------------------------------------------------------------------------------------
# Bad inputs


@pytest.mark.parametrize("name", ["rowmajor", "colmajor"])
def test_bad_normalization_inputs_are_refused_clearly(name: str) -> None:
    nn, to = CONVENTIONS[name]
    other = "colmajor" if name == "rowmajor" else "rowmajor"
    Z, gamma, beta, dout = (to(a) for a in inputs(7, 3))
    shape = "(1, n_l)" if name == "rowmajor" else "(n_l, 1)"
    for forward in (lambda **k: nn.batchnorm_forward(**{"Z": Z, "gamma": gamma, "beta": beta, **k}),
                    lambda **k: nn.layernorm_forward(**{"Z": Z, "gamma": gamma, "beta": beta, **k})):
        fails(lambda: forward(gamma=gamma.T), nnconv.ShapeError, f"gamma has shape {gamma.T.shape}",
              f"Z has shape {Z.shape}", f"in {name} gamma is shaped like b, {shape}", "pass gamma.T",
              f"nnconv.{other}")
        fails(lambda: forward(beta=beta.T), nnconv.ShapeError, f"beta has shape {beta.T.shape}", "pass beta.T")
        fails(lambda: forward(gamma=np.ravel(gamma)), nnconv.ShapeError, "gamma must be a 2-D array", "reshape")
        fails(lambda: forward(gamma=np.ones((1, 1))), nnconv.ShapeError, "gamma has shape (1, 1)")
        fails(lambda: forward(beta=beta.astype(np.float32)), ValueError, "mix dtypes")
        for eps in (0, -1e-5, float("inf"), "1e-5"):
            fails(lambda: forward(eps=eps), ValueError, "eps must be a finite number above 0")
    where = f"{name}.batchnorm_forward"
    for momentum in (1, 1.5, -0.1, float("nan")):
        fails(lambda: nn.batchnorm_forward(Z, gamma, beta, momentum=momentum), ValueError, where,
              "momentum must be a number in [0, 1)", "PyTorch's momentum=0.1 is momentum=0.9 here")
    fails(lambda: nn.batchnorm_forward(Z, gamma, beta, running=(gamma.T, gamma)), nnconv.ShapeError, where,
          "running[0] has shape", "pass running[0].T")
    fails(lambda: nn.batchnorm_forward(Z, gamma, beta, running=(gamma, np.ones((1, 5)))), nnconv.ShapeError,
          "running[1] has shape (1, 5)")
    fails(lambda: nn.batchnorm_forward(Z, gamma, beta, running=gamma), ValueError, "the pair (mean, var)")
    fails(lambda: nn.batchnorm_forward(Z, gamma, beta, running=(gamma, -np.abs(gamma))), ValueError, "negative")
    fails(lambda: nn.batchnorm_forward(Z, gamma, beta, train=False), ValueError, where, "pass running=(mean, var)")
    fails(lambda: nn.batchnorm_forward(Z, gamma, beta, train="no"), ValueError, "train must be True or False")

    _, cache, _ = nn.batchnorm_forward(Z, gamma, beta)
    _, ln_cache = nn.layernorm_forward(Z, gamma, beta)
    fails(lambda: nn.batchnorm_backward(dout.T, cache), nnconv.ShapeError, f"{name}.batchnorm_backward",
          "dout has shape", "pass dout.T")
    fails(lambda: nn.batchnorm_backward(dout, cache[:3]), ValueError, "BatchNormCache")
    fails(lambda: nn.batchnorm_backward(dout, ln_cache), ValueError, "BatchNormCache")
    fails(lambda: nn.layernorm_backward(dout, cache), ValueError, f"{name}.layernorm_backward", "LayerNormCache")
    fails(lambda: nn.layernorm_backward(dout, LayerNormCache(*ln_cache[:2], ln_cache.sigma.T)), nnconv.ShapeError,
          "cache.sigma has shape")
    fails(lambda: nn.batchnorm_backward(dout, transpose(cache)), nnconv.ShapeError, f"{name}.batchnorm_backward")
