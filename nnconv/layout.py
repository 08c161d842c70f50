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

import numbers
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from .errors import check_transpose, converted
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


def same(obj: T) -> T:
    """The identity: what rowmajor holds, as rowmajor holds it (``transpose``'s counterpart when
    code picks one of the two by convention)."""
    return obj


def transpose(obj: T) -> T:
    """The involution between the conventions: what one convention holds, as the other holds it.

    Arrays are transposed (a 2-D array becomes its ``.T`` view: no copy, and the view has the
    other convention's canonical layout); other 2-D data (a list of lists of numbers, a pandas
    DataFrame, a torch tensor) is converted with ``np.asarray`` and transposed the same way,
    so the result is an ndarray. Dicts, lists, tuples, named tuples and the caches
    (:class:`LayerCache`, :class:`~nnconv.types.BatchNormCache`,
    :class:`~nnconv.types.LayerNormCache`) are transposed item by item; 1-D data (such as
    class labels), scalars, booleans and strings are returned as they are.
    ``transpose(transpose(x))`` equals ``x`` for arrays and containers of them. Arrays of
    more than two dimensions raise :class:`~nnconv.ShapeError`, ragged lists and containers
    that cannot be rebuilt a ValueError.
    """
    check_transpose(obj)
    if isinstance(obj, np.ndarray):
        return obj.T if obj.ndim == 2 else obj
    if isinstance(obj, Mapping):
        return rebuilt(obj, {k: transpose(v) for k, v in obj.items()})
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # a named tuple, such as LayerCache
        return type(obj)(*(transpose(v) for v in obj))
    if array_data(obj):
        data = converted("nnconv.transpose", "the data", obj)
        check_transpose(data)
        return data.T if data.ndim == 2 else obj  # type: ignore[return-value]
    if isinstance(obj, (list, tuple)):
        return rebuilt(obj, [transpose(v) for v in obj])
    return obj


def array_data(obj: object) -> bool:
    """True for array data other than an ndarray: what NumPy converts through the array
    protocol (a DataFrame, a tensor), and a list whose items are all lists of numbers (a
    matrix written as nested lists, its rows lists or tuples). A tuple, such as the arguments of
    a call, and a list of arrays are containers."""
    if any(hasattr(obj, protocol) for protocol in ("__array__", "__array_interface__", "__array_struct__")):
        return True
    return isinstance(obj, list) and len(obj) > 0 and all(
        isinstance(row, (list, tuple)) and not hasattr(row, "_fields")
        and all(isinstance(x, numbers.Number) for x in row) for row in obj)


def rebuilt(container: T, items: Any) -> T:
    """A container of ``container``'s type holding ``items`` (a dict or a list)."""
    if isinstance(container, defaultdict):
        return defaultdict(container.default_factory, items)  # type: ignore[return-value]
    try:
        return type(container)(items)  # type: ignore[call-arg]
    except Exception as error:
        plain = "dict" if isinstance(items, dict) else "list"
        raise ValueError(f"nnconv.transpose: cannot rebuild the {type(container).__name__} from the "
                         f"transposed items ({type(error).__name__}: {error}); pass {plain}(obj) "
                         "instead") from error
