"""nnconv: multilayer-perceptron forward and backward propagation in both textbook conventions.

- :mod:`nnconv.rowmajor`: examples are rows, Z = A_prev W + b (CS231n, Keras, scikit-learn).
- :mod:`nnconv.colmajor`: examples are columns, Z = W A_prev + b (deeplearning.ai, Nielsen).

Every output of one is the bitwise transpose of the other's (see :mod:`nnconv.layout`).
"""

from __future__ import annotations

from . import colmajor, optim, rowmajor
from .aliases import CONVENTION_ALIASES, convention
from .errors import NumericalError, ShapeError
from .functions import ACTIVATIONS, DERIVATIVES, LOSSES
from .gradcheck import gradient_check
from .io import load, save
from .layout import transpose
from .types import Array, BatchNormCache, Convention, LayerCache, LayerNormCache, Params

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS", "CONVENTION_ALIASES", "DERIVATIVES", "LOSSES", "Array", "BatchNormCache", "Convention",
    "LayerCache", "LayerNormCache", "NumericalError", "Params", "ShapeError", "colmajor", "convention",
    "gradient_check", "load", "optim", "rowmajor", "save", "transpose", "__version__",
]

_modules_satisfy_the_protocol: tuple[Convention, Convention] = (rowmajor, colmajor)  # checked by mypy
