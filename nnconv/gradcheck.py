"""Gradient checking by centred finite differences."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .errors import check_gradient_check, check_l2, public
from .layout import same, transpose
from .types import Convention, Params


@public
def gradient_check(
    convention: str | Convention,
    X: npt.ArrayLike,
    Y: npt.ArrayLike,
    params: Params,
    activations: Sequence[str],
    loss: str = "bce",
    epsilon: float = 1e-7,
    *,
    l2: float = 0.0,
) -> float:
    """The relative difference between backpropagation's gradient g and a numerical one ĝ.

    ĝ_i = (J(θ + ε e_i) − J(θ − ε e_i)) / (2ε) for every parameter θ_i (centred differences),
    and the result is ‖g − ĝ‖₂ / (‖g‖₂ + ‖ĝ‖₂) over all parameters at once. Below 1e-7 is
    a pass (deeplearning.ai's threshold). Computed in float64 whatever the inputs' dtype.
    With ``l2`` = λ > 0 it checks the regularised cost and gradients (:func:`cost` and
    :func:`backward` with ``l2``).
    The parameters are visited in rowmajor order in both conventions, so the two give the
    same value bit for bit, as every other output does.
    The inputs are checked as :func:`fit` checks them (:mod:`nnconv.errors`).
    """
    from .aliases import lookup

    conv = lookup(convention, "nnconv.gradient_check")
    check_gradient_check(conv.NAME, X, Y, params, activations, loss, epsilon)
    check_l2("nnconv.gradient_check", l2)
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    theta: Params = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    AL, caches = conv.forward(X, theta, activations)
    grads = conv.backward(AL, Y, caches, activations, loss, l2=l2)

    def J(theta: Params) -> float:
        return conv.cost(conv.forward(X, theta, activations)[0], Y, loss, params=theta, l2=l2)

    as_rows = transpose if conv.NAME == "colmajor" else same  # visit θ in one order in both
    analytic, numeric = [], []
    for key in theta:
        value, gradient = as_rows(theta[key]), as_rows(grads[f"d{key}"])  # views
        for index in np.ndindex(value.shape):
            saved = value[index]
            value[index] = saved + epsilon
            J_plus = J(theta)
            value[index] = saved - epsilon
            J_minus = J(theta)
            value[index] = saved
            analytic.append(gradient[index])
            numeric.append((J_plus - J_minus) / (2 * epsilon))
    g, g_hat = np.array(analytic), np.array(numeric)
    denominator = np.linalg.norm(g) + np.linalg.norm(g_hat)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(g - g_hat) / denominator)
