"""nnconv.blas.Product computes C ← α A B + β C, from NumPy's own BLAS or from its NumPy fallback.

- with NumPy's OpenBLAS, α = 1, β = 0 gives np.matmul's bits, for every transposition;
- every α, β and transposition agrees with the NumPy expression, in float32 and float64, and
  the NumPy fallback agrees with the BLAS call;
- fit through the fallback is still the bitwise transpose across conventions;
- bad operands are refused.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_fit_inplace import problem

from nnconv import blas
from nnconv import colmajor as C
from nnconv import rowmajor as R

NUMPY_OPENBLAS = any(Path(np.__file__).parent.parent.glob("numpy.libs/*openblas*"))


@pytest.mark.skipif(not NUMPY_OPENBLAS, reason="this NumPy has no OpenBLAS of its own beside it")
def test_numpy_openblas_is_found_and_used() -> None:
    assert set(blas.GEMM) == {"f", "d"}


def operands(rng: np.random.Generator, M: int, K: int, N: int, dtype: type, transpose_A: bool,
             transpose_B: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    A = rng.standard_normal((K, M) if transpose_A else (M, K)).astype(dtype)
    B = rng.standard_normal((N, K) if transpose_B else (K, N)).astype(dtype)
    return (A.T if transpose_A else A), (B.T if transpose_B else B), rng.standard_normal((M, N)).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("transpose_A", [False, True])
@pytest.mark.parametrize("transpose_B", [False, True])
def test_alpha_1_beta_0_is_matmul_bit_for_bit(dtype: type, transpose_A: bool, transpose_B: bool) -> None:
    A, B, C = operands(np.random.default_rng(1), 70, 129, 33, dtype, transpose_A, transpose_B)
    blas.Product(1.0, A, B, 0.0, C)()
    assert np.array_equal(C, A @ B)


@given(M=st.integers(1, 40), K=st.integers(1, 40), N=st.integers(1, 40), transpose_A=st.booleans(),
       transpose_B=st.booleans(), alpha=st.sampled_from([1.0, -1.0, 0.37, -2.5e-3]),
       beta=st.sampled_from([0.0, 1.0, -0.5]), dtype=st.sampled_from([np.float32, np.float64]),
       seed=st.integers(0, 2**16))
def test_product_is_alpha_A_B_plus_beta_C(M: int, K: int, N: int, transpose_A: bool, transpose_B: bool,
                                         alpha: float, beta: float, dtype: type, seed: int) -> None:
    A, B, C0 = operands(np.random.default_rng(seed), M, K, N, dtype, transpose_A, transpose_B)
    expected = alpha * (A.astype(np.float64) @ B.astype(np.float64)) + beta * C0.astype(np.float64)
    tolerance = {np.float32: 1e-4, np.float64: 1e-12}[dtype] * (1 + np.abs(A).max() * np.abs(B).max() * K)
    for gemm in (blas.GEMM, {}):  # the BLAS call and the NumPy fallback
        C = C0.copy()
        blas.Product(alpha, A, B, beta, C, gemm)()
        assert C.dtype == dtype
        np.testing.assert_allclose(C, expected, rtol=0, atol=tolerance)


def test_fit_through_the_numpy_fallback_is_still_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blas, "GEMM", {})
    X, Y, P, acts = problem(["relu", "tanh"], "softmax", "ce", np.float64)
    kw = {"loss": "ce", "learning_rate": 0.1, "epochs": 2, "batch_size": 7, "seed": 3}
    trained_r, history_r = R.fit(X, Y, P, acts, **kw)
    trained_c, history_c = C.fit(X.T, Y.T, {k: v.T for k, v in P.items()}, acts, **kw)
    assert history_r == history_c
    for k in trained_r:
        assert np.array_equal(trained_c[k], trained_r[k].T)
    monkeypatch.undo()
    with_blas, _ = R.fit(X, Y, P, acts, **kw)
    for k in trained_r:
        np.testing.assert_allclose(trained_r[k], with_blas[k], rtol=1e-12, atol=1e-14)


def test_bad_operands_are_refused() -> None:
    A, B, C = np.ones((3, 4)), np.ones((4, 5)), np.ones((3, 5))
    with pytest.raises(ValueError, match="cannot compute"):
        blas.Product(1.0, A, B.T, 0.0, C)
    with pytest.raises(ValueError, match="cannot compute"):
        blas.Product(1.0, A, B, 0.0, C.astype(np.float32))
    with pytest.raises(ValueError, match="C-contiguous"):
        blas.Product(1.0, A, B, 0.0, np.ones((5, 3)).T)
    with pytest.raises(ValueError, match="overlap"):
        blas.Product(1.0, np.ones((3, 3)), A, 0.0, A)
    with pytest.raises(ValueError, match="contiguous"):
        blas.Product(1.0, np.ones((3, 8))[:, ::2], B, 0.0, C)
