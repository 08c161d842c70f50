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

- ``draw_mask`` and ``dropout``: inverted dropout's mask D = (U < keep_prob) and A ∘ D / keep_prob.
- ``STEPS_INTO[name](θ, g, state, T, learning_rate)``: momentum, RMSprop and Adam on flat
  buffers, the operations of their namesakes in :mod:`nnconv.optim` in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from .blas import Product
from .functions import FUSED, LEAKY_SLOPE, LOSS_DERIVATIVES, LOSSES, check_name, exp_floor
from .optim import STATE_KEYS
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
    layout: W[l] and b[l], the buffers Z[l], A[l] and dA[l], the kernels g[l] and g[l]', the
    layer before (None for layer 1), the layer's input A_prev (the layer before's ``out``, or
    the mini-batch X for layer 1), dZ (the buffer dZ[l] lands in: Z[l], or dA[l] when g[l] is
    linear and dZ is dA), ``out`` (what the next layer reads: A[l], or its dropped-out copy),
    the dropout buffers (``mask`` and ``draw``, None without dropout), and four products bound
    to these arrays (:class:`nnconv.blas.Product`), in rowmajor's notation:

    - ``forward``:     Z ← A_prev W + Z, Z holding the bias;
    - ``backward``:    dA[l-1] ← dZ Wᵀ (nothing for layer 1: no parameter needs dA[0]);
    - ``update``:      C_W ← scale A_prevᵀ dZ + beta_W C_W;
    - ``update_bias``: C_b ← scale 1ᵀ dZ + beta_b C_b (1 a column of m ones),

    where ``target`` = (C_W, C_b, scale, beta_W, beta_b) comes from :meth:`Workspace.target`:
    W and b themselves for gradient descent (scale = −α/m, beta_W = 1 − αλ/m, beta_b = 1: the
    update happens inside the product), or the gradient buffers dW, db of the optimizers that
    keep a state (scale = 1/m, betas 0).

    Colmajor's products are their transposes (Z̃ ← W̃ Ã_prev + Z̃, …), bound as rowmajor's
    calls on the same bytes."""

    __slots__ = ("W", "b", "Z", "A", "dA", "dZ", "out", "mask", "draw", "activation", "g", "dg", "prev",
                 "A_prev", "forward", "backward", "update", "update_bias")
    backward: Callable[[], None]

    def __init__(self, W: Array, b: Array, Z: Array, A: Array, dA: Array, activation: str,
                 prev: Layer | None, X: Array, example_axis: int, target: Target,
                 dropout: tuple[Array, Array, Array] | None = None) -> None:
        self.W, self.b = W, b
        self.Z, self.A, self.dA = Z, A, dA
        self.dZ = dA if activation == "linear" else Z  # where DERIVATIVES_INTO[activation] leaves dZ
        self.out: Array = A
        self.mask: Array | None = None
        self.draw: Array | None = None
        if dropout is not None:
            self.out, self.mask, self.draw = dropout
        self.activation = activation
        self.g, self.dg = ACTIVATIONS_INTO[activation], DERIVATIVES_INTO[activation]
        self.prev = prev
        self.A_prev = A_prev = X if prev is None else prev.out

        def rowmajor(a: Array) -> Array:
            """The array as rowmajor holds it: the canonical bytes the products are bound to."""
            return a if example_axis == 0 else a.T

        dZ, m = self.dZ, Z.shape[example_axis]
        C_W, C_b, scale, beta_W, beta_b = target
        self.forward = Product(1.0, rowmajor(A_prev), rowmajor(W), 1.0, rowmajor(Z))
        self.backward = (no_product if prev is None
                         else Product(1.0, rowmajor(dZ), rowmajor(W).T, 0.0, rowmajor(prev.dA)))
        self.update = Product(scale, rowmajor(A_prev).T, rowmajor(dZ), beta_W, rowmajor(C_W))
        self.update_bias = Product(scale, np.ones((1, m), Z.dtype), rowmajor(dZ), beta_b, rowmajor(C_b))


class Target(NamedTuple):
    """Where a layer's gradient products write, and how: C_W ← scale A_prevᵀ dZ + beta_W C_W
    and C_b ← scale 1ᵀ dZ + beta_b C_b (rowmajor's notation)."""

    C_W: Array
    C_b: Array
    scale: float
    beta_W: float
    beta_b: float


def no_product() -> None:
    """Layer 1's ``backward``: dA[0] is not computed, as no parameter needs it."""


# Inverted dropout, in place: D = (U < keep_prob) with U uniform on [0, 1), then A ∘ D / keep_prob.

def dropout(A: Array, mask: Array, keep_prob: float, out: Array) -> Array:
    """``out`` = A ∘ D / keep_prob, D the mask (1.0 where kept, 0.0 where dropped) already in
    ``mask``: the operations of ``A * mask / keep_prob`` with a boolean mask."""
    np.multiply(A, mask, out=out)
    return np.divide(out, keep_prob, out=out)


def draw_mask(rng: np.random.Generator, draw: Array, keep_prob: float, mask: Array, example_axis: int) -> Array:
    """``mask`` = (U < keep_prob) as 1.0 and 0.0, U uniform on [0, 1) drawn into the float64
    buffer ``draw`` as ``rng.random((m, n_l))`` draws it, in rowmajor's orientation: colmajor's
    U is rowmajor's, transposed, bit for bit. ``mask`` may be ``draw`` itself."""
    rng.random(out=draw if example_axis == 0 else draw.T)
    return np.less(draw, keep_prob, out=mask)


# The optimizers that keep a state, in place on flat buffers: θ (every parameter), g (their
# gradients, spent by the step), the state's buffers and a scratch buffer T of θ's size. Each
# performs the operations of its namesake in nnconv.optim, in the same order: given the same
# gradients it gives the same bits, without allocating.

def momentum_into(theta: Array, g: Array, state: dict[str, Any], T: Array, learning_rate: float,
                  beta: float = 0.9, form: str = "ema") -> None:
    """v ← βv + (1 − β)g (``form="ema"``) or v ← βv + g (``"sum"``); θ ← θ − αv."""
    v = state["v"]
    v *= beta
    if form == "ema":
        g *= 1 - beta
    v += g
    theta -= np.multiply(v, learning_rate, out=T)


def rmsprop_into(theta: Array, g: Array, state: dict[str, Any], T: Array, learning_rate: float,
                 beta: float = 0.99, epsilon: float = 1e-8) -> None:
    """s ← βs + (1 − β)g²; θ ← θ − αg / (√s + ε)."""
    s = state["s"]
    s *= beta
    np.multiply(g, g, out=T)
    T *= 1 - beta
    s += T
    g *= learning_rate
    np.sqrt(s, out=T)
    T += epsilon
    theta -= np.divide(g, T, out=T)


def adam_into(theta: Array, g: Array, state: dict[str, Any], T: Array, learning_rate: float,
              beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8) -> None:
    """t ← t + 1; v ← β₁v + (1 − β₁)g; s ← β₂s + (1 − β₂)g²;
    θ ← θ − α v̂ / (√ŝ + ε) with v̂ = v / (1 − β₁ᵗ), ŝ = s / (1 − β₂ᵗ)."""
    v, s = state["v"], state["s"]
    state["t"] = t = state["t"] + 1
    v *= beta1
    v += np.multiply(g, 1 - beta1, out=T)
    s *= beta2
    np.multiply(g, g, out=T)
    T *= 1 - beta2
    s += T
    np.divide(s, 1 - beta2**t, out=T)                   # ŝ
    np.sqrt(T, out=T)
    T += epsilon                                        # √ŝ + ε
    np.divide(v, 1 - beta1**t, out=g)                   # v̂
    g *= learning_rate
    theta -= np.divide(g, T, out=T)


STEPS_INTO: dict[str, Callable[..., None]] = {"momentum": momentum_into, "rmsprop": rmsprop_into, "adam": adam_into}
"""The in-place step of each optimizer that keeps a state (gradient descent has none: its
update happens inside the gradient products)."""


class Workspace:
    """Everything ``fit`` trains in, allocated once per call.

    The parameters are copied once into one flat buffer θ, weights first and then biases, each
    in the convention's canonical layout (C order for rowmajor, Fortran order for colmajor: the
    same bytes), and trained in place. With gradient descent the update
    W ← W − α dW happens inside the products that compute α dW (:class:`Layer`), and the L2
    term rides on the product's β: W ← (1 − αλ/m) W − (α/m) A_prevᵀ dZ. The optimizers that
    keep a state (:data:`STEPS_INTO`) have the products write dW and db into a flat gradient
    buffer of θ's size, and step on θ with a few in-place passes over the flat buffers: one
    call per operation for the whole network, whatever its depth, and no allocation.

    Z[l], A[l], dA[l] (and, with dropout, the mask and the dropped-out A[l] of each hidden
    layer) are sized for a full mini-batch, and so is the buffer the mini-batches of X and Y
    are gathered into (when there is more than one: one mini-batch is X and Y themselves);
    :meth:`layers` hands out views of their first m examples for the last, smaller one.
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
        optimizer: str = "sgd",
        l2: float = 0.0,
        keep_prob: float = 1.0,
        rng: np.random.Generator | None = None,
    ) -> None:
        self.dtype: np.dtype[Any] = X.dtype
        self.learning_rate = learning_rate
        self.example_axis = example_axis
        self.order: Order = "C" if example_axis == 0 else "F"
        self.loss = LOSSES[check_name("loss", loss, LOSSES)]
        self.loss_derivative = LOSS_DERIVATIVES[loss]
        self.fused = (activations[-1], loss) in FUSED
        self.batch_size = batch_size
        self.optimizer = check_name("optimizer", optimizer, {"sgd": None, **STEPS_INTO})
        self.l2, self.keep_prob = l2, keep_prob
        self.rng = np.random.default_rng() if rng is None else rng
        one_batch = batch_size >= X.shape[example_axis]
        self._X = X if one_batch else self._buffer(X)
        self._Y = Y if one_batch else self._buffer(Y)
        L = len(activations)
        weights_first = [f"W{l}" for l in range(1, L + 1)] + [f"b{l}" for l in range(1, L + 1)]
        shapes = {k: np.shape(params[k]) for k in weights_first}
        sizes = [int(np.prod(shape)) for shape in shapes.values()]
        self.n_weights = sum(sizes[:L])
        self.theta = np.empty(sum(sizes), self.dtype)   # θ: every parameter, weights first
        self.params = self._views(self.theta, shapes, L)
        for k, W in self.params.items():
            np.copyto(W, params[k])
        self.grads: Params = {}
        self.state: dict[str, Any] = {}
        if self.optimizer != "sgd":
            self.gradient = np.zeros_like(self.theta)
            self.scratch = np.empty_like(self.theta)
            self.grads = {f"d{k}": W for k, W in self._views(self.gradient, shapes, L).items()}
            self.state = {key: 0 if key == "t" else np.zeros_like(self.theta) for key in STATE_KEYS[self.optimizer]}
        self._buffers: list[tuple[Array, ...]] = []  # per layer: Z, A, dA, and with dropout out, mask, draw
        for l, activation in enumerate(activations, start=1):
            check_name("activation", activation, ACTIVATIONS_INTO)
            n = self.params[f"W{l}"].shape[1 - example_axis]
            Z = self._empty(n)
            A = Z if activation in IN_PLACE else self._empty(n)
            dA = self._empty(n) if l < L else Z
            buffers: tuple[Array, ...] = (Z, A, dA)
            if l < L and keep_prob < 1:
                draw = self._empty(n, np.float64)
                mask = draw if self.dtype == np.float64 else self._empty(n)
                buffers += (self._empty(n), mask, draw)
            self._buffers.append(buffers)
        self._activations = list(activations)
        self._by_size: dict[int, list[Layer]] = {}
        self._batches: dict[int, tuple[Array, Array]] = {}

    def _views(self, flat: Array, shapes: dict[str, tuple[int, ...]], L: int) -> Params:
        """The parameters' places in ``flat`` (packed in the order of ``shapes``), each holding
        its bytes as rowmajor does, in the order W1, b1, …, WL, bL."""
        views: Params = {}
        offset = 0
        for k, shape in shapes.items():
            rowmajor_shape = shape if self.example_axis == 0 else shape[::-1]
            view = flat[offset:offset + int(np.prod(shape))].reshape(rowmajor_shape)
            views[k] = view if self.example_axis == 0 else view.T
            offset += view.size
        return {k: views[k] for l in range(1, L + 1) for k in (f"W{l}", f"b{l}")}

    def _empty(self, n: int, dtype: npt.DTypeLike | None = None) -> Array:
        """A buffer for n units of a full mini-batch, in the canonical layout."""
        shape = (self.batch_size, n) if self.example_axis == 0 else (n, self.batch_size)
        return np.empty(shape, self.dtype if dtype is None else dtype, order=self.order)

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
        """The layers, with their buffers and the mini-batch cut to the first m ≤ batch_size
        examples, and their products bound to them."""
        layers = self._by_size.get(m)
        if layers is None:
            layers = []
            for l, (activation, buffers) in enumerate(zip(self._activations, self._buffers, strict=True), start=1):
                Z, A, dA, *dropout = [self._head(a, m) for a in buffers]  # dropout: out, mask, draw
                prev = layers[-1] if layers else None
                layers.append(Layer(self.params[f"W{l}"], self.params[f"b{l}"], Z, A, dA, activation, prev,
                                    self.batch(m)[0], self.example_axis, self.target(l, m),
                                    (dropout[0], dropout[1], dropout[2]) if dropout else None))
            self._by_size[m] = layers
        return layers

    def target(self, l: int, m: int) -> Target:
        """Where layer l's gradient products write for a mini-batch of m examples: into W and b
        for gradient descent, W ← (1 − αλ/m) W − (α/m) A_prevᵀ dZ and b ← b − (α/m) 1ᵀ dZ;
        into the gradient buffers otherwise, dW ← (1/m) A_prevᵀ dZ and db ← (1/m) 1ᵀ dZ."""
        alpha = self.learning_rate
        if self.optimizer == "sgd":
            return Target(self.params[f"W{l}"], self.params[f"b{l}"], -alpha / m, 1.0 - alpha * self.l2 / m, 1.0)
        return Target(self.grads[f"dW{l}"], self.grads[f"db{l}"], 1.0 / m, 0.0, 0.0)

    def dropout(self, layer: Layer, A: Array) -> Array:
        """Inverted dropout on a hidden layer's A: D = (U < keep_prob), U drawn from fit's
        generator as ``rng.random((m, n_l))`` in rowmajor's orientation, then
        ``layer.out`` = A ∘ D / keep_prob, what the next layer reads."""
        assert layer.mask is not None and layer.draw is not None
        draw_mask(self.rng, layer.draw, self.keep_prob, layer.mask, self.example_axis)
        return dropout(A, layer.mask, self.keep_prob, layer.out)

    def dropout_backward(self, layer: Layer) -> Array:
        """dA ← dA ∘ D / keep_prob, in place: the gradient reaches only the units kept."""
        assert layer.mask is not None
        return dropout(layer.dA, layer.mask, self.keep_prob, layer.dA)

    def squared_weights(self) -> float:
        """Σ_l ‖W[l]‖², the weights being the first entries of θ: one dot product."""
        weights = self.theta[:self.n_weights]
        return float(np.dot(weights, weights))

    def optimizer_step(self, m: int) -> None:
        """The step of an optimizer that keeps a state, once the backward pass has written dW
        and db into the gradient buffer: first dW[l] += (λ/m) W[l] (L2, weights only), then
        :data:`STEPS_INTO`'s update of θ. Nothing for gradient descent, already done."""
        if self.optimizer == "sgd":
            return
        theta, g, T = self.theta, self.gradient, self.scratch
        if self.l2:
            w = slice(0, self.n_weights)
            g[w] += np.multiply(theta[w], self.l2 / m, out=T[w])
        STEPS_INTO[self.optimizer](theta, g, self.state, T, self.learning_rate)

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
