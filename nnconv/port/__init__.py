"""Porting: NumPy code between the conventions, trained weights between frameworks.

- :func:`translate` rewrites NumPy source written in one convention for the other, so that
  every 2-D array it handles holds the transpose of what it held (rules in
  :mod:`nnconv.port.translator`); :func:`check` runs the original and the translation on
  random inputs and compares.
- :func:`from_torch`, :func:`to_torch`, :func:`from_sklearn`, :func:`from_keras` and
  :func:`to_keras` move trained weights between nnconv's parameter dicts and PyTorch,
  scikit-learn and Keras (:mod:`nnconv.port.frameworks`).

Importing this package imports neither libcst, torch nor scikit-learn: each function
imports what it needs when it is called.
"""

from __future__ import annotations

from collections.abc import Iterable

from .check import FunctionCheck, check
from .errors import TranslationError
from .frameworks import from_keras, from_sklearn, from_torch, to_keras, to_torch

__all__ = [
    "FunctionCheck", "TranslationError", "check", "from_keras", "from_sklearn", "from_torch",
    "to_keras", "to_torch", "translate",
]


def translate(source: str, *, to: str, scalars: Iterable[str] = (), vectors: Iterable[str] = ()) -> str:
    """NumPy source written in one convention, rewritten for the other.

    Every 2-D array the translated code handles holds the transpose of what the original held,
    and so does every 2-D result: for the same inputs, transposed, the translation returns the
    original's outputs, transposed. Scalars and 1-D arrays are the same in both. The main rule
    is (AB)ᵀ = BᵀAᵀ, so ``Z = A_prev @ W + b`` becomes ``Z = W @ A_prev + b``; the full list
    is in :mod:`nnconv.port.translator`. Comments and formatting are kept.

    Parameters
    ----------
    source : str
        Python source: statements, one function or several.
    to : str
        The convention of the result, ``"rowmajor"``, ``"colmajor"`` or an alias. The rules
        are an involution, so the same rules serve both directions; ``to`` is validated.
    scalars : iterable of str
        Names that hold scalars (numbers). Literals, ``X.shape[0]``, ``len(X)``, loop counters
        and parameters with a number as default are recognised without this.
    vectors : iterable of str
        Names that hold 1-D arrays (class labels, a 1-D bias). Every other array is taken
        to be 2-D.

    Returns
    -------
    str
        The translated source. Fallbacks (a reshape in the other memory order, a 1-D array
        turned into a column, a random draw transposed) are marked by a ``# nnconv:`` comment
        line above their statement.

    Raises
    ------
    TranslationError
        For a construct the rules do not cover (a 3-D array, ``np.einsum``, an axis held in
        a variable, …), naming it and its line. A subclass of ValueError.
    """
    from ..aliases import convention

    convention(to)
    from .translator import translate_source

    return translate_source(source, scalars, vectors)
