"""C ← α A B + β C: the general matrix product of BLAS (gemm), from the BLAS NumPy itself calls.

``np.matmul`` computes C = A B only (β = 0). A training step gains from β = 1 twice per layer:

- Z ← A_prev W + Z, with Z already holding the bias in every row, adds the bias inside the
  product instead of in a separate pass over Z;
- W ← W − A_prevᵀ dZ (dZ already scaled by α/m) is the update fused into the product that
  computes the gradient: no dW array is written and read back, and no pass over the
  parameters remains.

:class:`Product` binds such a product to its arrays once (``fit``'s buffers never move), so a
call costs what a call of ``np.matmul`` costs. It calls the ``cblas_?gemm`` of the OpenBLAS
that NumPy's wheels ship (the library that serves ``np.matmul``: the same kernels, the same
threads) when that library is found and passes a check against ``np.matmul`` at import.
Elsewhere (a NumPy built on another BLAS) it computes the same with ``np.matmul`` and a
buffer: slower, never different in kind. Either way the same call on the same bytes gives the
same bits, which is all the two conventions need (:mod:`nnconv.layout`).
"""

from __future__ import annotations

import ctypes
import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .types import Array

ROW_MAJOR, NO_TRANS, TRANS = 101, 111, 112
"""The CBLAS enums: CblasRowMajor, CblasNoTrans, CblasTrans."""

GEMM_SYMBOLS = [("scipy_cblas_{}gemm64_", ctypes.c_int64), ("cblas_{}gemm64_", ctypes.c_int64)]
"""The names of cblas_?gemm in NumPy's OpenBLAS (NumPy 2 wheels, then NumPy 1.26 wheels), with
the integer type of their 64-bit-integer interface. Unsuffixed names are not tried: their
integer width cannot be known."""


def numpy_gemm() -> dict[str, Callable[..., None]]:
    """cblas_sgemm and cblas_dgemm of the OpenBLAS beside NumPy, by dtype char ("f", "d"), or
    {} when there is none (or when ``NNCONV_NUMPY_GEMM=0`` asks for the NumPy fallback)."""
    if os.environ.get("NNCONV_NUMPY_GEMM") == "0":
        return {}
    numpy_dir = Path(np.__file__).parent
    candidates = [*numpy_dir.parent.glob("numpy.libs/*openblas*"), *numpy_dir.glob(".libs/*openblas*"),
                  *numpy_dir.glob(".dylibs/*openblas*")]  # Linux and Windows wheels; macOS wheels
    for library in sorted(candidates):
        try:
            blas = ctypes.CDLL(str(library))
        except OSError:
            continue
        for template, integer in GEMM_SYMBOLS:
            names = {"f": template.format("s"), "d": template.format("d")}
            if not all(hasattr(blas, name) for name in names.values()):
                continue
            functions = {}
            for char, name in names.items():
                f = getattr(blas, name)
                real = ctypes.c_float if char == "f" else ctypes.c_double
                f.restype = None
                f.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, integer, integer, integer, real,
                              ctypes.c_void_p, integer, ctypes.c_void_p, integer, real, ctypes.c_void_p, integer]
                functions[char] = f
            return functions if agrees_with_matmul(functions) else {}
    return {}


def agrees_with_matmul(gemm: dict[str, Callable[..., None]]) -> bool:
    """Whether ``gemm`` gives ``np.matmul``'s bits on a few products with every transposition:
    the check that the library found is the one NumPy calls, called the right way."""
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64):
        for transpose_A in (False, True):
            for transpose_B in (False, True):
                A: Array = rng.standard_normal((37, 13) if transpose_A else (13, 37)).astype(dtype)
                B: Array = rng.standard_normal((21, 37) if transpose_B else (37, 21)).astype(dtype)
                A, B = (A.T if transpose_A else A), (B.T if transpose_B else B)
                C = np.full((13, 21), np.nan, dtype)
                Product(1.0, A, B, 0.0, C, gemm)()
                if not np.array_equal(C, A @ B):
                    return False
    return True


