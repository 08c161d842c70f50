"""Optimizers: gradient descent, momentum, RMSprop and Adam, as pure functions on parameter dicts.

Each optimizer is one function ``step(params, grads, state, *, learning_rate, ...)`` that
returns new parameters and a new state and leaves its arguments as they were, and
:func:`init_state` makes the state it starts from (zeros, and t = 0 for Adam). Every update is
elementwise, so the same function serves both conventions: a gradient has its parameter's
shape in each, and colmajor's results are rowmajor's, transposed, bit for bit.

- ``params`` is ``{"W1": ..., "b1": ..., ...}``; ``grads`` uses backward's keys
  (``"dW1"``, ``"db1"``, ...; its ``"dA…"`` entries are ignored); the state's entries use the
  parameters' keys: momentum ``{"v": {"W1": ...}}``, RMSprop ``{"s": {...}}``, Adam
  ``{"v": {...}, "s": {...}, "t": int}``, plain gradient descent ``{}``.
- ``OPTIMIZERS[name]`` is the function, as scikit-learn keeps its activations in a registry.
- Every array is checked as in the rest of nnconv (:mod:`nnconv.errors`): a masked array, a
  ragged list, NaN or inf, or a shape unlike its parameter's is a ValueError naming the function
  and the entry.

The update equations, with g the gradient of a parameter θ and α the learning rate:

- ``sgd``: θ ← θ − α g;
- ``momentum``: v ← βv + (1 − β) g with ``form="ema"`` (deeplearning.ai), v ← βv + g with
  ``form="sum"`` (PyTorch's ``SGD(momentum=β)``); then θ ← θ − α v;
- ``rmsprop``: s ← βs + (1 − β) g², then θ ← θ − α g / (√s + ε);
- ``adam``: t ← t + 1, v ← β₁v + (1 − β₁) g, s ← β₂s + (1 − β₂) g², v̂ = v / (1 − β₁ᵗ),
  ŝ = s / (1 − β₂ᵗ), then θ ← θ − α v̂ / (√ŝ + ε).

The two forms of momentum are the same trajectory when the sum form's learning rate is
(1 − β) times the ema form's. CS231n's velocity is −α times the sum form's v.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .errors import ShapeError, _finite, _integer, _number, _positive_number, converted, public
from .types import Array, Params

State = dict[str, Any]
"""An optimizer's state: ``{"v": {key: array}, "s": {key: array}, "t": int}``, the entries its
optimizer keeps."""

STATE_KEYS: dict[str, tuple[str, ...]] = {"sgd": (), "momentum": ("v",), "rmsprop": ("s",), "adam": ("v", "s", "t")}
"""The entries of each optimizer's state."""

FORMS = ("ema", "sum")
"""The forms of momentum: an exponential moving average of the gradients, or their plain sum."""


def init_state(optimizer: str, params: Mapping[str, Any]) -> State:
    """The state ``optimizer`` starts from: zeros shaped like each parameter (in its dtype and
    memory order), and t = 0 for Adam; ``{}`` for ``"sgd"``, which keeps none.

    ``init_state("adam", params)`` is ``{"v": {"W1": 0, ...}, "s": {"W1": 0, ...}, "t": 0}``.
    """
    where = "nnconv.optim.init_state"
    if not isinstance(optimizer, str) or optimizer not in STATE_KEYS:
        valid = ", ".join(repr(name) for name in STATE_KEYS)
        raise ValueError(f"{where}: unknown optimizer {optimizer!r}; valid: {valid}")
    arrays = _params(where, params)
    state: State = {key: {k: np.zeros_like(W) for k, W in arrays.items()}
                    for key in STATE_KEYS[optimizer] if key != "t"}
    if optimizer == "adam":
        state["t"] = 0
    return state


@public
def sgd(params: Params, grads: Params, state: State, *, learning_rate: float) -> tuple[Params, State]:
    """Gradient descent: θ ← θ − α g for every parameter θ, g its gradient ``grads["dθ"]``.

    The state is ``{}`` (:func:`init_state`) and returned as a new empty dict.
    """
    arrays, g, _ = _checked("sgd", params, grads, state, learning_rate)
    alpha = float(learning_rate)  # a Python float keeps float32 arrays float32
    # --8<-- [start:sgd]
    new = {k: W - alpha * g[k] for k, W in arrays.items()}
    # --8<-- [end:sgd]
    return new, {}


