"""The types both conventions share: arrays, parameter dicts, the layer cache and the
:class:`Convention` protocol that :mod:`nnconv.rowmajor` and :mod:`nnconv.colmajor` satisfy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, NamedTuple, Protocol, TypeAlias

import numpy as np
import numpy.typing as npt

Array: TypeAlias = npt.NDArray[np.floating[Any]]
"""A 2-D floating-point array (float32 or float64)."""

Params: TypeAlias = dict[str, Array]
"""Parameters ``{"W1": ..., "b1": ..., ..., "WL": ..., "bL": ...}`` or gradients
``{"dW1": ..., "db1": ..., "dA0": ..., ...}``."""

Optimizer: TypeAlias = Literal["sgd", "momentum", "rmsprop", "adam"]
"""The optimizers of :mod:`nnconv.optim` by name, the values ``fit``'s ``optimizer`` takes."""


class LayerCache(NamedTuple):
    """What the forward pass of layer l keeps for its backward pass.

    Attributes
    ----------
    A_prev : Array
        The layer's input A[l-1] (A[0] is X).
    W, b : Array
        The layer's parameters W[l], b[l].
    Z : Array
        The pre-activation Z[l].
    """

    A_prev: Array
    W: Array
    b: Array
    Z: Array


class BatchNormCache(NamedTuple):
    """What :func:`~nnconv.rowmajor.batchnorm_forward` keeps for its backward pass.

    Attributes
    ----------
    x_hat : Array
        The normalised input x̂ = (Z − μ) / σ, shaped like Z.
    gamma : Array
        The scale γ, shaped like b.
    sigma : Array
        σ = √(var + ε) per unit, shaped like b: of the mini-batch when ``train``, of the
        running variance when not.
    train : bool
        Whether μ and σ were the mini-batch's own statistics (and so depend on Z) or the
        running ones (constants).
    """

    x_hat: Array
    gamma: Array
    sigma: Array
    train: bool


class LayerNormCache(NamedTuple):
    """What :func:`~nnconv.rowmajor.layernorm_forward` keeps for its backward pass.

    Attributes
    ----------
    x_hat : Array
        The normalised input x̂ = (Z − μ) / σ, shaped like Z.
    gamma : Array
        The scale γ, shaped like b.
    sigma : Array
        σ = √(var + ε) per example: (m, 1) in rowmajor, (1, m) in colmajor.
    """

    x_hat: Array
    gamma: Array
    sigma: Array


class Convention(Protocol):
    """The interface both :mod:`nnconv.rowmajor` and :mod:`nnconv.colmajor` provide.

    The two modules have the same names and signatures; only the orientation of the arrays
    differs. For any inputs, ``colmajor.f(transpose(args))`` equals
    ``transpose(rowmajor.f(args))`` bit for bit.
    """

    NAME: str

    def init_params(
        self,
        layer_dims: Sequence[int],
        *,
        method: str = "he",
        seed: int | None = None,
        dtype: npt.DTypeLike = np.float64,
    ) -> Params: ...

    def linear_forward(self, A_prev: npt.ArrayLike, W: npt.ArrayLike, b: npt.ArrayLike) -> Array: ...

    def activation_forward(self, Z: npt.ArrayLike, activation: str) -> Array: ...

    def forward(
        self, X: npt.ArrayLike, params: Params, activations: Sequence[str]
    ) -> tuple[Array, list[LayerCache]]: ...

    def cost(
        self, AL: npt.ArrayLike, Y: npt.ArrayLike, loss: str = "bce", *, params: Params | None = None,
        l2: float = 0.0,
    ) -> float: ...

    def loss_backward(self, AL: npt.ArrayLike, Y: npt.ArrayLike, loss: str = "bce") -> Array: ...

    def activation_backward(self, dA: npt.ArrayLike, Z: npt.ArrayLike, activation: str) -> Array: ...

    def linear_backward(
        self, dZ: npt.ArrayLike, A_prev: npt.ArrayLike, W: npt.ArrayLike
    ) -> tuple[Array, Array, Array]: ...

    def backward(
        self,
        AL: npt.ArrayLike,
        Y: npt.ArrayLike,
        caches: Sequence[LayerCache],
        activations: Sequence[str],
        loss: str = "bce",
        *,
        l2: float = 0.0,
    ) -> Params: ...

    def update(self, params: Params, grads: Params, learning_rate: float) -> Params: ...

    def dropout_forward(
        self, A: npt.ArrayLike, keep_prob: float, *, seed: int | None = None,
        mask: npt.ArrayLike | None = None,
    ) -> tuple[Array, npt.NDArray[np.bool_]]: ...

    def dropout_backward(self, dA: npt.ArrayLike, mask: npt.ArrayLike, keep_prob: float) -> Array: ...

    def batchnorm_forward(
        self,
        Z: npt.ArrayLike,
        gamma: npt.ArrayLike,
        beta: npt.ArrayLike,
        *,
        eps: float = 1e-5,
        momentum: float = 0.9,
        running: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
        train: bool = True,
    ) -> tuple[Array, BatchNormCache, tuple[Array, Array]]: ...

    def batchnorm_backward(
        self, dout: npt.ArrayLike, cache: BatchNormCache
    ) -> tuple[Array, Array, Array]: ...

    def layernorm_forward(
        self, Z: npt.ArrayLike, gamma: npt.ArrayLike, beta: npt.ArrayLike, *, eps: float = 1e-5
    ) -> tuple[Array, LayerNormCache]: ...

    def layernorm_backward(
        self, dout: npt.ArrayLike, cache: LayerNormCache
    ) -> tuple[Array, Array, Array]: ...

    def predict(
        self, X: npt.ArrayLike, params: Params, activations: Sequence[str], *, loss: str | None = None
    ) -> npt.NDArray[Any]: ...

    def fit(
        self,
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
    ) -> tuple[Params, list[float]]: ...
