"""Memory layout: how colmajor results become the bitwise transposes of rowmajor ones.

BLAS does not promise the same bits for ``A @ B`` and for the mathematically equal
``(Bᵀ @ Aᵀ)ᵀ``: given transposed operands it picks another kernel and another order of the
additions, and the last bits differ (measured here on about half of all shapes). nnconv makes
the two conventions exact by keeping *one* memory layout for both:

1. A colmajor array X̃ = Xᵀ is held in Fortran order, which is byte for byte the C-ordered
   rowmajor X (:func:`as_colmajor` at the API boundary; :func:`as_rowmajor` makes rowmajor
   inputs C-ordered in the same way).
2. Every colmajor product W̃ Ã goes through :func:`matmul`, which asks BLAS for (Ãᵀ W̃ᵀ)ᵀ:
   exactly the call rowmajor makes for A W, on exactly the same bytes.
3. Elementwise operations are exact in any order, and reductions see the same bytes in the
   same order whichever axis names them, so nothing else needs care.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from .errors import check_transpose
from .types import Array

T = TypeVar("T")


def as_float(a: npt.ArrayLike, like: npt.ArrayLike | None = None) -> Array:
    """``a`` as a NumPy array; integers and booleans become float64, floats keep their dtype.

    With ``like`` (the parameter the array meets), ``a`` takes ``like``'s float dtype instead:
    nnconv computes in the parameters' dtype, so float32 parameters stay float32 whatever the
    data's dtype. The conversion is elementwise and keeps the memory order.
    """
    a = np.asarray(a)
    dtype = a.dtype if like is None else as_float(like).dtype
    if dtype.kind != "f":
        dtype = np.dtype(np.float64)
    return a if a.dtype == dtype else a.astype(dtype)


def as_rowmajor(a: npt.ArrayLike, like: npt.ArrayLike | None = None) -> Array:
    """``a`` as a float array in C order: the canonical layout of a rowmajor array."""
    return np.ascontiguousarray(as_float(a, like))


def as_colmajor(a: npt.ArrayLike, like: npt.ArrayLike | None = None) -> Array:
    """``a`` as a float array in Fortran order: the canonical layout of a colmajor array,
    whose bytes are those of its rowmajor transpose in C order."""
    return np.asfortranarray(as_float(a, like))


# --8<-- [start:matmul]
def matmul(A: Array, B: Array) -> Array:
    """The colmajor product A B, computed as (Bᵀ Aᵀ)ᵀ.

    On colmajor (Fortran-ordered) operands, Bᵀ and Aᵀ are the C-ordered rowmajor arrays, so
    BLAS receives the same call on the same bytes as rowmajor's product and returns the same
    bits. ``matmul(W, A_prev)`` is rowmajor's ``A_prev @ W``, transposed, exactly.
    """
    return (B.T @ A.T).T
# --8<-- [end:matmul]


def transpose(obj: T) -> T:
    """The involution between the conventions: what one convention holds, as the other holds it.

    Arrays are transposed (a 2-D array becomes its ``.T`` view: no copy, and the view has the
    other convention's canonical layout); dicts, lists, tuples and the caches
    (:class:`LayerCache`, :class:`~nnconv.types.BatchNormCache`,
    :class:`~nnconv.types.LayerNormCache`) are transposed item by item; 1-D arrays (such as
    class labels), scalars, booleans and strings are returned as they are.
    ``transpose(transpose(x))`` equals ``x``. Arrays of more than two dimensions raise
    :class:`~nnconv.ShapeError`.
    """
    check_transpose(obj)
    if isinstance(obj, np.ndarray):
        return obj.T if obj.ndim == 2 else obj
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # LayerCache and the other caches
        return type(obj)(*(transpose(a) for a in obj))
    if isinstance(obj, Mapping):
        return type(obj)({k: transpose(v) for k, v in obj.items()})  # type: ignore[call-arg]
    if isinstance(obj, (list, tuple)):
        return type(obj)(transpose(v) for v in obj)
    return obj


