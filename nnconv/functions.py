"""Activations, their derivatives and the losses: the parts that are the same in both conventions.

Every function here is elementwise, except softmax, which works along the *feature axis*:
axis 1 in :mod:`nnconv.rowmajor` (features are columns) and axis 0 in :mod:`nnconv.colmajor`
(features are rows). The convention module passes its own ``FEATURE_AXIS``.

Registries, as in scikit-learn's MLP:

- ``ACTIVATIONS[name](Z, axis) -> A``
- ``DERIVATIVES[name](dA, Z, A, axis) -> dZ``: the backward pass of the activation, dZ = dA ∘ g'(Z)
  (for softmax the Jacobian-vector product along the feature axis).
- ``LOSSES[name](AL, Y) -> L``: the loss of each output unit of each example; the cost is
  J = (1/m) Σ of all of them.
- ``LOSS_DERIVATIVES[name](AL, Y) -> dAL``: ∂L/∂A[L] per example, without the 1/m.
- ``FUSED``: the (activation, loss) pairs whose output gradient simplifies to dZ[L] = A[L] − Y.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .types import Array

LEAKY_SLOPE = 0.01
"""The slope of ``leaky_relu`` for negative inputs."""


EXP_FLOOR = {np.dtype(t): float(np.log(np.finfo(t).tiny)) + 1.0 for t in (np.float16, np.float32, np.float64)}
"""Per dtype, an x for which e^x is still a normal number (about −707 in float64, −86 in float32)."""


def exp_floor(Z: Array) -> float:
    """The floor of the exponents of sigmoid and softmax for Z's dtype: e^x for x at or above
    it never underflows (nor raises under ``np.errstate(all="raise")``), and a probability
    below e^floor is as good as 0 in every sum and quotient it meets."""
    return EXP_FLOOR.get(Z.dtype, -700.0)


# --8<-- [start:activations]
def sigmoid(Z: Array, axis: int) -> Array:
    """σ(z) = 1 / (1 + e^{−z}), computed as e^{z} / (1 + e^{z}) for z < 0 so that e^{−z} never
    overflows (and e^{−|z|} stops at the smallest normal number, so it never underflows)."""
    E = np.exp(np.maximum(-np.abs(Z), exp_floor(Z)))
    return np.where(Z >= 0, 1 / (1 + E), E / (1 + E))


def tanh(Z: Array, axis: int) -> Array:
    """tanh(z)."""
    return np.tanh(Z)


def relu(Z: Array, axis: int) -> Array:
    """max(0, z)."""
    return np.maximum(Z, 0)


def leaky_relu(Z: Array, axis: int) -> Array:
    """z for z > 0, else 0.01 z."""
    return np.where(Z > 0, Z, LEAKY_SLOPE * Z)


def linear(Z: Array, axis: int) -> Array:
    """The identity, z."""
    return Z


def softmax(Z: Array, axis: int) -> Array:
    """softmax(z)_j = e^{z_j − max z} / Σ_k e^{z_k − max z} along the feature axis (e^{z_j − max z}
    never overflows, and stops at the smallest normal number instead of underflowing)."""
    E: Array = np.exp(np.maximum(Z - Z.max(axis=axis, keepdims=True), exp_floor(Z)))
    total: Array = E.sum(axis=axis, keepdims=True)
    return E / total
# --8<-- [end:activations]


# --8<-- [start:derivatives]
def sigmoid_backward(dA: Array, Z: Array, A: Array, axis: int) -> Array:
    """dZ = dA ∘ a (1 − a)."""
    return dA * A * (1 - A)


def tanh_backward(dA: Array, Z: Array, A: Array, axis: int) -> Array:
    """dZ = dA ∘ (1 − a²)."""
    return dA * (1 - A * A)


def relu_backward(dA: Array, Z: Array, A: Array, axis: int) -> Array:
    """dZ = dA where z > 0, else 0."""
    return np.where(Z > 0, dA, 0)


def leaky_relu_backward(dA: Array, Z: Array, A: Array, axis: int) -> Array:
    """dZ = dA where z > 0, else 0.01 dA."""
    return np.where(Z > 0, dA, LEAKY_SLOPE * dA)


def linear_backward(dA: Array, Z: Array, A: Array, axis: int) -> Array:
    """dZ = dA."""
    return dA


def softmax_backward(dA: Array, Z: Array, A: Array, axis: int) -> Array:
    """The Jacobian-vector product of softmax along the feature axis:
    dz_j = a_j (da_j − Σ_k da_k a_k)."""
    inner: Array = (dA * A).sum(axis=axis, keepdims=True)
    return A * (dA - inner)
# --8<-- [end:derivatives]


ACTIVATIONS: dict[str, Callable[[Array, int], Array]] = {
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "linear": linear,
    "softmax": softmax,
}

DERIVATIVES: dict[str, Callable[[Array, Array, Array, int], Array]] = {
    "sigmoid": sigmoid_backward,
    "tanh": tanh_backward,
    "relu": relu_backward,
    "leaky_relu": leaky_relu_backward,
    "linear": linear_backward,
    "softmax": softmax_backward,
}


EPS: dict[np.dtype[Any], np.floating[Any]] = {}
"""Per dtype, the machine epsilon ε (filled on first use)."""


def clip_probabilities(AL: Array) -> Array:
    """AL clipped to [ε, 1 − ε] (ε the dtype's machine epsilon), so that log and division
    stay finite when a sigmoid or softmax output saturates at 0 or 1. (``np.clip``'s values,
    with two ufunc calls instead of its slower wrapper.)"""
    eps = EPS.get(AL.dtype)
    if eps is None:
        eps = EPS[AL.dtype] = np.finfo(AL.dtype).eps
    return np.minimum(np.maximum(AL, eps), 1 - eps)


def clip_saturated(AL: Array) -> Array:
    """AL with its entries inside [0, 1] clipped as :func:`clip_probabilities` clips them, and
    the others as they are. The derivatives of bce and ce use it: an output saturated at
    exactly 0 or 1 keeps them finite, and an AL outside [0, 1] (course test cases draw AL from
    a normal distribution) gets the formula itself, which is finite there."""
    return np.where((AL < 0) | (AL > 1), AL, clip_probabilities(AL))


# --8<-- [start:losses]
def binary_cross_entropy(AL: Array, Y: Array) -> Array:
    """L = −[y log a + (1 − y) log(1 − a)] for each output unit."""
    AL = clip_probabilities(AL)
    return -(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))


def cross_entropy(AL: Array, Y: Array) -> Array:
    """L = −y_j log a_j for each output unit (summed over units j: −Σ_j y_j log a_j)."""
    return -(Y * np.log(clip_probabilities(AL)))


def mean_squared_error(AL: Array, Y: Array) -> Array:
    """L = ½ (a_j − y_j)² for each output unit."""
    return 0.5 * (AL - Y) ** 2
# --8<-- [end:losses]


# --8<-- [start:loss_derivatives]
def binary_cross_entropy_backward(AL: Array, Y: Array) -> Array:
    """∂L/∂a = −(y / a − (1 − y) / (1 − a))."""
    AL = clip_saturated(AL)
    return -(Y / AL - (1 - Y) / (1 - AL))


def cross_entropy_backward(AL: Array, Y: Array) -> Array:
    """∂L/∂a_j = −y_j / a_j."""
    return -(Y / clip_saturated(AL))


def mean_squared_error_backward(AL: Array, Y: Array) -> Array:
    """∂L/∂a_j = a_j − y_j."""
    return AL - Y
# --8<-- [end:loss_derivatives]


LOSSES: dict[str, Callable[[Array, Array], Array]] = {
    "bce": binary_cross_entropy,
    "ce": cross_entropy,
    "mse": mean_squared_error,
}

LOSS_DERIVATIVES: dict[str, Callable[[Array, Array], Array]] = {
    "bce": binary_cross_entropy_backward,
    "ce": cross_entropy_backward,
    "mse": mean_squared_error_backward,
}

FUSED: frozenset[tuple[str, str]] = frozenset({("sigmoid", "bce"), ("softmax", "ce")})
"""(output activation, loss) pairs for which dZ[L] = A[L] − Y exactly: the σ'(z) = a(1 − a)
and the softmax Jacobian cancel the loss's denominators. Computing it directly is both
faster and stable when A[L] saturates."""


def check_name(kind: str, name: Any, registry: dict[str, Any] | frozenset[str]) -> str:
    """Return ``name`` if it is in ``registry``, else raise a ValueError listing the valid names."""
    if name not in registry:
        valid = ", ".join(repr(k) for k in registry)
        raise ValueError(f"unknown {kind} {name!r}; valid: {valid}")
    return str(name)
