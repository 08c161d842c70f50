"""nnconv.optim: each optimizer against torch.optim and against its closed form, purity, the
transposition between conventions, the in-place steps fit uses, and bad inputs.

- sgd, momentum (form="sum"), rmsprop and adam follow torch.optim's SGD, SGD(momentum),
  RMSprop(alpha=beta, eps) and Adam over several steps in float64 (<= 1e-10 relative);
- momentum's ema form is its closed form, and the sum form with learning rate (1 − β) α;
- the functions never modify their arguments and return arrays of their own;
- colmajor's parameters, gradients and state give rowmajor's results transposed, bit for bit;
- fit's in-place steps (nnconv.step.STEPS_INTO) give the bits of the pure functions.
"""

from __future__ import annotations

import inspect
from typing import Any, get_args

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nnconv
from nnconv import optim, step
from nnconv.types import Optimizer

SHAPES = {"W1": (4, 3), "b1": (1, 3), "W2": (3, 2), "b2": (1, 2)}  # a rowmajor [4, 3, 2] network
# (name, hyperparameters, the torch.optim class and its arguments for them)
TORCH_TWINS = [
    ("sgd", {}, "SGD", {}),
    ("momentum", {"form": "sum"}, "SGD", {"momentum": 0.9}),
    ("momentum", {"form": "sum", "beta": 0.5}, "SGD", {"momentum": 0.5}),
    ("rmsprop", {}, "RMSprop", {"alpha": 0.99, "eps": 1e-8}),
    ("rmsprop", {"beta": 0.8, "epsilon": 1e-3}, "RMSprop", {"alpha": 0.8, "eps": 1e-3}),
    ("adam", {}, "Adam", {"betas": (0.9, 0.999), "eps": 1e-8}),
    ("adam", {"beta1": 0.5, "beta2": 0.9, "epsilon": 1e-4}, "Adam", {"betas": (0.5, 0.9), "eps": 1e-4}),
]


def random_params(seed: int, dtype: type = np.float64) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {k: rng.standard_normal(shape).astype(dtype) for k, shape in SHAPES.items()}


def random_grads(seed: int, dtype: type = np.float64) -> dict[str, np.ndarray]:
    return {f"d{k}": v for k, v in random_params(seed, dtype).items()}


def run(name: str, params: dict[str, np.ndarray], steps: int, learning_rate: float, **hyper: Any
        ) -> tuple[dict[str, np.ndarray], Any]:
    state = optim.init_state(name, params)
    for t in range(steps):
        params, state = optim.OPTIMIZERS[name](params, random_grads(100 + t), state,
                                               learning_rate=learning_rate, **hyper)
    return params, state


