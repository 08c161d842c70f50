"""fit's working memory and in-place kernels: the training step without temporary arrays.

A training step in NumPy spends its time outside the matrix products on fresh allocations
(each new array of a megabyte or more costs page faults), on dtype up-casts, on copies and on
passes over memory that the products could have done. ``fit`` therefore copies the
parameters once into a :class:`Workspace` and trains them in place: every activation and
derivative writes into a preallocated array (relu and tanh over Z itself), and each product
is bound once to its arrays (:class:`nnconv.blas.Product`) and computes C ← αAB + βC, so that
the bias is added inside the forward product and each layer's parameters are updated inside
the products that compute their gradients: no gradient array is ever written.

Each kernel performs the same floating-point operations, in the same order, as its
counterpart in :mod:`nnconv.functions` (``tests/test_fit_inplace.py`` checks their bits). The
training step differs from the loop of the public ``forward``, ``cost``, ``backward`` and
``update`` in where the bias, the 1/m and the step size enter the products (see
``_train_step``), so the two agree up to rounding. The products keep the canonical layout of
:mod:`nnconv.layout`: colmajor's are bound as rowmajor's BLAS calls on the same bytes, and
colmajor's ``fit`` stays the bitwise transpose of rowmajor's.

Kernels:

- ``ACTIVATIONS_INTO[name](Z, axis, out) -> A`` writes g(Z) into ``out``, a buffer other than
  Z, or Z itself for the activations in ``IN_PLACE``.
- ``DERIVATIVES_INTO[name](dA, Z, A, axis, out) -> dZ`` writes dA ∘ g'(Z) into ``out``, which
  may be Z itself (Z is not needed once dZ is known: dZ takes its place) but not dA or A,
  except where A is Z.

Both return the array that holds the result, which is ``out`` except for ``linear``, whose
A is Z and whose dZ is dA, as in :mod:`nnconv.functions`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from .blas import Product
from .functions import FUSED, LEAKY_SLOPE, LOSS_DERIVATIVES, LOSSES, check_name, exp_floor
from .types import Array, Params

Order = Literal["C", "F"]
ActivationInto = Callable[[Array, int, Array], Array]
DerivativeInto = Callable[[Array, Array, Array, int, Array], Array]




def in_order(a: npt.ArrayLike, order: Order) -> npt.NDArray[Any]:
    """``a`` in memory order ``order`` ("C" or "F"), as it is when it already is.

    A 2-D array in the other order is copied in blocks of 32 rows (of columns for an F-ordered
    array), so that both sides of each block stay in cache: several times faster than NumPy's
    element-by-element transposing copy of a large array. Copies are exact.
    """
    a = np.asarray(a)
    if a.flags.c_contiguous if order == "C" else a.flags.f_contiguous:
        return a
    out: npt.NDArray[Any] = np.empty_like(a, order=order)
    if a.ndim == 2 and (a.flags.c_contiguous or a.flags.f_contiguous):
        source, target = (a, out) if a.flags.c_contiguous else (a.T, out.T)
        for start in range(0, source.shape[0], 32):
            target[start:start + 32] = source[start:start + 32]
    else:
        np.copyto(out, a)
    return out


def take_examples(a: Array, order: npt.NDArray[np.intp], example_axis: int, out: Array) -> Array:
    """``out`` = the examples of ``a`` (its rows for example_axis 0, its columns for 1) in
    ``order``: one gather of rows on the canonical bytes, the same for both conventions.
    ``order`` is a permutation, so ``mode="clip"`` never clips; it only spares NumPy the
    buffered copy it makes for ``out`` in the default mode."""
    if example_axis == 1:
        a.T.take(order, axis=0, out=out.T, mode="clip")
    else:
        a.take(order, axis=0, out=out, mode="clip")
    return out


# Activations, each the operations of its namesake in nnconv.functions, written into `out`.

def sigmoid(Z: Array, axis: int, out: Array) -> Array:
    """σ(z): E = e^{max(−|z|, floor)}, then 1 / (1 + E) for z ≥ 0 and E / (1 + E) for z < 0."""
    E = np.exp(np.maximum(np.negative(np.abs(Z, out=out), out=out), exp_floor(Z), out=out), out=out)
    one_plus_E = 1 + E
    np.divide(E, one_plus_E, out=out)
    np.divide(1, one_plus_E, out=out, where=Z >= 0)
    return out


def tanh(Z: Array, axis: int, out: Array) -> Array:
    """tanh(z)."""
    return np.tanh(Z, out=out)


def relu(Z: Array, axis: int, out: Array) -> Array:
    """max(0, z)."""
    return np.maximum(Z, 0, out=out)


def leaky_relu(Z: Array, axis: int, out: Array) -> Array:
    """z for z > 0, else 0.01 z."""
    np.multiply(Z, LEAKY_SLOPE, out=out)
    np.copyto(out, Z, where=Z > 0)
    return out


def linear(Z: Array, axis: int, out: Array) -> Array:
    """The identity: A is Z itself, as in :func:`nnconv.functions.linear`."""
    return Z


def softmax(Z: Array, axis: int, out: Array) -> Array:
    """e^{z_j − max z} / Σ_k e^{z_k − max z} along the feature axis, exponents floored as in
    :func:`nnconv.functions.softmax`."""
    shifted = np.subtract(Z, np.maximum.reduce(Z, axis=axis, keepdims=True), out=out)
    E = np.exp(np.maximum(shifted, exp_floor(Z), out=out), out=out)
    E /= np.add.reduce(E, axis=axis, keepdims=True)
    return E


# Derivatives: dZ = dA ∘ g'(Z) written into `out`, which may be Z.

def sigmoid_backward(dA: Array, Z: Array, A: Array, axis: int, out: Array) -> Array:
    """dZ = dA ∘ a (1 − a)."""
    np.multiply(dA, A, out=out)
    out *= 1 - A
    return out


def tanh_backward(dA: Array, Z: Array, A: Array, axis: int, out: Array) -> Array:
    """dZ = dA ∘ (1 − a²)."""
    np.multiply(A, A, out=out)
    np.subtract(1, out, out=out)
    return np.multiply(dA, out, out=out)


def relu_backward(dA: Array, Z: Array, A: Array, axis: int, out: Array) -> Array:
    """dZ = dA where z > 0, else 0.

    The bits of ``np.where(Z > 0, dA, 0)`` (−0.0, inf and NaN in dA included), without
    ``np.where``'s slow element-by-element select: the integer view of dA is and-ed with a
    mask of all ones where z > 0 and all zeros (the bits of +0.0) elsewhere.
    """
    bits = INTEGER_VIEW[out.dtype.char]
    keep = Z > 0  # read before out, which may be Z, is written
    mask = out.view(bits)
    np.negative(keep.view(np.int8), out=mask)  # −1: all ones where z > 0
    np.bitwise_and(dA.view(bits), mask, out=mask)
    return out


def leaky_relu_backward(dA: Array, Z: Array, A: Array, axis: int, out: Array) -> Array:
    """dZ = dA where z > 0, else 0.01 dA."""
    keep = Z > 0  # read before out, which may be Z, is written
    np.multiply(dA, LEAKY_SLOPE, out=out)
    np.copyto(out, dA, where=keep)
    return out


IN_PLACE = frozenset({"linear", "relu", "tanh"})
"""The activations that ``fit`` computes in place, A written over Z: their kernels allow it,
and their derivatives need Z no more once A is known (tanh's is 1 − a², and relu's mask
z > 0 is a > 0). Each saves a buffer, and the memory traffic of writing a second one."""


INTEGER_VIEW: dict[str, np.dtype[Any]] = {"d": np.dtype(np.int64), "f": np.dtype(np.int32)}
"""The integer dtype of float64's and float32's width, to handle their bits (``fit`` computes
in these two dtypes only; nnconv.errors refuses the others)."""


def linear_backward(dA: Array, Z: Array, A: Array, axis: int, out: Array) -> Array:
    """dZ = dA: dA itself, as in :func:`nnconv.functions.linear_backward`."""
    return dA


def softmax_backward(dA: Array, Z: Array, A: Array, axis: int, out: Array) -> Array:
    """dz_j = a_j (da_j − Σ_k da_k a_k) along the feature axis."""
    inner = np.add.reduce(dA * A, axis=axis, keepdims=True)
    np.subtract(dA, inner, out=out)
    return np.multiply(A, out, out=out)


ACTIVATIONS_INTO: dict[str, ActivationInto] = {
    "sigmoid": sigmoid, "tanh": tanh, "relu": relu, "leaky_relu": leaky_relu,
    "linear": linear, "softmax": softmax,
}

DERIVATIVES_INTO: dict[str, DerivativeInto] = {
    "sigmoid": sigmoid_backward, "tanh": tanh_backward, "relu": relu_backward,
    "leaky_relu": leaky_relu_backward, "linear": linear_backward, "softmax": softmax_backward,
}


class Layer:
    """The arrays of layer l for a mini-batch of m examples, in the convention's canonical
    layout: W[l] and b[l] (trained in place), the buffers Z[l], A[l] and dA[l], the kernels
    g[l] and g[l]', the layer before (None for layer 1), the layer's input A_prev (the layer
    before's A, or the mini-batch X for layer 1), dZ (the buffer dZ[l] lands in: Z[l], or dA[l] when g[l] is
    linear and dZ is dA), and four products bound to these arrays and to the step size α/m
    (:class:`nnconv.blas.Product`), in rowmajor's notation:

    - ``forward``:     Z ← A_prev W + Z, Z holding the bias;
    - ``backward``:    dA[l-1] ← dZ Wᵀ (nothing for layer 1: no parameter needs dA[0]);
    - ``update``:      W ← W − (α/m) A_prevᵀ dZ, which is W − α dW;
    - ``update_bias``: b ← b − (α/m) 1ᵀ dZ, which is b − α db (1 a column of m ones).

    Colmajor's are their transposes (Z̃ ← W̃ Ã_prev + Z̃, …), bound as rowmajor's calls on the
    same bytes."""

    __slots__ = ("W", "b", "Z", "A", "dA", "dZ", "activation", "g", "dg", "prev", "A_prev",
                 "forward", "backward", "update", "update_bias")
    backward: Callable[[], None]

    def __init__(self, W: Array, b: Array, Z: Array, A: Array, dA: Array, activation: str,
                 prev: Layer | None, X: Array, example_axis: int, learning_rate: float) -> None:
        self.W, self.b = W, b
        self.Z, self.A, self.dA = Z, A, dA
        self.dZ = dA if activation == "linear" else Z  # where DERIVATIVES_INTO[activation] leaves dZ
        self.activation = activation
        self.g, self.dg = ACTIVATIONS_INTO[activation], DERIVATIVES_INTO[activation]
        self.prev = prev
        self.A_prev = A_prev = X if prev is None else prev.A

        def rowmajor(a: Array) -> Array:
            """The array as rowmajor holds it: the canonical bytes the products are bound to."""
            return a if example_axis == 0 else a.T

        dZ, m = self.dZ, Z.shape[example_axis]
        step = learning_rate / m  # α/m
        self.forward = Product(1.0, rowmajor(A_prev), rowmajor(W), 1.0, rowmajor(Z))
        self.backward = (no_product if prev is None
                         else Product(1.0, rowmajor(dZ), rowmajor(W).T, 0.0, rowmajor(prev.dA)))
        self.update = Product(-step, rowmajor(A_prev).T, rowmajor(dZ), 1.0, rowmajor(W))
        self.update_bias = Product(-step, np.ones((1, m), Z.dtype), rowmajor(dZ), 1.0, rowmajor(b))


def no_product() -> None:
    """Layer 1's ``backward``: dA[0] is not computed, as no parameter needs it."""