@public
def momentum(params: Params, grads: Params, state: State, *, learning_rate: float, beta: float = 0.9,
             form: str = "ema") -> tuple[Params, State]:
    """Gradient descent with momentum: a velocity v per parameter, then θ ← θ − α v.

    ``form="ema"`` (deeplearning.ai): v ← β v + (1 − β) g, an exponential moving average of
    the gradients. ``form="sum"`` (PyTorch's ``SGD(momentum=β)``, dampening 0): v ← β v + g.
    The two give the same trajectory when the sum form's α is (1 − β) times the ema form's.
    The state is ``{"v": {"W1": ..., ...}}``, zeros from :func:`init_state`.
    """
    arrays, g, old = _checked("momentum", params, grads, state, learning_rate, beta=beta)
    if form not in FORMS:
        raise ValueError(f"nnconv.optim.momentum: unknown form {form!r}; valid: 'ema' "
                         "(v ← βv + (1 − β)g, deeplearning.ai) or 'sum' (v ← βv + g, PyTorch)")
    alpha, beta = float(learning_rate), float(beta)
    v_old = old["v"]
    # --8<-- [start:momentum]
    if form == "ema":
        v = {k: beta * v_old[k] + (1 - beta) * g[k] for k in arrays}
    else:
        v = {k: beta * v_old[k] + g[k] for k in arrays}
    new = {k: W - alpha * v[k] for k, W in arrays.items()}
    # --8<-- [end:momentum]
    return new, {"v": v}


@public
def rmsprop(params: Params, grads: Params, state: State, *, learning_rate: float, beta: float = 0.99,
            epsilon: float = 1e-8) -> tuple[Params, State]:
    """RMSprop: s ← β s + (1 − β) g², then θ ← θ − α g / (√s + ε), elementwise.

    s is a moving average of the squared gradients, so each parameter's step is scaled by the
    size of its recent gradients. PyTorch's ``RMSprop(alpha=β, eps=ε)`` computes the same.
    The state is ``{"s": {"W1": ..., ...}}``, zeros from :func:`init_state`.
    """
    arrays, g, old = _checked("rmsprop", params, grads, state, learning_rate, beta=beta, epsilon=epsilon)
    alpha, beta, epsilon = float(learning_rate), float(beta), float(epsilon)
    s_old = old["s"]
    # --8<-- [start:rmsprop]
    s = {k: beta * s_old[k] + (1 - beta) * (g[k] * g[k]) for k in arrays}
    new = {k: W - alpha * g[k] / (np.sqrt(s[k]) + epsilon) for k, W in arrays.items()}
    # --8<-- [end:rmsprop]
    return new, {"s": s}


@public
def adam(params: Params, grads: Params, state: State, *, learning_rate: float, beta1: float = 0.9,
         beta2: float = 0.999, epsilon: float = 1e-8) -> tuple[Params, State]:
    """Adam: momentum and RMSprop together, with their bias corrected.

    t ← t + 1 first (the first step has t = 1), then v ← β₁ v + (1 − β₁) g,
    s ← β₂ s + (1 − β₂) g², v̂ = v / (1 − β₁ᵗ), ŝ = s / (1 − β₂ᵗ) and
    θ ← θ − α v̂ / (√ŝ + ε), with ε outside the square root (as CS231n, PyTorch's ``Adam``
    and deeplearning.ai's current notebooks have it). The state is
    ``{"v": {...}, "s": {...}, "t": int}``, zeros and t = 0 from :func:`init_state`.
    """
    arrays, g, old = _checked("adam", params, grads, state, learning_rate, beta1=beta1, beta2=beta2,
                         epsilon=epsilon)
    alpha, beta1, beta2, epsilon = float(learning_rate), float(beta1), float(beta2), float(epsilon)
    v_old, s_old = old["v"], old["s"]
    # --8<-- [start:adam]
    t = old["t"] + 1
    v = {k: beta1 * v_old[k] + (1 - beta1) * g[k] for k in arrays}
    s = {k: beta2 * s_old[k] + (1 - beta2) * (g[k] * g[k]) for k in arrays}
    v_hat = {k: v[k] / (1 - beta1**t) for k in arrays}
    s_hat = {k: s[k] / (1 - beta2**t) for k in arrays}
    new = {k: W - alpha * v_hat[k] / (np.sqrt(s_hat[k]) + epsilon) for k, W in arrays.items()}
    # --8<-- [end:adam]
    return new, {"v": v, "s": s, "t": t}


OPTIMIZERS: dict[str, Callable[..., tuple[Params, State]]] = {
    "sgd": sgd, "momentum": momentum, "rmsprop": rmsprop, "adam": adam,
}
"""Each optimizer by name: ``OPTIMIZERS[name](params, grads, state, learning_rate=..., ...)``."""


# ---------------------------------------------------------------------------------------------
# Checks: what each function got, and what it needs