def worst_relative_error(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> float:
    return max(float(np.max(np.abs(a[k] - b[k]) / np.maximum(np.abs(b[k]), 1e-300))) for k in a)


@pytest.mark.parametrize(("name", "hyper", "torch_name", "torch_kwargs"), TORCH_TWINS,
                         ids=[f"{t[0]}-{t[2]}-{i}" for i, t in enumerate(TORCH_TWINS)])
def test_each_optimizer_follows_torch_optim(name: str, hyper: dict[str, Any], torch_name: str,
                                            torch_kwargs: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    params, steps, lr = random_params(0), 7, 0.01
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    opt = getattr(torch.optim, torch_name)(list(tensors.values()), lr=lr, **torch_kwargs)
    for t in range(steps):
        for k, tensor in tensors.items():
            tensor.grad = torch.tensor(random_grads(100 + t)[f"d{k}"])
        opt.step()
    ours, _ = run(name, params, steps, lr, **hyper)
    theirs = {k: v.detach().numpy() for k, v in tensors.items()}
    assert worst_relative_error(ours, theirs) <= 1e-10
    assert not any(np.array_equal(ours[k], params[k]) for k in params)  # they moved


def test_ema_momentum_is_its_closed_form_and_the_sum_form_with_a_scaled_learning_rate() -> None:
    params, beta, lr, steps = random_params(1), 0.8, 0.1, 6
    ema, state = run("momentum", params, steps, lr, beta=beta)
    # v_t = (1 − β) Σ_i β^(t−i) g_i; θ_T = θ_0 − α Σ_t v_t
    grads = [random_grads(100 + t) for t in range(steps)]
    for k in params:
        g = [gr[f"d{k}"] for gr in grads]
        v = [(1 - beta) * sum(beta ** (t - i) * g[i] for i in range(t + 1)) for t in range(steps)]
        np.testing.assert_allclose(state["v"][k], v[-1], rtol=1e-12)
        np.testing.assert_allclose(ema[k], params[k] - lr * sum(v), rtol=1e-12)
    summed, _ = run("momentum", params, steps, (1 - beta) * lr, beta=beta, form="sum")
    assert worst_relative_error(summed, ema) <= 1e-12


def test_adam_first_step_moves_each_parameter_by_about_the_learning_rate() -> None:
    """With t ← t + 1 first and the bias corrected, step 1 is θ − α g / (|g| + ε)."""
    params, grads = random_params(2), random_grads(3)
    new, state = optim.adam(params, grads, optim.init_state("adam", params), learning_rate=0.01)
    assert state["t"] == 1
    for k in params:
        g = grads[f"d{k}"]
        np.testing.assert_allclose(new[k], params[k] - 0.01 * g / (np.abs(g) + 1e-8), rtol=1e-12)


@pytest.mark.parametrize("name", list(optim.OPTIMIZERS))
def test_optimizers_are_pure(name: str) -> None:
    params, grads = random_params(4), random_grads(5)
    state = optim.init_state(name, params)
    _, state = optim.OPTIMIZERS[name](params, grads, state, learning_rate=0.1)  # a state that is not zeros
    before = [{k: v.copy() for k, v in d.items()} for d in (params, grads)]
    state_before = {k: ({n: a.copy() for n, a in v.items()} if isinstance(v, dict) else v) for k, v in state.items()}
    new, new_state = optim.OPTIMIZERS[name](params, grads, state, learning_rate=0.1)
    for old, now in zip(before, (params, grads)):
        assert all(np.array_equal(old[k], now[k]) for k in old)
    for key, value in state_before.items():
        if isinstance(value, dict):
            assert all(np.array_equal(value[k], state[key][k]) for k in value)
        else:
            assert state[key] == value
    def arrays(state: dict[str, Any]) -> list[np.ndarray]:
        return [a for v in state.values() if isinstance(v, dict) for a in v.values()]
    inputs = [*params.values(), *grads.values(), *arrays(state)]
    outputs = [*new.values(), *arrays(new_state)]
    assert not any(np.shares_memory(o, i) for o in outputs for i in inputs)
    assert new_state is not state


@pytest.mark.parametrize("name", list(optim.OPTIMIZERS))
def test_init_state_and_the_registry(name: str) -> None:
    params = nnconv.transpose(random_params(6, np.float32))
    state = optim.init_state(name, params)
    assert set(state) == set(optim.STATE_KEYS[name])
    for key, value in state.items():
        if key == "t":
            assert value == 0
            continue
        assert value.keys() == params.keys()
        for k, zeros in value.items():
            assert zeros.dtype == np.float32 and zeros.shape == params[k].shape and not zeros.any()
            assert zeros.flags.f_contiguous  # colmajor's canonical layout, kept
    new, _ = optim.OPTIMIZERS[name](params, {f"d{k}": v for k, v in params.items()}, state, learning_rate=0.1)
    assert all(v.dtype == np.float32 for v in new.values())
    assert set(optim.OPTIMIZERS) == set(get_args(Optimizer)) == set(optim.STATE_KEYS)


@settings(max_examples=30)
@given(name=st.sampled_from(list(optim.OPTIMIZERS)), dtype=st.sampled_from([np.float32, np.float64]),
       seed=st.integers(0, 2**16), steps=st.integers(1, 4))
def test_colmajor_state_gives_the_transposed_bits(name: str, dtype: type, seed: int, steps: int) -> None:
    params = random_params(seed, dtype)
    rows, cols = params, nnconv.transpose(params)
    state_r, state_c = optim.init_state(name, rows), optim.init_state(name, cols)
    for t in range(steps):
        grads = random_grads(seed + t + 1, dtype)
        rows, state_r = optim.OPTIMIZERS[name](rows, grads, state_r, learning_rate=0.05)
        cols, state_c = optim.OPTIMIZERS[name](cols, nnconv.transpose(grads), state_c, learning_rate=0.05)
    for k in rows:
        assert rows[k].dtype == dtype and np.array_equal(rows[k].T, cols[k])
    for key, value in state_r.items():
        if isinstance(value, dict):
            assert all(np.array_equal(value[k].T, state_c[key][k]) for k in value)
        else:
            assert value == state_c[key]


# fit's in-place steps (nnconv.step) against the pure functions: the same bits

@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name", sorted(step.STEPS_INTO))
def test_fits_in_place_steps_have_the_bits_of_the_pure_functions(name: str, dtype: type) -> None:
    params = random_params(7, dtype)
    state = optim.init_state(name, params)
    keys = list(params)
    flat = np.concatenate([params[k].ravel() for k in keys])
    flat_state: dict[str, Any] = {key: 0 if key == "t" else np.zeros_like(flat) for key in optim.STATE_KEYS[name]}
    scratch = np.full_like(flat, np.nan)
    for t in range(3):
        grads = random_grads(20 + t, dtype)
        params, state = optim.OPTIMIZERS[name](params, grads, state, learning_rate=0.03)
        g = np.concatenate([grads[f"d{k}"].ravel() for k in keys])
        step.STEPS_INTO[name](flat, g, flat_state, scratch, 0.03)
    assert np.array_equal(flat, np.concatenate([params[k].ravel() for k in keys]))
    assert flat.dtype == dtype
    for key in flat_state:
        if key == "t":
            assert flat_state["t"] == state["t"]
        else:
            assert np.array_equal(flat_state[key], np.concatenate([state[key][k].ravel() for k in keys]))


@pytest.mark.parametrize("name", sorted(step.STEPS_INTO))
def test_in_place_steps_have_the_defaults_of_the_pure_functions(name: str) -> None:
    def defaults(f: Any) -> dict[str, Any]:
        return {p.name: p.default for p in inspect.signature(f).parameters.values()
                if p.default is not inspect.Parameter.empty}
    assert defaults(step.STEPS_INTO[name]) == defaults(optim.OPTIMIZERS[name])


# Bad inputs: clear errors, all ValueErrors

def test_bad_inputs_raise_clear_errors() -> None:
    params, grads = random_params(8), random_grads(9)
    adam_state = optim.init_state("adam", params)
    cases: list[tuple[Any, str]] = [
        (lambda: optim.init_state("adagrad", params), "unknown optimizer 'adagrad'"),
        (lambda: optim.init_state("adam", [1, 2]), "params must be a non-empty dict"),
        (lambda: optim.momentum(params, grads, optim.init_state("momentum", params), learning_rate=0.1,
                                form="nesterov"), "unknown form 'nesterov'"),
        (lambda: optim.adam(params, grads, {**adam_state, "t": -1}, learning_rate=0.1), "state['t']"),
        (lambda: optim.adam(params, grads, {**adam_state, "t": 1.5}, learning_rate=0.1), "integer >= 0"),
        (lambda: optim.sgd(params, {k: v for k, v in grads.items() if k != "db2"}, {}, learning_rate=0.1),
         "grads['db2'] is missing"),
        (lambda: optim.sgd(params, {**grads, "dW1": grads["dW1"].T}, {}, learning_rate=0.1),
         "other convention"),
        (lambda: optim.sgd(params, {**grads, "dW2": np.zeros((2, 2))}, {}, learning_rate=0.1),
         "has shape (2, 2) but W2 has shape (3, 2)"),
        (lambda: optim.momentum(params, grads, adam_state, learning_rate=0.1), "looks like adam's state"),
        (lambda: optim.adam(params, grads, optim.init_state("rmsprop", params), learning_rate=0.1),
         "looks like rmsprop's state"),
        (lambda: optim.rmsprop(params, grads, {"s": {"W1": params["W1"]}}, learning_rate=0.1),
         "state['s']['b1'] is missing"),
        (lambda: optim.momentum(params, grads, optim.init_state("momentum", params), learning_rate=0.1, beta=1.0),
         "beta must be a number in [0, 1)"),
        (lambda: optim.adam(params, grads, adam_state, learning_rate=0.1, beta2=-0.1), "beta2 must be"),
        (lambda: optim.adam(params, grads, adam_state, learning_rate=0.1, beta1=float("nan")), "beta1 must be"),
        (lambda: optim.sgd(params, grads, {}, learning_rate=0.0), "learning_rate must be a finite number above 0"),
        (lambda: optim.sgd(params, grads, {}, learning_rate=True), "learning_rate must be"),
        (lambda: optim.rmsprop(params, grads, optim.init_state("rmsprop", params), learning_rate=0.1,
                               epsilon=0), "epsilon must be a finite number above 0"),
        (lambda: optim.sgd(params, "grads", {}, learning_rate=0.1), "grads must be a dict"),
        (lambda: optim.sgd(params, grads, [], learning_rate=0.1), "state must be the dict"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError) as info:
            call()
        assert message in str(info.value), (message, str(info.value))
    with pytest.raises(nnconv.ShapeError):
        optim.sgd(params, {**grads, "dW1": grads["dW1"].T}, {}, learning_rate=0.1)
