"""The transposed convention: one example per **column**, Z̃ = W̃ Ã_prev + b̃.

=========  ===============  =========================================
quantity   shape            equation
=========  ===============  =========================================
X = A[0]   (n_0, m)         one example per column
W[l]       (n_l, n_{l-1})
b[l]       (n_l, 1)         broadcast over the m columns
Z[l]       (n_l, m)         Z[l] = W[l] A[l-1] + b[l]
A[l]       (n_l, m)         A[l] = g[l](Z[l])
dZ[l]      (n_l, m)         dZ[l] = dA[l] ∘ g[l]'(Z[l])
dW[l]      (n_l, n_{l-1})   dW[l] = (1/m) dZ[l] A[l-1]ᵀ
db[l]      (n_l, 1)         db[l] = (1/m) Σ_columns dZ[l]
dA[l-1]    (n_{l-1}, m)     dA[l-1] = W[l]ᵀ dZ[l]
=========  ===============  =========================================

Used by deeplearning.ai (Ng), Nielsen and Julia's Flux. :mod:`nnconv.rowmajor` is the same
module for the design-matrix convention, line for line; every output here is the bitwise
transpose of its output there. Arrays are taken in Fortran order
(:func:`nnconv.layout.as_colmajor`) and every product goes through
:func:`nnconv.layout.matmul`; :mod:`nnconv.layout` explains why that makes the two exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from . import common, errors
from .common import dropout_mask, epochs_with_progress, init_weight, output_loss
from .errors import public
from .functions import ACTIVATIONS, DERIVATIVES, FUSED, LOSS_DERIVATIVES, LOSSES, check_name
from .layout import as_colmajor as as_array
from .layout import matmul
from .step import Workspace, in_order
from .types import Array, BatchNormCache, LayerCache, LayerNormCache, Params

__all__ = [
    "NAME", "init_params", "linear_forward", "activation_forward", "forward", "cost",
    "loss_backward", "activation_backward", "linear_backward", "backward", "update",
    "dropout_forward", "dropout_backward", "batchnorm_forward", "batchnorm_backward",
    "layernorm_forward", "layernorm_backward", "predict", "fit",
]

NAME = "colmajor"
EXAMPLE_AXIS = 1
"""Examples are columns."""
FEATURE_AXIS = 0
"""Features (units) are rows."""


@public
def init_params(
    layer_dims: Sequence[int],
    *,
    method: str = "he",
    seed: int | None = None,
    dtype: npt.DTypeLike = np.float64,
) -> Params:
    """Random weights and zero biases for a network with ``layer_dims = [n_0, n_1, ..., n_L]``.

    W[l] has shape (n_l, n_{l-1}) with entries N(0, σ²): σ = √(2/n_{l-1}) for ``"he"``,
    √(1/n_{l-1}) for ``"xavier"``, 0.01 for ``"normal"``. b[l] = 0 with shape (n_l, 1).
    The same ``seed`` gives rowmajor's parameters transposed, bit for bit.
    """
    errors.check_init_params(NAME, layer_dims, method, seed, dtype)
    rng = np.random.default_rng(seed)
    params: Params = {}
    for l in range(1, len(layer_dims)):
        n_prev, n = layer_dims[l - 1], layer_dims[l]
        params[f"W{l}"] = init_weight(rng, n_prev, n, method, dtype).T  # rowmajor's draw, transposed
        params[f"b{l}"] = np.zeros((n, 1), dtype=dtype)
    return params


@public
def linear_forward(A_prev: npt.ArrayLike, W: npt.ArrayLike, b: npt.ArrayLike) -> Array:
    """The linear step Z = W A_prev + b.

    W (n_l, n_{l-1}), A_prev (n_{l-1}, m), b (n_l, 1) broadcast over the columns; Z (n_l, m).
    """
    errors.check_linear_forward(NAME, A_prev, W, b)
    A_prev, W, b = as_array(A_prev, like=W), as_array(W), as_array(b, like=W)
    # --8<-- [start:linear_forward]
    Z = matmul(W, A_prev) + b
    # --8<-- [end:linear_forward]
    return Z


@public
def activation_forward(Z: npt.ArrayLike, activation: str) -> Array:
    """A = g(Z), elementwise; softmax normalises each column (axis 0). A has Z's shape (n_l, m)."""
    errors.check_activation_forward(NAME, Z, activation)
    g = ACTIVATIONS[check_name("activation", activation, ACTIVATIONS)]
    # --8<-- [start:activation_forward]
    A = g(as_array(Z), FEATURE_AXIS)
    # --8<-- [end:activation_forward]
    return A