def _checked(optimizer: str, params: Any, grads: Any, state: Any, learning_rate: Any,
             **hyperparameters: Any) -> tuple[dict[str, Array], dict[str, Array], State]:
    """The parameters, their gradients and the state's arrays, all keyed like the parameters and
    in their dtype, after checking them and the hyperparameters."""
    where = f"nnconv.optim.{optimizer}"
    arrays = _params(where, params)
    if not isinstance(grads, Mapping):
        raise ValueError(f"{where}: grads must be a dict {{'dW1': ..., 'db1': ..., ...}} as backward "
                         f"returns; got {type(grads).__name__}")
    g = {k: _like(where, f"grads['d{k}']", grads.get(f"d{k}"), k, W) for k, W in arrays.items()}
    entries = _state(where, optimizer, state, arrays)
    _positive_number(where, "learning_rate", learning_rate)
    for name, value in hyperparameters.items():
        if name == "epsilon":
            _positive_number(where, name, value)
        else:
            _beta(where, name, value)
    return arrays, g, entries


def _beta(where: str, name: str, value: Any) -> None:
    _number(where, name, value, lambda v: 0 <= v < 1, "[0, 1) (the weight of the past in a moving average)")


def _float(a: Any, dtype: np.dtype[Any] | None = None) -> Array:
    """``a`` as a float array: in ``dtype`` when given, else float32/float64 kept and integers as
    float64. Memory order is kept."""
    array = np.asarray(a)
    if dtype is None:
        dtype = array.dtype if array.dtype in (np.float32, np.float64) else np.dtype(np.float64)
    return array if array.dtype == dtype else array.astype(dtype)


def _params(where: str, params: Any) -> dict[str, Array]:
    if not isinstance(params, Mapping) or not params:
        raise ValueError(f"{where}: params must be a non-empty dict {{'W1': ..., 'b1': ..., ...}}; got "
                         f"{params!r:.80}")
    arrays = {}
    for k, W in params.items():
        array = converted(where, f"params[{k!r}]", W)
        if array.dtype.kind not in "biuf" or array.dtype == np.float16:
            raise ValueError(f"{where}: params[{k!r}] has dtype {array.dtype}; optimizers compute in "
                             "float32 or float64")
        _finite(where, f"params[{k!r}]", array)
        arrays[k] = _float(array)
    return arrays


def _like(where: str, name: str, a: Any, key: str, W: Array) -> Array:
    """``a``, an array shaped like the parameter ``W`` (called ``key``), in W's dtype."""
    if a is None:
        raise ValueError(f"{where}: {name} is missing: every parameter needs its gradient (and "
                         "its state entry)")
    array = converted(where, name, a)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{where}: {name} has dtype {array.dtype}; it must hold real numbers")
    _finite(where, name, array)
    if array.shape != W.shape:
        message = f"{where}: {name} has shape {array.shape} but {key} has shape {W.shape}; they must match."
        if array.ndim == 2 and array.shape == W.shape[::-1]:
            message += (" It looks like the other convention's array: pass nnconv.transpose(...) of "
                        "the gradients or state, or keep one convention throughout.")
        raise ShapeError(message)
    return _float(array, W.dtype)


def _state(where: str, optimizer: str, state: Any, arrays: dict[str, Array]) -> State:
    """``state``, checked to be ``optimizer``'s with an entry shaped like each parameter, its
    arrays in their parameters' dtype."""
    expected = STATE_KEYS[optimizer]
    if not isinstance(state, Mapping):
        raise ValueError(f"{where}: state must be the dict that init_state({optimizer!r}, params) or the "
                         f"previous step returned; got {type(state).__name__}")
    if set(state) != set(expected):
        owner = [name for name, keys in STATE_KEYS.items() if set(keys) == set(state)]
        origin = f"it looks like {owner[0]}'s state" if owner else "it is no optimizer's state"
        raise ValueError(f"{where}: state has the entries {sorted(state)} but {optimizer} keeps "
                         f"{list(expected)}; {origin}. Start from init_state({optimizer!r}, params).")
    entries: State = {}
    for entry in expected:
        if entry == "t":
            t = state["t"]
            if not _integer(t) or t < 0:
                raise ValueError(f"{where}: state['t'] (the number of steps taken) must be an integer "
                                 f">= 0; got {t!r}")
            entries["t"] = int(t)
            continue
        values = state[entry]
        if not isinstance(values, Mapping):
            raise ValueError(f"{where}: state[{entry!r}] must be a dict keyed like params; got "
                             f"{type(values).__name__}")
        entries[entry] = {k: _like(where, f"state[{entry!r}][{k!r}]", values.get(k), k, W)
                          for k, W in arrays.items()}
    return entries
