"""Trained weights between nnconv and PyTorch, scikit-learn and Keras.

=============  ============================  ==================  ===========================
framework      weight of a layer             bias                the layer computes
=============  ============================  ==================  ===========================
rowmajor       W (n_in, n_out)               b (1, n_out)        X W + b
colmajor       W (n_out, n_in)               b (n_out, 1)        W X + b
PyTorch        ``weight`` (n_out, n_in)      ``bias`` (n_out,)   x weightᵀ + bias
scikit-learn   ``coefs_[i]`` (n_in, n_out)   ``intercepts_[i]``  X coefs_[i] + intercepts_[i]
Keras          kernel (n_in, n_out)          bias (n_out,)       dot(x, kernel) + bias
=============  ============================  ==================  ===========================

Every converter copies: the result shares no memory with its input. Rowmajor arrays come out
in C order and colmajor arrays in Fortran order (:func:`nnconv.layout.as_colmajor`), the
canonical layouts on which the two conventions give bitwise-transposed results. Values are
never rounded: a round trip returns the same bits. torch and scikit-learn are imported
inside the functions that use them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..aliases import convention as lookup
from ..errors import _activations, _array, converted
from ..functions import ACTIVATIONS
from ..layout import as_float
from ..types import Array, Convention, Params

if TYPE_CHECKING:
    import torch

SKLEARN_ACTIVATIONS = {"logistic": "sigmoid", "tanh": "tanh", "relu": "relu", "identity": "linear",
                       "softmax": "softmax"}
"""scikit-learn's activation names and nnconv's."""


def from_rowmajor(W: npt.ArrayLike, b: npt.ArrayLike, conv: Convention) -> tuple[Array, Array]:
    """A layer's rowmajor W (n_in, n_out) and bias (any shape with n_out entries), copied into
    ``conv``'s shapes and canonical memory layout."""
    W = np.asarray(W)
    b = np.asarray(b).reshape(1, -1)
    if conv.NAME == "colmajor":
        return np.array(W.T, order="F", copy=True), np.array(b.T, order="F", copy=True)
    return np.array(W, order="C", copy=True), np.array(b, order="C", copy=True)


def to_rowmajor(params: Params, conv: Convention, where: str = "nnconv.port") -> list[tuple[Array, Array]]:
    """The layers of ``params`` as rowmajor (W (n_in, n_out), b (1, n_out)) views, in order.
    Integers and booleans become float64, as nnconv computes them."""
    if not isinstance(params, Mapping):
        raise ValueError(f"{where}: params must be a dict {{'W1': ..., 'b1': ..., ...}}; got "
                         f"{type(params).__name__}")
    L = len(params) // 2
    if sorted(map(str, params)) != sorted(k for l in range(1, L + 1) for k in (f"W{l}", f"b{l}")):
        raise ValueError(f"params must hold W1, b1, ..., WL, bL; got {sorted(map(str, params))}")
    layers = []
    for l in range(1, L + 1):
        W, b = (as_float(_array(where, key, params[key], "of real numbers")) for key in (f"W{l}", f"b{l}"))
        if conv.NAME == "colmajor":
            W, b = W.T, b.T
        if W.ndim != 2 or b.shape != (1, W.shape[1]):
            raise ValueError(f"layer {l}: W{l} {np.shape(params[f'W{l}'])} and b{l} "
                             f"{np.shape(params[f'b{l}'])} are not {conv.NAME} shapes of one layer")
        layers.append((W, b))
    return layers


def collect(layers: Sequence[tuple[npt.ArrayLike, npt.ArrayLike]], conv: Convention) -> Params:
    """``{"W1": ..., "b1": ..., ...}`` in ``conv`` from rowmajor (W, b) pairs."""
    params: Params = {}
    for l, (W, b) in enumerate(layers, start=1):
        params[f"W{l}"], params[f"b{l}"] = from_rowmajor(W, b, conv)
    return params


def from_torch(module: torch.nn.Module, convention: str | Convention) -> Params:
    """The parameters of the ``nn.Linear`` layers of ``module``, in order, in ``convention``.

    PyTorch stores ``weight`` (n_out, n_in) and computes x weightᵀ + bias: the rowmajor W is
    weightᵀ and the colmajor W is ``weight`` itself. A layer without bias gets b = 0. The
    dtype is kept; activations are not read (pass them to ``forward`` yourself).
    """
    import torch

    conv = lookup(convention)
    if not isinstance(module, torch.nn.Module):
        raise ValueError(f"nnconv.port.from_torch: expected a torch.nn.Module; got {type(module).__name__}")
    layers = []
    for layer in module.modules():
        if isinstance(layer, torch.nn.Linear):
            weight = layer.weight.detach().cpu().numpy()
            bias = (layer.bias.detach().cpu().numpy() if layer.bias is not None
                    else np.zeros(weight.shape[0], dtype=weight.dtype))
            layers.append((weight.T, bias))
    if not layers:
        raise ValueError("from_torch: the module has no nn.Linear layer")
    return collect(layers, conv)