@public
def forward(
    X: npt.ArrayLike, params: Params, activations: Sequence[str]
) -> tuple[Array, list[LayerCache]]:
    """Forward propagation: A[0] = X; Z[l] = W[l] A[l-1] + b[l]; A[l] = g[l](Z[l]).

    X is (n_0, m); returns A[L] (n_L, m) and one :class:`~nnconv.types.LayerCache`
    ``(A_prev, W, b, Z)`` per layer, ``caches[l-1]`` for layer l.
    """
    errors.check_forward(NAME, X, params, activations)
    A = as_array(X, like=params["W1"])
    caches = []
    # --8<-- [start:forward]
    for l, activation in enumerate(activations, start=1):
        A_prev, W, b = A, as_array(params[f"W{l}"]), as_array(params[f"b{l}"])
        Z = linear_forward(A_prev, W, b)
        A = activation_forward(Z, activation)
        caches.append(LayerCache(A_prev, W, b, Z))
    # --8<-- [end:forward]
    return A, caches


@public
def cost(
    AL: npt.ArrayLike, Y: npt.ArrayLike, loss: str = "bce", *, params: Params | None = None,
    l2: float = 0.0,
) -> float:
    """The cost J = (1/m) Σ_i L⁽ⁱ⁾, with L⁽ⁱ⁾ summed over the n_L output units of example i.

    AL and Y are (n_L, m); m is the number of columns. With ``l2`` = λ > 0 the cost adds the L2
    penalty (λ/2m) Σ_l ‖W[l]‖² of the weights in ``params`` (the sum of the squares of every
    entry; biases excluded).
    """
    errors.check_cost(NAME, AL, Y, loss)
    errors.check_l2_cost(NAME, params, l2)
    l2 = float(l2)  # a Python float keeps float32 arrays float32
    loss_fn = LOSSES[check_name("loss", loss, LOSSES)]
    AL, Y = as_array(AL), as_array(Y, like=AL)
    m = AL.shape[EXAMPLE_AXIS]
    # --8<-- [start:cost]
    J = np.sum(loss_fn(AL, Y)) / m
    # --8<-- [end:cost]
    if l2 and params is not None:
        weights = [as_array(params[f"W{l}"]) for l in range(1, len(params) // 2 + 1)]
        # --8<-- [start:l2_cost]
        J = J + l2 / (2 * m) * sum(np.sum(W * W) for W in weights)
        # --8<-- [end:l2_cost]
    return float(J)


@public
def loss_backward(AL: npt.ArrayLike, Y: npt.ArrayLike, loss: str = "bce") -> Array:
    """dA[L] = ∂L/∂A[L] for each example, without the 1/m (that sits in dW and db).

    For bce: dA[L] = −(Y / A[L] − (1 − Y) / (1 − A[L])). Shape (n_L, m).
    """
    errors.check_loss_backward(NAME, AL, Y, loss)
    dloss = LOSS_DERIVATIVES[check_name("loss", loss, LOSS_DERIVATIVES)]
    # --8<-- [start:loss_backward]
    dAL = dloss(as_array(AL), as_array(Y, like=AL))
    # --8<-- [end:loss_backward]
    return dAL


@public
def activation_backward(dA: npt.ArrayLike, Z: npt.ArrayLike, activation: str) -> Array:
    """dZ = dA ∘ g'(Z); for softmax the Jacobian-vector product along each column (axis 0).

    dA and Z are (n_l, m); so is dZ.
    """
    errors.check_activation_backward(NAME, dA, Z, activation)
    g = ACTIVATIONS[check_name("activation", activation, ACTIVATIONS)]
    dg = DERIVATIVES[activation]
    dA, Z = as_array(dA, like=Z), as_array(Z)
    # --8<-- [start:activation_backward]
    dZ = dg(dA, Z, g(Z, FEATURE_AXIS), FEATURE_AXIS)
    # --8<-- [end:activation_backward]
    return dZ


@public
def linear_backward(
    dZ: npt.ArrayLike, A_prev: npt.ArrayLike, W: npt.ArrayLike
) -> tuple[Array, Array, Array]:
    """The gradients of the linear step Z = W A_prev + b.

    dW = (1/m) dZ A_prevᵀ  (n_l, n_{l-1});  db = (1/m) Σ_columns dZ  (n_l, 1);
    dA_prev = Wᵀ dZ  (n_{l-1}, m). The 1/m of the cost is applied here.
    """
    errors.check_linear_backward(NAME, dZ, A_prev, W)
    dZ, A_prev, W = as_array(dZ, like=W), as_array(A_prev, like=W), as_array(W)
    m = A_prev.shape[EXAMPLE_AXIS]
    # --8<-- [start:linear_backward]
    dW = matmul(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=EXAMPLE_AXIS, keepdims=True) / m
    dA_prev = matmul(W.T, dZ)
    # --8<-- [end:linear_backward]
    return dA_prev, dW, db


@public
def backward(
    AL: npt.ArrayLike,
    Y: npt.ArrayLike,
    caches: Sequence[LayerCache],
    activations: Sequence[str],
    loss: str = "bce",
    *,
    l2: float = 0.0,
) -> Params:
    """Backpropagation through all L layers.

    Starts from dZ[L] = A[L] − Y for sigmoid + bce and softmax + ce (the stable fused form),
    else from dA[L] = :func:`loss_backward` and dZ[L] = :func:`activation_backward`; then for
    l = L, ..., 1: dW[l], db[l], dA[l-1] = :func:`linear_backward`, and
    dZ[l-1] = dA[l-1] ∘ g[l-1]'(Z[l-1]). With ``l2`` = λ > 0, dW[l] gains the gradient of
    the L2 penalty of :func:`cost`, (λ/m) W[l]. Returns
    ``{"dW1", "db1", ..., "dA0", ..., "dA{L-1}"}``.

    The fused dZ[L] = A[L] − Y equals the chain through dA[L] only when A[L] = g(Z[L]); any
    finite A[L] is accepted (course test cases draw it at random).
    """
    errors.check_backward(NAME, AL, Y, caches, activations, loss)
    errors.check_l2(f"{NAME}.backward", l2)
    l2 = float(l2)  # a Python float keeps float32 arrays float32
    AL, Y = as_array(AL), as_array(Y, like=AL)
    grads: Params = {}
    L, output, m = len(caches), activations[-1], AL.shape[EXAMPLE_AXIS]
    # --8<-- [start:backward]
    dZ: Array
    if (output, loss) in FUSED:
        dZ = AL - Y
    else:
        dAL = loss_backward(AL, Y, loss)
        dZ = DERIVATIVES[output](dAL, as_array(caches[L - 1].Z), AL, FEATURE_AXIS)
    for l in range(L, 0, -1):
        A_prev, W, _, _ = caches[l - 1]
        dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(dZ, A_prev, W)
        # --8<-- [start:l2_backward]
        if l2:
            grads[f"dW{l}"] = grads[f"dW{l}"] + l2 / m * as_array(W)
        # --8<-- [end:l2_backward]
        grads[f"dA{l - 1}"] = dA_prev
        if l > 1:
            Z_prev = as_array(caches[l - 2].Z)
            dZ = DERIVATIVES[activations[l - 2]](dA_prev, Z_prev, as_array(A_prev), FEATURE_AXIS)
    # --8<-- [end:backward]
    return grads


@public
def update(params: Params, grads: Params, learning_rate: float) -> Params:
    """One step of gradient descent, W[l] ← W[l] − α dW[l] and b[l] ← b[l] − α db[l]
    (:func:`nnconv.common.update`). Pure: returns new arrays; dW has W's shape."""
    errors.check_update(NAME, params, grads, learning_rate)
    return common.update(params, grads, learning_rate)


# ---------------------------------------------------------------------------------------------
# Dropout, batch normalization and layer normalization: each forward returns what its backward
# reads. The L2 penalty lives in cost and backward.


@public
def dropout_forward(
    A: npt.ArrayLike, keep_prob: float, *, seed: int | None = None, mask: npt.ArrayLike | None = None
) -> tuple[Array, npt.NDArray[np.bool_]]:
    """Inverted dropout: A_dropped = A ∘ D / keep_prob, each unit kept with probability keep_prob.

    A, D and A_dropped are (n_l, m). The boolean mask D (True = kept) is drawn from ``seed``
    (:func:`nnconv.common.dropout_mask`, rowmajor's draw, transposed) unless
    ``mask`` is given, which is used as it is. Dividing by keep_prob keeps the expected
    value of every unit, so the network runs unchanged, without dropout, at test time.
    """
    errors.check_dropout_forward(NAME, A, keep_prob, seed, mask)
    A, keep_prob = as_array(A), float(keep_prob)
    m, n = A.shape[EXAMPLE_AXIS], A.shape[FEATURE_AXIS]
    if mask is None:
        mask = dropout_mask(np.random.default_rng(seed), m, n, keep_prob).T  # rowmajor's (m, n) draw, transposed
    D = np.asarray(mask)
    # --8<-- [start:dropout_forward]
    A_dropped = A * D / keep_prob
    # --8<-- [end:dropout_forward]
    return A_dropped, D


@public
def dropout_backward(dA: npt.ArrayLike, mask: npt.ArrayLike, keep_prob: float) -> Array:
    """The gradient through inverted dropout: dA_prev = dA ∘ D / keep_prob, all (n_l, m).

    Per example, like dA: no 1/m. ``mask`` is the D that :func:`dropout_forward` returned.
    """
    errors.check_dropout_backward(NAME, dA, mask, keep_prob)
    dA, D, keep_prob = as_array(dA), np.asarray(mask), float(keep_prob)
    dA_prev: Array
    # --8<-- [start:dropout_backward]
    dA_prev = dA * D / keep_prob
    # --8<-- [end:dropout_backward]
    return dA_prev


@public
def batchnorm_forward(
    Z: npt.ArrayLike,
    gamma: npt.ArrayLike,
    beta: npt.ArrayLike,
    *,
    eps: float = 1e-5,
    momentum: float = 0.9,
    running: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
    train: bool = True,
) -> tuple[Array, BatchNormCache, tuple[Array, Array]]:
    """Batch normalization: each unit normalised over the m examples of the batch (the columns).

    μ = (1/m) Σ_columns Z and var = (1/m) Σ_columns (Z − μ)² (the biased variance), both (n_l, 1);
    σ = √(var + ε), x̂ = (Z − μ) / σ and out = γ ∘ x̂ + β, (n_l, m); γ and β are (n_l, 1)
    like b. ``train=True`` also returns running ← momentum · running + (1 − momentum) · (μ, var)
    (``running=None`` starts from zeros); ``train=False`` normalises with
    ``running = (mean, var)`` instead and returns it unchanged.
    """
    errors.check_batchnorm_forward(NAME, Z, gamma, beta, eps, momentum, running, train)
    gamma, eps, momentum = as_array(gamma), float(eps), float(momentum)
    Z, beta = as_array(Z, like=gamma), as_array(beta, like=gamma)
    if running is None:
        running_mean, running_var = np.zeros_like(gamma), np.zeros_like(gamma)
    else:
        running_mean, running_var = as_array(running[0], like=gamma), as_array(running[1], like=gamma)
    m = Z.shape[EXAMPLE_AXIS]
    if train:
        # --8<-- [start:batchnorm_statistics]
        mu = np.sum(Z, axis=EXAMPLE_AXIS, keepdims=True) / m
        var = np.sum((Z - mu) ** 2, axis=EXAMPLE_AXIS, keepdims=True) / m
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
        # --8<-- [end:batchnorm_statistics]
    else:
        mu, var = running_mean, running_var
    # --8<-- [start:batchnorm_forward]
    sigma = np.sqrt(var + eps)
    x_hat = (Z - mu) / sigma
    out = gamma * x_hat + beta
    # --8<-- [end:batchnorm_forward]
    return out, BatchNormCache(x_hat, gamma, sigma, bool(train)), (running_mean, running_var)


@public
def batchnorm_backward(dout: npt.ArrayLike, cache: BatchNormCache) -> tuple[Array, Array, Array]:
    """The gradients of batch normalization, from the cache of :func:`batchnorm_forward`.

    dgamma = (1/m) Σ_columns dout ∘ x̂ and dbeta = (1/m) Σ_columns dout, (n_l, 1), are gradients of
    the cost and carry the 1/m, like db; they are also the means over the batch that
    dZ = (γ/σ) ∘ (dout − mean_columns(dout) − x̂ ∘ mean_columns(dout ∘ x̂)) needs, (n_l, m), per
    example like dout. A cache of ``train=False`` (μ and σ constants) gives dZ = (γ/σ) ∘ dout.
    """
    errors.check_batchnorm_backward(NAME, dout, cache)
    gamma = as_array(cache.gamma)
    x_hat, sigma = as_array(cache.x_hat, like=gamma), as_array(cache.sigma, like=gamma)
    dout = as_array(dout, like=gamma)
    m = dout.shape[EXAMPLE_AXIS]
    # --8<-- [start:batchnorm_backward]
    dbeta = np.sum(dout, axis=EXAMPLE_AXIS, keepdims=True) / m
    dgamma = np.sum(dout * x_hat, axis=EXAMPLE_AXIS, keepdims=True) / m
    if cache.train:
        dZ = gamma / sigma * (dout - dbeta - x_hat * dgamma)
    else:
        dZ = gamma / sigma * dout
    # --8<-- [end:batchnorm_backward]
    return dZ, dgamma, dbeta


@public
def layernorm_forward(
    Z: npt.ArrayLike, gamma: npt.ArrayLike, beta: npt.ArrayLike, *, eps: float = 1e-5
) -> tuple[Array, LayerNormCache]:
    """Layer normalization: each example normalised over its n_l units (its column).

    μ = (1/n_l) Σ_rows Z and var = (1/n_l) Σ_rows (Z − μ)², both (1, m); σ = √(var + ε),
    x̂ = (Z − μ) / σ and out = γ ∘ x̂ + β, (n_l, m); γ and β are (n_l, 1) like b. The same in
    training and at test time: no running statistics.
    """
    errors.check_layernorm_forward(NAME, Z, gamma, beta, eps)
    gamma, eps = as_array(gamma), float(eps)
    Z, beta = as_array(Z, like=gamma), as_array(beta, like=gamma)
    n = Z.shape[FEATURE_AXIS]
    # --8<-- [start:layernorm_forward]
    mu = np.sum(Z, axis=FEATURE_AXIS, keepdims=True) / n
    var = np.sum((Z - mu) ** 2, axis=FEATURE_AXIS, keepdims=True) / n
    sigma = np.sqrt(var + eps)
    x_hat = (Z - mu) / sigma
    out = gamma * x_hat + beta
    # --8<-- [end:layernorm_forward]
    return out, LayerNormCache(x_hat, gamma, sigma)


@public
def layernorm_backward(dout: npt.ArrayLike, cache: LayerNormCache) -> tuple[Array, Array, Array]:
    """The gradients of layer normalization, from the cache of :func:`layernorm_forward`.

    dgamma = (1/m) Σ_columns dout ∘ x̂ and dbeta = (1/m) Σ_columns dout, (n_l, 1), carry the 1/m
    like db. With dx̂ = γ ∘ dout, dZ = (dx̂ − mean_rows(dx̂) − x̂ ∘ mean_rows(dx̂ ∘ x̂)) / σ,
    (n_l, m), per example like dout: the means run over each example's units.
    """
    errors.check_layernorm_backward(NAME, dout, cache)
    gamma = as_array(cache.gamma)
    x_hat, sigma = as_array(cache.x_hat, like=gamma), as_array(cache.sigma, like=gamma)
    dout = as_array(dout, like=gamma)
    m, n = dout.shape[EXAMPLE_AXIS], dout.shape[FEATURE_AXIS]
    # --8<-- [start:layernorm_backward]
    dbeta = np.sum(dout, axis=EXAMPLE_AXIS, keepdims=True) / m
    dgamma = np.sum(dout * x_hat, axis=EXAMPLE_AXIS, keepdims=True) / m
    dx_hat = gamma * dout
    mean_dx_hat = np.sum(dx_hat, axis=FEATURE_AXIS, keepdims=True) / n
    mean_dx_hat_x_hat = np.sum(dx_hat * x_hat, axis=FEATURE_AXIS, keepdims=True) / n
    dZ = (dx_hat - mean_dx_hat - x_hat * mean_dx_hat_x_hat) / sigma
    # --8<-- [end:layernorm_backward]
    return dZ, dgamma, dbeta


@public
def predict(
    X: npt.ArrayLike, params: Params, activations: Sequence[str], *, loss: str | None = None
) -> npt.NDArray[Any]:
    """Labels for the examples in X (n_0, m).

    bce: 0/1 where A[L] > 0.5, shaped like A[L]; ce: the class index of each example (the
    argmax over each column), 1-D of length m; mse: A[L] itself. ``loss=None`` takes the loss
    that goes with the output activation (sigmoid: bce, softmax: ce, any other: mse).
    """
    errors.check_predict(NAME, X, params, activations, loss)
    loss = output_loss(activations[-1]) if loss is None else check_name("loss", loss, LOSSES)
    AL, _ = forward(X, params, activations)
    if loss == "ce":
        labels: npt.NDArray[Any] = AL.argmax(axis=FEATURE_AXIS)
        return labels
    if loss == "mse":
        return AL
    return (AL > 0.5).astype(np.int64)


@public
def fit(
    X: npt.ArrayLike,
    Y: npt.ArrayLike,
    params: Params,
    activations: Sequence[str],
    *,
    loss: str = "bce",
    learning_rate: float = 0.01,
    epochs: int = 1,
    batch_size: int | None = None,
    seed: int | None = None,
    progress: bool = False,
    optimizer: str = "sgd",
    l2: float = 0.0,
    keep_prob: float = 1.0,
) -> tuple[Params, list[float]]:
    """Mini-batch gradient descent; returns the trained parameters and the cost of each epoch.

    Each epoch shuffles the columns of X and Y with a generator seeded by ``seed`` (when
    ``batch_size`` is smaller than m), takes mini-batches of ``batch_size`` columns (all m when
    None) and applies forward, cost, backward and update to each. ``history[e]`` is the mean
    of epoch e's mini-batch costs, each taken before its update. The arrays passed in are
    never modified.

    ``optimizer`` ("sgd", "momentum", "rmsprop" or "adam") updates with the function of that
    name in :mod:`nnconv.optim`, with its default hyperparameters. ``l2`` = λ adds
    (λ/2m) Σ_l ‖W[l]‖² to each mini-batch's cost (``history`` is this regularised cost) and
    (λ/m) W[l] to each dW[l]; biases are not penalised. ``keep_prob`` < 1 applies inverted
    dropout to the hidden layers: A[l] ← A[l] ∘ D / keep_prob and dA[l] ← dA[l] ∘ D / keep_prob
    with D = ``rng.random((m, n_l)) < keep_prob``, drawn from the same generator after the
    epoch's shuffle, layer by layer, in rowmajor's orientation, transposed.

    The inputs are checked once; the training runs in place on one copy of the parameters
    (:mod:`nnconv.step`), adding the bias and applying the update inside the matrix products
    (see ``_train_step``), so the result equals the loop of the public functions (and of
    :mod:`nnconv.optim`) up to rounding. A run whose cost or parameters stop being finite raises NumericalError at the
    end of that epoch. The same ``seed`` gives the
    bitwise transpose of the other convention's ``fit``.
    """
    errors.check_fit(NAME, X, Y, params, activations, loss, learning_rate, epochs, batch_size, seed,
                     optimizer=optimizer, l2=l2, keep_prob=keep_prob)
    X, Y = in_order(X, "F"), in_order(Y, "F")  # the canonical layout, fast
    X, Y = as_array(X, like=params["W1"]), as_array(Y, like=params["W1"])
    m = X.shape[EXAMPLE_AXIS]
    batch_size = m if batch_size is None else batch_size
    alpha = float(learning_rate)  # a Python float keeps float32 arrays float32
    rng = np.random.default_rng(seed)
    net = Workspace(X, Y, params, activations, loss, min(batch_size, m), EXAMPLE_AXIS, alpha,
                    optimizer, float(l2), float(keep_prob), rng)
    history: list[float] = []
    for _ in epochs_with_progress(epochs, history, progress):
        order = rng.permutation(m) if batch_size < m else None
        total = 0.0
        for start in range(0, m, batch_size):
            if order is None:  # one mini-batch: all of X and Y
                X_batch, Y_batch = X, Y
            else:
                X_batch, Y_batch = net.gather(X, Y, order[start:start + batch_size])
            total += _train_step(X_batch, Y_batch, net) * X_batch.shape[EXAMPLE_AXIS]
        history.append(total / m)
        net.check_finite(history[-1])
    return net.trained(), history


# --8<-- [start:train_step]
def _train_step(X: Array, Y: Array, net: Workspace) -> float:
    """One training step on the mini-batch X (n_0, m), Y (n_L, m), in place on ``net``'s
    parameters; returns the cost J before the update. X and Y are ``net``'s mini-batch: the
    arrays its first layer's products are bound to.

    :func:`forward`, :func:`cost`, :func:`backward` and :func:`update` on ``net``'s
    preallocated arrays (:mod:`nnconv.step`), with the update moved into the backward pass:
    each layer's parameters are updated, once dA[l-1] has used the old W, inside the products
    that compute α dW and α db (BLAS's C ← αAB + βC, :mod:`nnconv.blas`, with α/m as its α).
    The bias is added inside the forward product the same way, and the L2 term (λ/m) W rides
    on the update product's β: W ← (1 − αλ/m) W − (α/m) dZ A_prevᵀ. With momentum, RMSprop or
    Adam the products write dW and db into ``net``'s flat gradient buffer instead, and
    ``net.optimizer_step`` applies the optimizer after the backward pass. With dropout, each
    hidden layer's mask D is drawn in the forward pass and applied to dA[l] on the way back.
    The result equals the loop of the public functions up to rounding; colmajor's bits stay
    rowmajor's, transposed. dA[0] is not computed: no parameter needs it. The caller checked
    the inputs.
    """
    m = X.shape[EXAMPLE_AXIS]
    layers = net.layers(m)
    for layer in layers:
        np.copyto(layer.Z, layer.b)                     # Z = b 1ᵀ: b in every column
        layer.forward()                                 # Z = W A_prev + Z  (= W A_prev + b)
        A = layer.g(layer.Z, FEATURE_AXIS, layer.A)     # A = g(Z)
        if layer.mask is not None:                      # hidden layer, dropout: the next layer reads
            net.dropout(layer, A)                       # A ∘ D / keep_prob, D = (U < keep_prob)
    J = np.add.reduce(net.loss(A, Y), axis=None) / m    # J = (1/m) Σ L, as np.sum reduces
    if net.l2:
        J += net.l2 / (2 * m) * net.squared_weights()   # J += (λ/2m) Σ ‖W[l]‖²
    output = layers[-1]
    if net.fused:
        dZ = np.subtract(A, Y, out=output.Z)            # dZ[L] = A[L] − Y
    else:                                               # dZ[L] = dA[L] ∘ g'(Z[L])
        dZ = output.dg(net.loss_derivative(A, Y), output.Z, A, FEATURE_AXIS, output.Z)
        if dZ is not output.dZ:                         # linear g: dZ[L] is dA[L], a new array
            np.copyto(output.dZ, dZ)
    for layer in reversed(layers):
        layer.backward()                                # dA[l-1] = Wᵀ dZ, W before its update (l > 1)
        layer.update()                                  # W ← (1 − αλ/m) W − (α/m) dZ A_prevᵀ  (= W − α dW),
        layer.update_bias()                             # b ← b − (α/m) dZ 1; or dW, db for the optimizer
        prev = layer.prev
        if prev is not None:
            if prev.mask is not None:                   # dA[l-1] ← dA[l-1] ∘ D / keep_prob
                net.dropout_backward(prev)
            prev.dg(prev.dA, prev.Z, prev.A, FEATURE_AXIS, prev.Z)  # dZ[l-1] = dA[l-1] ∘ g'(Z[l-1])
    net.optimizer_step(m)                               # momentum, RMSprop, Adam: θ ← θ − … (nothing for sgd)
    return float(J)
# --8<-- [end:train_step]