class Workspace:
    """Everything ``fit`` trains in, allocated once per call.

    The parameters are copied once, in the convention's canonical layout (C order for
    rowmajor, Fortran order for colmajor: the same bytes), and trained in place by the
    products of :class:`Layer`: the update W ← W − α dW (α the ``learning_rate``) happens
    inside the product that computes α dW. Z[l], A[l] and dA[l] are sized for a full
    mini-batch, and so is the buffer the mini-batches of X and Y are gathered into (when there
    is more than one: one mini-batch is X and Y themselves); :meth:`layers` hands out views of
    their first m examples for the last, smaller one.
    """

    def __init__(
        self,
        X: Array,
        Y: Array,
        params: Params,
        activations: Sequence[str],
        loss: str,
        batch_size: int,
        example_axis: int,
        learning_rate: float,
    ) -> None:
        self.dtype: np.dtype[Any] = X.dtype
        self.learning_rate = learning_rate
        self.example_axis = example_axis
        self.order: Order = "C" if example_axis == 0 else "F"
        self.loss = LOSSES[check_name("loss", loss, LOSSES)]
        self.loss_derivative = LOSS_DERIVATIVES[loss]
        self.fused = (activations[-1], loss) in FUSED
        self.batch_size = batch_size
        one_batch = batch_size >= X.shape[example_axis]
        self._X = X if one_batch else self._buffer(X)
        self._Y = Y if one_batch else self._buffer(Y)
        self.params: Params = {k: np.array(params[k], self.dtype, order=self.order)
                               for l in range(1, len(activations) + 1) for k in (f"W{l}", f"b{l}")}
        self._full: list[Layer] = []
        for l, activation in enumerate(activations, start=1):
            W, b = self.params[f"W{l}"], self.params[f"b{l}"]
            n = W.shape[1 - example_axis]
            shape = (batch_size, n) if example_axis == 0 else (n, batch_size)
            Z = np.empty(shape, self.dtype, order=self.order)
            A = Z if activation in IN_PLACE else np.empty(shape, self.dtype, order=self.order)
            dA = np.empty(shape, self.dtype, order=self.order) if l < len(activations) else Z
            prev = self._full[-1] if self._full else None
            self._full.append(Layer(W, b, Z, A, dA, check_name("activation", activation, ACTIVATIONS_INTO),
                                    prev, self._X, example_axis, learning_rate))
        self._by_size: dict[int, list[Layer]] = {batch_size: self._full}
        self._batches: dict[int, tuple[Array, Array]] = {}

    def gather(self, X: Array, Y: Array, examples: npt.NDArray[np.intp]) -> tuple[Array, Array]:
        """The mini-batch of X and Y made of ``examples`` (indices, at most batch_size), copied
        into the two buffers that every mini-batch reuses (and the first layer reads)."""
        X_batch, Y_batch = self.batch(len(examples))
        return (take_examples(X, examples, self.example_axis, X_batch),
                take_examples(Y, examples, self.example_axis, Y_batch))

    def batch(self, m: int) -> tuple[Array, Array]:
        """The first m examples of the mini-batch buffers of X and Y."""
        batch = self._batches.get(m)
        if batch is None:
            batch = self._batches[m] = (self._head(self._X, m), self._head(self._Y, m))
        return batch

    def _buffer(self, a: Array) -> Array:
        """A buffer for batch_size examples of ``a``, in the canonical layout."""
        shape = list(a.shape)
        shape[self.example_axis] = self.batch_size
        return np.empty(shape, a.dtype, order=self.order)

    def layers(self, m: int) -> list[Layer]:
        """The layers, with Z, A, dA and the mini-batch cut to the first m ≤ batch_size examples."""
        layers = self._by_size.get(m)
        if layers is None:
            layers = []
            for f in self._full:
                prev = layers[-1] if layers else None
                layers.append(Layer(f.W, f.b, self._head(f.Z, m), self._head(f.A, m), self._head(f.dA, m),
                                    f.activation, prev, self.batch(m)[0], self.example_axis, self.learning_rate))
            self._by_size[m] = layers
        return layers

    def _head(self, a: Array, m: int) -> Array:
        """The first m examples of a buffer: still one contiguous block of memory."""
        return a[:m] if self.example_axis == 0 else a[:, :m]

    def check_finite(self, cost: float) -> None:
        """Raise FloatingPointError if the epoch's cost or a parameter is no longer finite.

        The products that update the parameters run in BLAS, outside NumPy's floating-point
        error checks, so a diverging run is caught here, once per epoch, rather than by
        ``np.errstate``."""
        if not (np.isfinite(cost) and all(np.isfinite(p).all() for p in self.params.values())):
            raise FloatingPointError("overflow encountered in training")

    def trained(self) -> Params:
        """The trained parameters, in the canonical layout."""
        return dict(self.params)
