"""The parts of training that are the same in both conventions: drawing weights, the
gradient-descent update, drawing dropout masks and the progress bar."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from .layout import as_float
from .types import Array, Params

INIT_METHODS = ("he", "xavier", "normal")


def init_weight(
    rng: np.random.Generator, n_prev: int, n: int, method: str, dtype: npt.DTypeLike
) -> Array:
    """A weight matrix of shape (n_prev, n) with entries N(0, σ²), drawn row by row in C order.

    σ = √(2/n_prev) for ``"he"`` (He et al. 2015, for ReLU layers), √(1/n_prev) for
    ``"xavier"`` (as in deeplearning.ai; suits tanh), 0.01 for ``"normal"``. colmajor takes
    the transpose of the same draw, so both conventions hold the same numbers.
    """
    if method == "he":
        scale = np.sqrt(2 / n_prev)
    elif method == "xavier":
        scale = np.sqrt(1 / n_prev)
    elif method == "normal":
        scale = 0.01
    else:
        valid = ", ".join(repr(k) for k in INIT_METHODS)
        raise ValueError(f"init_params: unknown method {method!r}; valid: {valid}")
    dtype = np.dtype(dtype)
    W: Array = rng.standard_normal((n_prev, n), dtype=dtype) * dtype.type(scale)  # type: ignore[arg-type,operator]
    return W


# --8<-- [start:update]
def update(params: Params, grads: Params, learning_rate: float) -> Params:
    """One step of gradient descent, W[l] ← W[l] − α dW[l] and b[l] ← b[l] − α db[l].

    Pure: returns new arrays and leaves ``params`` as it was. The same in both conventions
    (dW has W's shape in each). Gradients are taken in the parameters' dtype.
    """
    alpha = float(learning_rate)  # a Python float keeps float32 arrays float32
    return {key: W - alpha * as_float(grads[f"d{key}"], like=W) for key, W in params.items()}
# --8<-- [end:update]


# --8<-- [start:dropout_mask]
def dropout_mask(rng: np.random.Generator, m: int, n: int, keep_prob: float) -> npt.NDArray[np.bool_]:
    """The dropout mask of m examples of n units, (m, n) in rowmajor's orientation: True (kept)
    with probability ``keep_prob``, independently for each entry.

    One uniform draw per entry in C order, kept where it is below ``keep_prob``; colmajor
    takes the transpose of the same draw, so both conventions drop the same units.
    """
    mask: npt.NDArray[np.bool_] = rng.random((m, n)) < keep_prob
    return mask
# --8<-- [end:dropout_mask]


def output_loss(activation: str) -> str:
    """The loss that goes with an output activation: sigmoid → bce, softmax → ce, else mse."""
    return {"sigmoid": "bce", "softmax": "ce"}.get(activation, "mse")


def epochs_with_progress(epochs: int, history: list[float], progress: bool) -> Iterator[int]:
    """``range(epochs)``, shown as a tqdm progress bar with the last cost when ``progress``."""
    if not progress:
        yield from range(epochs)
        return
    try:
        from tqdm.auto import tqdm
    except ImportError as error:  # pragma: no cover - tqdm is in every extra
        raise ImportError("fit(progress=True) needs tqdm: pip install 'nnconv[progress]'") from error
    bar: Any = tqdm(range(epochs), desc="fit", unit="epoch")
    for epoch in bar:
        yield epoch
        if history:
            bar.set_postfix(cost=f"{history[-1]:.4f}")