@functools.lru_cache(maxsize=512)
def ctypes_value(kind: type, value: float) -> Any:
    """The ctypes object of ``kind`` holding ``value``, shared by the products that pass it
    (sizes, flags, α and β recur): a training workspace holds a few of them, not hundreds."""
    return kind(value)


def operand(a: Array) -> tuple[int, int]:
    """(transposition, leading dimension) of a 2-D operand as row-major BLAS reads it: a
    C-contiguous array as it is, a Fortran-contiguous one (the transpose of a C-contiguous
    array) as transposed."""
    if a.flags.c_contiguous:
        return NO_TRANS, max(1, a.shape[1])
    if a.flags.f_contiguous:
        return TRANS, max(1, a.shape[0])
    raise ValueError("a BLAS operand must be C- or Fortran-contiguous")


class Product:
    """C ← α A B + β C, bound to the arrays A (M, K), B (K, N) and C (M, N), each of a float
    dtype shared by all three: call it to compute. A and B may be C- or Fortran-contiguous;
    C is C-contiguous and overlaps neither. The arrays are held, so their memory stays valid."""

    __slots__ = ("A", "B", "C", "alpha", "beta", "_call", "_buffer")

    def __init__(self, alpha: float, A: Array, B: Array, beta: float, C: Array,
                 gemm: dict[str, Callable[..., None]] | None = None) -> None:
        gemm = GEMM if gemm is None else gemm
        (M, K), (K_B, N) = A.shape, B.shape
        if K != K_B or C.shape != (M, N) or not A.dtype == B.dtype == C.dtype:
            raise ValueError(f"cannot compute {C.shape} ← {A.shape} {B.shape} in {A.dtype}, {B.dtype}, {C.dtype}")
        if not C.flags.c_contiguous or np.shares_memory(C, A) or np.shares_memory(C, B):
            raise ValueError("C must be C-contiguous and overlap neither A nor B")
        self.A, self.B, self.C, self.alpha, self.beta = A, B, C, alpha, beta
        self._call: Callable[[], None] | None = None
        self._buffer: Array | None = None
        f = gemm.get(C.dtype.char)
        if f is None:
            self._buffer = np.empty_like(C)
            return
        (trans_A, lda), (trans_B, ldb) = operand(A), operand(B)
        # the argument conversions, done once: a call then costs what np.matmul's does
        flag, integer, real, pointer = f.argtypes[0], f.argtypes[3], f.argtypes[6], ctypes.c_void_p  # type: ignore[attr-defined]
        args = (ctypes_value(flag, ROW_MAJOR), ctypes_value(flag, trans_A), ctypes_value(flag, trans_B),
                ctypes_value(integer, M), ctypes_value(integer, N), ctypes_value(integer, K),
                ctypes_value(real, alpha), pointer(A.ctypes.data), ctypes_value(integer, lda),
                pointer(B.ctypes.data), ctypes_value(integer, ldb), ctypes_value(real, beta),
                pointer(C.ctypes.data), ctypes_value(integer, max(1, N)))
        self._call = lambda: f(*args)

    def __call__(self) -> None:
        """Compute C ← α A B + β C, in place."""
        if self._call is not None:
            self._call()
            return
        assert self._buffer is not None
        product = np.matmul(self.A, self.B, out=self._buffer)
        if self.alpha != 1:
            product *= self.alpha
        if self.beta == 0:
            np.copyto(self.C, product)
        else:
            if self.beta != 1:
                self.C *= self.beta
            self.C += product


GEMM: dict[str, Callable[..., None]] = {}
GEMM.update(numpy_gemm())
"""cblas_sgemm and cblas_dgemm of NumPy's OpenBLAS by dtype char, or {} (the NumPy fallback)."""