def to_torch(params: Params, convention: str | Convention, activations: Sequence[str], *,
             logits: bool = False) -> torch.nn.Sequential:
    """An ``nn.Sequential`` of ``nn.Linear`` layers and activations computing the same network.

    The activations map to ``nn.Sigmoid``, ``nn.Tanh``, ``nn.ReLU``, ``nn.LeakyReLU(0.01)``,
    ``nn.Softmax(dim=1)``; ``"linear"`` adds no module. The weights keep their dtype and
    their bits; the module holds copies.

    By default the module returns what ``forward`` returns as A[L]: probabilities after a
    softmax or sigmoid output. Do not train it with ``nn.CrossEntropyLoss`` or
    ``nn.BCEWithLogitsLoss``: they apply the softmax or sigmoid themselves, so it would be
    applied twice, with no error. ``logits=True`` leaves out the output layer's softmax or
    sigmoid (a ``"linear"`` output stays as it is; any other raises ValueError), so the module
    returns Z[L], the input those losses expect. With the mean reduction,
    ``CrossEntropyLoss`` is the cost J of ``ce`` (and ``BCEWithLogitsLoss`` that of ``bce``
    for one output unit), and after ``backward()`` each ``weight.grad`` holds dW in
    colmajor's shape (rowmajor's dWᵀ) and ``bias.grad`` holds db, both with their 1/m.
    """
    import torch
    from torch import nn

    conv = lookup(convention)
    _activations("nnconv.port.to_torch", activations)
    layers = to_rowmajor(params, conv, "nnconv.port.to_torch")
    if len(activations) != len(layers):
        raise ValueError(f"to_torch: {len(layers)} layers but {len(activations)} activations")
    modules: dict[str, Any] = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU,
                               "leaky_relu": lambda: nn.LeakyReLU(0.01),
                               "softmax": lambda: nn.Softmax(dim=1)}
    stack: list[nn.Module] = []
    for l, ((W, b), activation) in enumerate(zip(layers, activations, strict=True), start=1):
        if activation not in ACTIVATIONS:
            raise ValueError(f"to_torch: unknown activation {activation!r}")
        if logits and l == len(layers) and activation != "linear":
            if activation not in ("softmax", "sigmoid"):
                raise ValueError(f"to_torch: logits=True leaves out an output softmax or sigmoid, "
                                 f"but the output activation is {activation!r}")
            activation = "linear"
        linear = nn.Linear(W.shape[0], W.shape[1], dtype=torch.from_numpy(np.zeros(0, W.dtype)).dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))
            linear.bias.copy_(torch.from_numpy(np.ascontiguousarray(b[0])))
        stack.append(linear)
        if activation != "linear":
            stack.append(modules[activation]())
    return nn.Sequential(*stack)


def from_sklearn(estimator: Any, convention: str | Convention) -> tuple[Params, list[str]]:
    """The parameters and activations of a fitted ``MLPClassifier`` or ``MLPRegressor``.

    ``coefs_[i]`` (n_in, n_out) is the rowmajor W[i+1] and ``intercepts_[i]`` its bias. The
    hidden activation is ``estimator.activation`` and the output one ``out_activation_``
    (logistic for a binary or multilabel classifier, softmax for a multiclass one, identity
    for a regressor), in nnconv's names. The forward pass then gives ``predict_proba``'s
    probability of class 1 (binary), ``predict_proba`` (otherwise) or ``predict``.
    """
    conv = lookup(convention)
    if not hasattr(estimator, "coefs_") or not hasattr(estimator, "intercepts_"):
        raise ValueError("from_sklearn: the estimator is not a fitted MLPClassifier or MLPRegressor")
    names = [estimator.activation] * (len(estimator.coefs_) - 1) + [estimator.out_activation_]
    unknown = [n for n in names if n not in SKLEARN_ACTIVATIONS]
    if unknown:
        raise ValueError(f"from_sklearn: unknown activation {unknown[0]!r}")
    params = collect(list(zip(estimator.coefs_, estimator.intercepts_, strict=True)), conv)
    return params, [SKLEARN_ACTIVATIONS[n] for n in names]


def from_keras(weights: Sequence[npt.ArrayLike], convention: str | Convention) -> Params:
    """Parameters from Keras's ``model.get_weights()`` of Dense layers: [kernel1, bias1, …].

    A kernel is (n_in, n_out) and a bias (n_out,): Dense computes dot(x, kernel) + bias, so
    the kernel is the rowmajor W.
    """
    conv = lookup(convention)
    if isinstance(weights, (str, bytes, Mapping)) or not isinstance(weights, Iterable):
        raise ValueError("nnconv.port.from_keras: weights must be the list that model.get_weights() "
                         f"returns, [kernel1, bias1, kernel2, bias2, ...]; got {type(weights).__name__}")
    arrays = [converted("nnconv.port.from_keras", f"weights[{i}]", w) for i, w in enumerate(weights)]
    if len(arrays) % 2 or not arrays:
        raise ValueError(f"from_keras: expected [kernel1, bias1, kernel2, bias2, ...]; got {len(arrays)} arrays")
    pairs = list(zip(arrays[::2], arrays[1::2], strict=True))
    for l, (kernel, bias) in enumerate(pairs, start=1):
        if kernel.ndim != 2 or bias.shape != (kernel.shape[1],):
            raise ValueError(f"from_keras: layer {l}: kernel {kernel.shape} and bias {bias.shape} are not "
                             "a Dense layer's (n_in, n_out) and (n_out,)")
    return collect(pairs, conv)


def to_keras(params: Params, convention: str | Convention) -> list[Array]:
    """The list [kernel1, bias1, kernel2, …] that Keras's ``model.set_weights`` takes for a
    stack of Dense layers: kernels (n_in, n_out), biases (n_out,), copied."""
    conv = lookup(convention)
    weights: list[Array] = []
    for W, b in to_rowmajor(params, conv, "nnconv.port.to_keras"):
        weights += [np.array(W, order="C", copy=True), np.array(b[0], copy=True)]
    return weights
