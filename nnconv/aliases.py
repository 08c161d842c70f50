"""Names for the two conventions: by orientation, textbook, course or framework."""

from __future__ import annotations

from . import colmajor, rowmajor
from .types import Convention

CONVENTION_ALIASES: dict[str, str] = {
    # examples are rows: Z = X W + b
    "rowmajor": "rowmajor",
    "row": "rowmajor",
    "rows": "rowmajor",
    "design-matrix": "rowmajor",
    "cs231n": "rowmajor",
    "keras": "rowmajor",
    "tensorflow": "rowmajor",
    "flax": "rowmajor",
    "jax": "rowmajor",
    "sklearn": "rowmajor",
    "scikit-learn": "rowmajor",
    "pytorch": "rowmajor",  # data as rows; nn.Linear.weight is stored (out, in): see nnconv.port
    "torch": "rowmajor",
    "d2l": "rowmajor",  # the MLP chapter; its backprop chapter uses column vectors
    # examples are columns: Z = W X + b
    "colmajor": "colmajor",
    "col": "colmajor",
    "column": "colmajor",
    "columns": "colmajor",
    "transposed": "colmajor",
    "deeplearning.ai": "colmajor",
    "deeplearning-ai": "colmajor",
    "ng": "colmajor",
    "coursera": "colmajor",
    "nielsen": "colmajor",
    "flux": "colmajor",
    "julia": "colmajor",
    "matlab": "colmajor",
    "bishop": "colmajor",
    "prml": "colmajor",
}
"""Every name :func:`convention` accepts (case does not matter) and the convention it means."""

_MODULES: dict[str, Convention] = {"rowmajor": rowmajor, "colmajor": colmajor}


def convention(name: str | Convention) -> Convention:
    """The convention module for ``name``: ``"rowmajor"``, ``"colmajor"`` or an alias.

    >>> convention("deeplearning.ai").NAME
    'colmajor'

    A module (``nnconv.rowmajor`` or ``nnconv.colmajor``) is returned as it is. Raises
    ValueError for anything else, listing the valid names.
    """
    return lookup(name, "nnconv.convention")


def lookup(name: object, where: str) -> Convention:
    """:func:`convention` for the nnconv function ``where``, which the error message names."""
    if isinstance(name, str) and name.strip().lower() in CONVENTION_ALIASES:
        return _MODULES[CONVENTION_ALIASES[name.strip().lower()]]
    if any(name is module for module in _MODULES.values()):
        return name  # type: ignore[return-value]
    valid = ", ".join(repr(k) for k in CONVENTION_ALIASES)
    raise ValueError(f"{where}: unknown convention {name!r}; valid: nnconv.rowmajor, nnconv.colmajor "
                     f"or a name, case-insensitive: {valid}")
