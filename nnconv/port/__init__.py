"""Porting: NumPy code between the conventions, trained weights between frameworks.

- :func:`translate` rewrites NumPy source written in one convention for the other, so that
  every 2-D array it handles holds the transpose of what it held. What each name holds comes
  from running example calls, from hints, or from rules that leave no doubt
  (:mod:`nnconv.port.kinds`); the rewrite from those kinds is :mod:`nnconv.port.rewrite`.
- :func:`verify` makes every call a check script makes into the original again on the
  translation, inputs transposed (:mod:`nnconv.port.replay`); :func:`check` runs each function
  on inputs of given shapes.
- :func:`from_torch`, :func:`to_torch`, :func:`from_sklearn`, :func:`from_keras` and
  :func:`to_keras` move trained weights between nnconv's parameter dicts and PyTorch,
  scikit-learn and Keras (:mod:`nnconv.port.frameworks`).

Importing this package imports neither libcst, torch nor scikit-learn: each function
imports what it needs when it is called.
"""

from __future__ import annotations

from collections.abc import Iterable

from .check import FunctionCheck, Verdict, check
from .errors import ExamplesError, TranslationError
from .frameworks import from_keras, from_sklearn, from_torch, to_keras, to_torch

__all__ = [
    "ExamplesError", "FunctionCheck", "TranslationError", "Verdict", "check", "from_keras", "from_sklearn",
    "from_torch", "to_keras", "to_torch", "translate", "verify",
]


def translate(source: str, *, to: str, scalars: Iterable[str] = (), vectors: Iterable[str] = (),
              containers: Iterable[str] = (), matrices: Iterable[str] = (), examples: str | None = None,
              module: str | None = None) -> str:
    """NumPy source written in one convention, rewritten for the other.

    Every 2-D array the translated code handles holds the transpose of what the original held,
    and so does every 2-D result: for the same inputs, transposed, the translation returns the
    original's outputs, transposed. Scalars and 1-D arrays are the same in both. The main rule
    is (AB)ᵀ = BᵀAᵀ, so ``Z = A_prev @ W + b`` becomes ``Z = W @ A_prev + b``; the full list
    is in :mod:`nnconv.port.rewrite`. Comments and formatting are kept.

    Nothing is guessed: the kind of every name (a number, a 1-D or a 2-D array, a container)
    comes from running the original on ``examples``, from the hints, or from rules that leave
    no doubt (:mod:`nnconv.port.kinds`). Where a rewrite depends on a kind nothing established,
    the translation is refused, naming the variable, its line and what to pass.

    Parameters
    ----------
    source : str
        Python source: statements, functions, classes.
    to : str
        The convention of the result, ``"rowmajor"``, ``"colmajor"`` or an alias. The rules
        are an involution, so the same rules serve both directions; ``to`` is validated.
    scalars, vectors, matrices, containers : iterable of str
        Names that hold numbers, 1-D arrays, 2-D arrays, and lists, tuples or dicts. A name
        may be a path (``"self.b"``, ``"params['b1']"``) and may be scoped to a function or a
        method (``"affine_forward.b"``, ``"Dense.forward.self.b"``).
    examples : str, optional
        The source of a check script that imports the code under translation as ``module``
        (``from layers import affine_forward``) and calls it on example inputs. It is run on
        the original, and the kind every name, attribute and item takes at each line is
        recorded; hints the evidence contradicts are errors.
    module : str, optional
        The name under which ``examples`` imports ``source``; required with ``examples``.

    Returns
    -------
    str
        The translated source. Fallbacks (a reshape in the other memory order, a 1-D array
        turned into a column, a random draw transposed) are marked by a ``# nnconv:`` comment
        line above their statement.

    Raises
    ------
    TranslationError
        For a construct the rules do not cover or a kind nothing established, naming it and its
        line. A subclass of ValueError.
    ExamplesError
        When the examples fail on the original code. A subclass of ValueError.
    """
    from ..aliases import convention

    convention(to)
    from .kinds import record
    from .rewrite import parse, translate_source

    tree = parse(source)
    evidence = None
    if examples is not None:
        if not module:
            raise ValueError("translate: examples= needs module=, the name under which the examples import "
                             "the source")
        evidence = record(source, examples, module)
    hints = {"scalars": list(scalars), "vectors": list(vectors), "matrices": list(matrices),
             "containers": list(containers)}
    return translate_source(tree, hints, evidence)


def verify(source: str, translated: str, *, to: str, examples: str, module: str) -> dict[str, Verdict]:
    """Verify ``translated`` by execution on the calls the check script ``examples`` makes into
    ``source`` (imported as ``module``); see :mod:`nnconv.port.replay`."""
    from .replay import verify as run

    return run(source, translated, to=to, examples=examples, module=module)
