"""Input validation: errors that name the function, the convention and the shapes.

The most common mistake with two conventions is handing one convention's arrays to the other,
so every message says what it got, what it expected in this convention and, when the input
fits the other convention, says so and how to fix it::

    colmajor.forward: X has shape (10, 3) but W1 has shape (4, 3); in colmajor examples are
    columns, so X must be (3, m). This looks like rowmajor data: pass X.T or use nnconv.rowmajor.

What every public function checks (and raises, all subclasses of ValueError):

- :class:`ShapeError`: an array that is not 2-D, is empty, or whose shape does not chain with
  the others (X with W1, W[l] with W[l-1], b[l] with W[l], Y with A[L], a cache with the next).
  A 1-D bias is refused: b must be (1, n) in rowmajor and (n, 1) in colmajor, because a 1-D
  bias broadcasts along the wrong axis when m equals n.
- ValueError: an unknown activation, loss, init method, optimizer or convention name (the
  valid ones are listed); a wrong number of activations; missing or unexpected parameter keys;
  a dtype that is not a real number (complex, object, string) or float16; NaN or inf in any
  input array; labels outside [0, 1] for ``bce`` and ``ce``, and outputs outside [0, 1] in their
  ``cost`` (the gradients take any finite output); an output activation other than sigmoid or
  softmax with ``bce`` or ``ce``; a ``layer_dims`` with fewer than two sizes or a size below 1;
  ``epochs``, ``batch_size``, ``learning_rate``, ``seed``, ``epsilon`` or ``eps`` that is not a
  positive number of the right kind; ``l2`` below 0, ``keep_prob`` outside (0, 1], batch
  norm's ``momentum`` outside [0, 1); a dropout mask that is not boolean; gamma, beta and the
  running statistics in another float dtype than each other.
- :class:`NumericalError` (also a FloatingPointError): the arithmetic overflowed or produced an
  invalid value although the inputs were finite (inputs too large, or training diverged).

Arrays are converted by :func:`converted`, which refuses a masked array (its mask would be
ignored), names a ragged list, and turns a failure of the user's own code that the conversion
runs (an ``__array__`` method, a params mapping's ``__getitem__``) into a ValueError naming the
function. An array of Python objects (what NumPy makes of a pandas frame whose columns differ in
dtype) is described by what it holds; data in the other byte order is named as such.

:class:`TrainingWarning` (a UserWarning), from ``fit``: the output layer and loss cannot learn
anything useful (a softmax of one unit, sigmoid outputs with ``ce``).

dtypes: float32 and float64 are kept; integers and booleans are accepted and computed as
float. Where parameters are involved the computation runs in the parameters' dtype: data of
another dtype (X, Y, A_prev, dZ, gradients) is converted to it, and parameters never change
dtype; parameters must not mix float32 and float64.

Validation happens once, at the boundary. :func:`public` marks the public functions: the one
the user calls runs its checks and sets NumPy's floating-point errors to raise (underflow, which
is harmless here, stays ignored); the nnconv functions it calls (``linear_forward`` inside
``forward``, ``forward`` inside ``fit``) skip both, so a training loop does not pay for them
at every step.
"""

from __future__ import annotations

import functools
import math
import numbers
import sys
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar, get_args

import numpy as np
import numpy.typing as npt

from .functions import ACTIVATIONS, INIT_METHODS, LOSSES
from .types import Optimizer

P = ParamSpec("P")
R = TypeVar("R")

OTHER = {"rowmajor": "colmajor", "colmajor": "rowmajor"}
PROBABILITY_OUTPUTS = ("sigmoid", "softmax")
"""The output activations whose values lie in [0, 1], as ``bce`` and ``ce`` need."""


class ShapeError(ValueError):
    """An array has the wrong number of dimensions, is empty, or has a shape that does not fit
    the convention or the other arrays."""


class NumericalError(ValueError, FloatingPointError):
    """The arithmetic overflowed or produced NaN from finite inputs (inputs too large, or a
    training run that diverged)."""


class TrainingWarning(UserWarning):
    """A network that ``fit`` can train but that cannot learn anything useful: a softmax
    output layer of one unit (its output is always 1), or sigmoid outputs with loss ``ce``."""


class _Depth(threading.local):
    depth = 0
    trusted = False
    """Whether the running public call was made by another nnconv function inside a checked
    call, which has checked its inputs."""


_state = _Depth()


def public(function: Callable[P, R]) -> Callable[P, R]:
    """Mark a public function: when called from outside nnconv, its checks run and NumPy's
    floating-point errors raise :class:`NumericalError` naming it; when called by another nnconv
    function (already checked), neither happens.

    "Outside" is decided by the caller's module, not by the depth alone: user code that nnconv
    runs in the middle of a call (an ``__array__`` method, a params mapping's ``__getitem__``)
    and that calls nnconv itself gets that call checked like any other."""
    module = function.__module__.rsplit(".", 1)[-1]
    prefix = {"rowmajor": "rowmajor", "colmajor": "colmajor", "optim": "nnconv.optim"}.get(module, "nnconv")
    where = f"{prefix}.{function.__name__}"  # as the checks name it: rowmajor.fit, nnconv.optim.adam

    @functools.wraps(function)
    def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        caller = sys._getframe(1).f_globals.get("__name__", "")
        trusted = _state.depth > 0 and caller.partition(".")[0] == "nnconv"
        outer = _state.trusted
        _state.depth += 1
        _state.trusted = trusted
        try:
            if trusted:
                return function(*args, **kwargs)
            with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
                return function(*args, **kwargs)
        except FloatingPointError as error:
            if isinstance(error, NumericalError) or trusted:
                raise
            raise NumericalError(
                f"{where}: {error} although the inputs are finite: the values outgrew the "
                "floating-point range; scale the inputs down, or lower the learning rate if "
                "training diverged") from None
        finally:
            _state.depth -= 1
            _state.trusted = outer

    return checked


def _nested() -> bool:
    """True inside a call from another nnconv function: its caller has checked the inputs."""
    return _state.trusted


# ---------------------------------------------------------------------------------------------
# Wording: shapes and axes in each convention


def _shape(conv: str, rows: object, cols: object) -> str:
    """A shape given in rowmajor order (examples or n_{l-1} first), written in ``conv``'s order."""
    first, second = (rows, cols) if conv == "rowmajor" else (cols, rows)
    return f"({first}, {second})"


def _shape_tuple(conv: str, rows: int, cols: int) -> tuple[int, int]:
    """:func:`_shape` as a tuple."""
    return (rows, cols) if conv == "rowmajor" else (cols, rows)


def _rm(conv: str, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A 2-D shape of ``conv`` in rowmajor order: (examples, units) or (n_{l-1}, n_l)."""
    return shape if conv == "rowmajor" else shape[::-1]


def _examples_are(conv: str) -> str:
    return f"in {conv} examples are {'rows' if conv == 'rowmajor' else 'columns'}"


def _looks_like(conv: str, what: str, fix: str) -> str:
    other = OTHER[conv]
    return f" This looks like {other} {what}: {fix} or use nnconv.{other}."


# ---------------------------------------------------------------------------------------------
# Single values


def _array(where: str, name: str, a: Any, expected: str, hint: str = "") -> npt.NDArray[Any]:
    """``a`` as an array, checked: real numbers in native byte order, 2-D, not empty."""
    if a is None:
        raise ValueError(f"{where}: {name} is None; it must be a 2-D array {expected}")
    array = converted(where, name, a)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{where}: {name} has dtype {array.dtype}; nnconv computes with real numbers: "
                         f"float32 or float64 (integers and booleans are computed as float){_objects(name, a, array)}")
    if not array.dtype.isnative:
        raise ValueError(f"{where}: {name} has dtype {array.dtype.str}, {array.dtype.name} in "
                         f"{'big' if array.dtype.byteorder == '>' else 'little'}-endian byte order; nnconv "
                         f"computes in this machine's byte order: pass {name}.astype(np.{array.dtype.name})")
    if array.dtype.kind == "f" and array.dtype not in (np.float32, np.float64):
        raise ValueError(f"{where}: {name} has dtype {array.dtype}; nnconv computes in float32 or "
                         f"float64: pass {name}.astype(np.float32) or {name}.astype(np.float64)")
    if array.ndim != 2:
        if not isinstance(a, np.ndarray):  # a pandas Series has no reshape
            hint = hint.replace(f"{name}.reshape", f"np.asarray({name}).reshape")
        extra = f" {hint}" if array.ndim == 1 and hint else ""
        raise ShapeError(f"{where}: {name} must be a 2-D array {expected}; it is {array.ndim}-D with "
                         f"shape {array.shape}.{extra}")
    if array.size == 0:
        raise ShapeError(f"{where}: {name} is empty (shape {array.shape}); it must be {expected} "
                         "with at least one example and one unit")
    return array


def converted(where: str, name: str, a: Any) -> npt.NDArray[Any]:
    """``a`` as a NumPy array, for the nnconv function ``where`` that takes it as ``name``.

    A masked array is refused (nnconv would compute with the values under its mask). So is
    what NumPy cannot convert, such as a ragged list, and a failure in the user's code that
    the conversion runs (an ``__array__`` method): each a ValueError that names ``where``.
    """
    if isinstance(a, np.ma.MaskedArray):
        raise ValueError(f"{where}: {name} is a masked array (np.ma.MaskedArray); nnconv would compute "
                         "with the values under its mask as if they were data: pass "
                         f"{name}.filled(value) to replace them, or keep only the examples without "
                         "masked values")
    try:
        return _asarray(a)
    except ValueError as error:
        if isinstance(a, (list, tuple)) and "inhomogeneous" in str(error):
            lengths = sorted({len(row) for row in a if isinstance(row, (list, tuple, np.ndarray))})
            raise ValueError(f"{where}: {name} is a ragged list: its rows have different lengths "
                             f"({', '.join(map(str, lengths))}); an array needs rows of one "
                             "length") from None
        raise ValueError(f"{where}: {name} could not be made an array: {error}") from error
    except Exception as error:  # user code: an __array__ method, a sequence's __getitem__
        raise ValueError(f"{where}: {name} could not be made an array: converting the "
                         f"{type(a).__name__} raised {type(error).__name__}: {error}") from error


def _asarray(a: Any) -> npt.NDArray[Any]:
    array: npt.NDArray[Any] = a if isinstance(a, np.ndarray) else np.asarray(a)
    return array


def _objects(name: str, a: Any, array: npt.NDArray[Any]) -> str:
    """For an array of Python objects: what it holds and how to convert it (a pandas frame
    whose columns are not one NumPy dtype becomes one)."""
    if array.dtype != object:
        return ""
    held = sorted({type(x).__name__ for x in array.flat[:10_000]})
    text = f". It holds Python objects ({', '.join(held)}), not numbers NumPy computes with"
    dtypes = getattr(a, "dtypes", None)
    if dtypes is not None and hasattr(dtypes, "items"):
        columns = [f"{k!r} is {v}" for k, v in dtypes.items() if str(v) not in ("float64", "float32")]
        text += f": a pandas frame becomes this when its columns differ in dtype ({'; '.join(columns)})"
    if {"NoneType", "NAType"} & set(held):
        text += "; fill or drop the missing values (None, pd.NA) first, then"
    else:
        text += "; "
    convert = "{}.to_numpy(dtype=np.float64)" if hasattr(a, "to_numpy") else "np.asarray({}, dtype=np.float64)"
    return f"{text} pass {convert.format(name)}"


def _computed_as(a: npt.NDArray[Any]) -> str:
    """The dtype ``a`` is computed in: its own if float, else float64."""
    return str(a.dtype) if a.dtype.kind == "f" else "float64"


def _finite(where: str, name: str, a: npt.NDArray[Any]) -> None:
    """Refuse NaN and inf, saying how many and where the first one is."""
    if a.dtype.kind != "f" or np.isfinite(a).all():
        return
    bad = ~np.isfinite(a)
    nan = int(np.isnan(a).sum())
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    raise ValueError(f"{where}: {name} holds {nan} NaN and {int(bad.sum()) - nan} infinite values "
                     f"(the first at index {first}); nnconv needs finite numbers: remove or "
                     "impute them first")


def _checked(where: str, name: str, a: Any, expected: str, hint: str = "") -> npt.NDArray[Any]:
    array = _array(where, name, a, expected, hint)
    _finite(where, name, array)
    return array


def _name(where: str, kind: str, name: Any, registry: Mapping[str, Any] | Sequence[str]) -> None:
    if not isinstance(name, str) or name not in registry:
        valid = ", ".join(repr(k) for k in registry)
        raise ValueError(f"{where}: unknown {kind} {name!r}; valid: {valid}")


def _integer(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _positive_int(where: str, name: str, value: Any) -> None:
    if not _integer(value) or value < 1:
        raise ValueError(f"{where}: {name} must be a positive integer; got {value!r}")


def _seed(where: str, seed: Any) -> None:
    if seed is not None and (not _integer(seed) or seed < 0):
        raise ValueError(f"{where}: seed must be None or a non-negative integer; got {seed!r}")


def _positive_number(where: str, name: str, value: Any) -> None:
    if (not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_))
            or not _finite_number(value) or value <= 0):
        raise ValueError(f"{where}: {name} must be a finite number above 0; got {_shown(value)}")


def _finite_number(value: numbers.Real) -> bool:
    """``math.isfinite``, also for an integer too large for a float (10**400: False)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _shown(value: Any) -> str:
    """``repr(value)``, shortened when it is a number of many digits."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}... ({len(text.lstrip('-'))} digits)"


def _hint(conv: str, name: str, role: str) -> str:
    """How to make a 1-D ``name`` 2-D in ``conv``."""
    if role == "data":
        return f"For a single example pass {name}.reshape{_shape(conv, 1, -1)}."
    if role == "labels":
        return (f"For one output unit pass {name}.reshape{_shape(conv, -1, 1)}; for class indices "
                f"with loss 'ce' pass one-hot labels.")
    if role == "bias":
        return (f"A 1-D bias broadcasts along the wrong axis (across examples when m == n_l): pass "
                f"{name}.reshape{_shape(conv, 1, -1)}.")
    return ""


# ---------------------------------------------------------------------------------------------
# Parameters


def _params(where: str, conv: str, params: Any, activations: Sequence[str] | None,
            finite: bool = True) -> dict[str, npt.NDArray[Any]]:
    """The parameters as checked arrays: keys W1, b1, ..., WL, bL (L = len(activations) when
    given), 2-D, one dtype, chaining in ``conv``."""
    if not isinstance(params, Mapping):
        raise ValueError(f"{where}: params must be a dict {{'W1': ..., 'b1': ..., ...}}; got "
                         f"{type(params).__name__}")
    try:  # a mapping of the user's: its methods are user code
        params = {key: params[key] for key in params}
    except Exception as error:
        raise ValueError(f"{where}: reading the {type(params).__name__} params raised "
                         f"{type(error).__name__}: {error}; pass a dict {{'W1': ..., 'b1': ..., ...}}") from error
    L = 0
    while f"W{L + 1}" in params:
        L += 1
    if L == 0:
        raise ValueError(f"{where}: params has no 'W1'; it must hold W1, b1, ..., WL, bL "
                         f"(keys: {sorted(map(str, params))})")
    if activations is not None and L != len(activations):
        raise ValueError(f"{where}: {len(activations)} activations for a network of {L} layers "
                         f"(params has W1 ... W{L}): give one activation per layer")
    expected = [f"{p}{l}" for l in range(1, L + 1) for p in "Wb"]
    missing = [k for k in expected if k not in params]
    if missing:
        raise ValueError(f"{where}: params is missing {', '.join(map(repr, missing))}; a network "
                         f"of {L} layers needs W1, b1, ..., W{L}, b{L}")
    extra = [str(k) for k in params if k not in expected]
    if extra:
        gradients = " (these look like gradients)" if all(k.startswith("d") for k in extra) else ""
        raise ValueError(f"{where}: params has unexpected keys {', '.join(map(repr, extra))}"
                         f"{gradients}; a network of {L} layers has exactly W1, b1, ..., W{L}, b{L}")
    arrays = {}
    for key in expected:
        shape = _shape(conv, "n_{l-1}", "n_l") if key[0] == "W" else _shape(conv, 1, "n_l")
        check = _checked if finite else _array
        arrays[key] = check(where, key, params[key], shape, _hint(conv, key, "bias" if key[0] == "b" else ""))
    _one_dtype(where, arrays)
    problem = _chain(conv, arrays, L)
    if problem:
        if _chain(OTHER[conv], arrays, L) is None:
            problem += _looks_like(conv, "parameters", "pass nnconv.transpose(params)")
        raise ShapeError(f"{where}: {problem}")
    return arrays


def _one_dtype(where: str, arrays: Mapping[str, npt.NDArray[Any]]) -> None:
    """Refuse parameters that would compute in more than one dtype, naming each one's dtype."""
    if len({_computed_as(a) for a in arrays.values()}) < 2:
        return
    groups: dict[np.dtype[Any], list[str]] = {}
    for key, a in arrays.items():
        groups.setdefault(a.dtype, []).append(key)
    described = "; ".join(f"{', '.join(keys)} {'is' if len(keys) == 1 else 'are'} {dtype}"
                          f"{' (computed as float64)' if dtype.kind != 'f' else ''}"
                          for dtype, keys in groups.items())
    floats = [dtype for dtype in groups if dtype.kind == "f"]
    if len(floats) == 1:
        others = ", ".join(k for dtype, keys in groups.items() if dtype.kind != "f" for k in keys)
        fix = f"cast {others} with .astype(np.{floats[0]})"
    else:
        fix = "cast them all, e.g. {k: v.astype(np.float32) for k, v in params.items()}"
    raise ValueError(f"{where}: the parameters mix dtypes ({described}); they must share one float "
                     f"dtype: {fix}")


def _chain(conv: str, arrays: Mapping[str, npt.NDArray[Any]], L: int) -> str | None:
    """The first parameter whose shape does not fit ``conv``, described, or None."""
    for l in range(1, L + 1):
        W, b = arrays[f"W{l}"], arrays[f"b{l}"]
        n = _rm(conv, W.shape)[1]
        if l > 1:
            W_prev = arrays[f"W{l - 1}"]
            n_prev = _rm(conv, W_prev.shape)[1]
            if _rm(conv, W.shape)[0] != n_prev:
                return (f"W{l} has shape {W.shape} but W{l - 1} has shape {W_prev.shape}; in {conv} "
                        f"W[l] is {_shape(conv, 'n_{l-1}', 'n_l')}, so W{l} must be "
                        f"{_shape(conv, n_prev, f'n_{l}')}.")
        if _rm(conv, b.shape) != (1, n):
            return (f"b{l} has shape {b.shape} but W{l} has shape {W.shape}; in {conv} b[l] is "
                    f"{_shape(conv, 1, 'n_l')}, so b{l} must be {_shape(conv, 1, n)}.")
    return None


def _n_in(conv: str, W: npt.NDArray[Any]) -> int:
    return _rm(conv, W.shape)[0]


def _n_out(conv: str, W: npt.NDArray[Any]) -> int:
    return _rm(conv, W.shape)[1]


def _data(where: str, conv: str, name: str, X: Any, n: int, reason: str,
          role: str = "data") -> npt.NDArray[Any]:
    """``X`` checked as ``conv`` data with ``n`` units per example (``reason`` says why)."""
    array = _checked(where, name, X, _shape(conv, "m", n), _hint(conv, name, role))
    rows, cols = _rm(conv, array.shape)
    if cols != n:
        message = (f"{where}: {name} has shape {array.shape} but {reason}; {_examples_are(conv)}, so "
                   f"{name} must be {_shape(conv, 'm', n)}.")
        if rows == n:
            message += _looks_like(conv, "data", f"pass {name}.T")
        raise ShapeError(message)
    return array


def _like(where: str, conv: str, name: str, a: Any, ref_name: str, ref: npt.NDArray[Any],
          role: str = "") -> npt.NDArray[Any]:
    """``a`` checked to have the shape of ``ref``."""
    array = _checked(where, name, a, f"{ref.shape} like {ref_name}", _hint(conv, name, role))
    if array.shape != ref.shape:
        message = (f"{where}: {name} has shape {array.shape} but {ref_name} has shape {ref.shape}; "
                   f"they must match ({_examples_are(conv)}).")
        if array.shape == ref.shape[::-1]:
            message += _looks_like(conv, "data", f"pass {name}.T")
        raise ShapeError(message)
    return array


def _dtypes(where: str, **arrays: npt.NDArray[Any]) -> None:
    floats = {_computed_as(a) for a in arrays.values()}
    if len(floats) > 1:
        described = ", ".join(f"{k} is {a.dtype}" for k, a in arrays.items())
        raise ValueError(f"{where}: the parameters mix dtypes ({described}); they must share one")


def _activations(where: str, activations: Any) -> None:
    if isinstance(activations, str) or not isinstance(activations, Sequence):
        raise ValueError(f"{where}: activations must be a list with one name per layer, e.g. "
                         f"['relu', 'sigmoid']; got {activations!r}")
    if len(activations) == 0:
        raise ValueError(f"{where}: activations is empty; give one name per layer")
    for name in activations:
        _name(where, "activation", name, ACTIVATIONS)


def _loss(where: str, loss: Any, output: str | None = None) -> None:
    _name(where, "loss", loss, LOSSES)
    if output is not None and loss in ("bce", "ce") and output not in PROBABILITY_OUTPUTS:
        raise ValueError(f"{where}: loss {loss!r} needs outputs in [0, 1], from a 'sigmoid' or "
                         f"'softmax' output layer; the output activation is {output!r} (use 'mse')")


def _probabilities(where: str, name: str, a: npt.NDArray[Any], loss: str) -> None:
    """For bce and ce, ``a`` (labels or outputs) must lie in [0, 1]."""
    if loss in ("bce", "ce") and (a.min() < 0 or a.max() > 1):
        raise ValueError(f"{where}: loss {loss!r} needs {name} in [0, 1]; {name} holds values from "
                         f"{a.min()} to {a.max()} (class indices? pass one-hot labels; "
                         "real-valued targets? use loss 'mse')")


# ---------------------------------------------------------------------------------------------
# One check per public function; each is called on the first line of that function


def check_init_params(conv: str, layer_dims: Any, method: Any, seed: Any, dtype: Any) -> None:
    where = f"{conv}.init_params"
    if (isinstance(layer_dims, (str, bytes, Mapping)) or not isinstance(layer_dims, (Sequence, np.ndarray))
            or len(layer_dims) < 2):
        raise ValueError(f"{where}: layer_dims must list the sizes [n_0, n_1, ..., n_L] of the input "
                         f"and of every layer, at least two; got {layer_dims!r}")
    for n in layer_dims:
        if not _integer(n) or n < 1:
            raise ValueError(f"{where}: every size in layer_dims must be a positive integer; got "
                             f"{n!r} in {list(layer_dims)!r}")
    _name(where, "init method", method, INIT_METHODS)
    _seed(where, seed)
    try:
        kind = np.dtype(dtype)
    except TypeError:
        kind = None
    if kind not in (np.float32, np.float64):
        raise ValueError(f"{where}: dtype must be np.float32 or np.float64; got {dtype!r}")


def check_linear_forward(conv: str, A_prev: Any, W: Any, b: Any) -> None:
    if _nested():
        return
    where = f"{conv}.linear_forward"
    W = _checked(where, "W", W, _shape(conv, "n_{l-1}", "n_l"))
    A_prev = _data(where, conv, "A_prev", A_prev, _n_in(conv, W), f"W has shape {W.shape}")
    b = _checked(where, "b", b, _shape(conv, 1, _n_out(conv, W)), _hint(conv, "b", "bias"))
    if _rm(conv, b.shape) != (1, _n_out(conv, W)):
        message = (f"{where}: b has shape {b.shape} but W has shape {W.shape}; in {conv} b is "
                   f"{_shape(conv, 1, 'n_l')}, so b must be {_shape(conv, 1, _n_out(conv, W))}.")
        if b.shape[::-1] == _shape_tuple(conv, 1, _n_out(conv, W)):
            message += _looks_like(conv, "bias", "pass b.T")
        raise ShapeError(message)
    _dtypes(where, W=W, b=b)


def check_activation_forward(conv: str, Z: Any, activation: Any) -> None:
    if _nested():
        return
    where = f"{conv}.activation_forward"
    _name(where, "activation", activation, ACTIVATIONS)
    _checked(where, "Z", Z, _shape(conv, "m", "n_l"))


def check_forward(conv: str, X: Any, params: Any, activations: Any, where: str = "") -> None:
    if _nested():
        return
    where = where or f"{conv}.forward"
    _activations(where, activations)
    arrays = _params(where, conv, params, activations)
    _data(where, conv, "X", X, _n_in(conv, arrays["W1"]), f"W1 has shape {arrays['W1'].shape}")


def check_predict(conv: str, X: Any, params: Any, activations: Any, loss: Any) -> None:
    if _nested():
        return
    where = f"{conv}.predict"
    check_forward(conv, X, params, activations, where)
    if loss is not None:
        _name(where, "loss", loss, LOSSES)


def check_cost(conv: str, AL: Any, Y: Any, loss: Any, where: str = "", outputs: bool = True) -> None:
    if _nested():
        return
    where = where or f"{conv}.cost"
    _name(where, "loss", loss, LOSSES)
    AL = _checked(where, "AL", AL, _shape(conv, "m", "n_L"))
    Y = _like(where, conv, "Y", Y, "AL", AL, "labels")
    if outputs:  # the cost's logarithm needs AL in [0, 1]; the gradients take any finite AL
        _probabilities(where, "AL", AL, loss)
    _probabilities(where, "Y", Y, loss)


def check_loss_backward(conv: str, AL: Any, Y: Any, loss: Any) -> None:
    check_cost(conv, AL, Y, loss, f"{conv}.loss_backward", outputs=False)


def check_activation_backward(conv: str, dA: Any, Z: Any, activation: Any) -> None:
    if _nested():
        return
    where = f"{conv}.activation_backward"
    _name(where, "activation", activation, ACTIVATIONS)
    Z = _checked(where, "Z", Z, _shape(conv, "m", "n_l"))
    _like(where, conv, "dA", dA, "Z", Z)


def check_linear_backward(conv: str, dZ: Any, A_prev: Any, W: Any) -> None:
    if _nested():
        return
    where = f"{conv}.linear_backward"
    W = _checked(where, "W", W, _shape(conv, "n_{l-1}", "n_l"))
    dZ = _data(where, conv, "dZ", dZ, _n_out(conv, W), f"W has shape {W.shape}")
    A_prev = _data(where, conv, "A_prev", A_prev, _n_in(conv, W), f"W has shape {W.shape}")
    if _rm(conv, A_prev.shape)[0] != _rm(conv, dZ.shape)[0]:
        raise ShapeError(f"{where}: A_prev has shape {A_prev.shape} and dZ has shape {dZ.shape}; "
                         f"{_examples_are(conv)}, so they must hold the same number of examples")


def check_backward(conv: str, AL: Any, Y: Any, caches: Any, activations: Any, loss: Any) -> None:
    if _nested():
        return
    where = f"{conv}.backward"
    _activations(where, activations)
    _loss(where, loss, activations[-1])
    if isinstance(caches, (str, Mapping)) or not isinstance(caches, Sequence):
        raise ValueError(f"{where}: caches must be the list that forward returned; got "
                         f"{type(caches).__name__}")
    if len(caches) != len(activations):
        raise ValueError(f"{where}: {len(activations)} activations for {len(caches)} caches (one per "
                         "layer, as forward returns them): give one activation per layer")
    m = None
    for l, cache in enumerate(caches, start=1):
        if not isinstance(cache, tuple) or len(cache) != 4:
            raise ValueError(f"{where}: caches[{l - 1}] must be a LayerCache (A_prev, W, b, Z) as "
                             f"forward returns it; got {type(cache).__name__}")
        W = _checked(where, f"caches[{l - 1}].W", cache[1], _shape(conv, "n_{l-1}", "n_l"))
        A_prev = _data(where, conv, f"caches[{l - 1}].A_prev", cache[0], _n_in(conv, W),
                       f"caches[{l - 1}].W has shape {W.shape}")
        m = _rm(conv, A_prev.shape)[0] if m is None else m
        Z = _checked(where, f"caches[{l - 1}].Z", cache[3], _shape(conv, m, _n_out(conv, W)))
        if Z.shape != _shape_tuple(conv, m, _n_out(conv, W)) or _rm(conv, A_prev.shape)[0] != m:
            raise ShapeError(f"{where}: caches[{l - 1}] holds A_prev {A_prev.shape}, W {W.shape} and "
                             f"Z {Z.shape}, which do not fit one layer of {m} examples in {conv}; pass "
                             "the caches that forward returned")
        if l > 1 and _rm(conv, A_prev.shape)[1] != _rm(conv, np.shape(caches[l - 2][3]))[1]:
            raise ShapeError(f"{where}: caches[{l - 1}].A_prev has shape {A_prev.shape} but "
                             f"caches[{l - 2}].Z has shape {np.shape(caches[l - 2][3])}; pass the caches "
                             "that forward returned")
    AL = _like(where, conv, "AL", AL, f"caches[{len(caches) - 1}].Z", Z)
    Y = _like(where, conv, "Y", Y, "AL", AL, "labels")
    _probabilities(where, "Y", Y, loss)


def check_update(conv: str, params: Any, grads: Any, learning_rate: Any) -> None:
    if _nested():
        return
    where = f"{conv}.update"
    arrays = _params(where, conv, params, None)
    if not isinstance(grads, Mapping):
        raise ValueError(f"{where}: grads must be the dict that backward returned; got "
                         f"{type(grads).__name__}")
    for key, W in arrays.items():
        if f"d{key}" not in grads:
            raise ValueError(f"{where}: grads is missing 'd{key}' for parameter {key!r}")
        dW = _checked(where, f"d{key}", grads[f"d{key}"], f"{W.shape} like {key}")
        if dW.shape != W.shape:
            message = (f"{where}: d{key} has shape {dW.shape} but {key} has shape {W.shape}; "
                       f"a gradient has its parameter's shape.")
            if dW.shape == W.shape[::-1]:
                message += _looks_like(conv, "gradients", "pass nnconv.transpose(grads)")
            raise ShapeError(message)
    _positive_number(where, "learning_rate", learning_rate)


def check_fit(conv: str, X: Any, Y: Any, params: Any, activations: Any, loss: Any,
              learning_rate: Any, epochs: Any, batch_size: Any, seed: Any, where: str = "", *,
              optimizer: Any = "sgd", l2: Any = 0.0, keep_prob: Any = 1.0) -> None:
    if _nested():
        return
    training, where = not where, where or f"{conv}.fit"
    check_forward(conv, X, params, activations, where)
    _loss(where, loss, activations[-1])
    X = np.asarray(X)
    m = _rm(conv, X.shape)[0]
    n_L = _n_out(conv, np.asarray(params[f"W{len(activations)}"]))
    Y = _checked(where, "Y", Y, _shape(conv, "m", n_L), _hint(conv, "Y", "labels"))
    if Y.shape != _shape_tuple(conv, m, n_L):
        message = (f"{where}: Y has shape {Y.shape} but X has shape {X.shape} and the output layer "
                   f"has {n_L} units; {_examples_are(conv)}, so Y must be {_shape(conv, m, n_L)}.")
        if Y.shape[::-1] == _shape_tuple(conv, m, n_L):
            message += _looks_like(conv, "data", "pass Y.T")
        raise ShapeError(message)
    _probabilities(where, "Y", Y, loss)
    _positive_number(where, "learning_rate", learning_rate)
    _positive_int(where, "epochs", epochs)
    if batch_size is not None:
        _positive_int(where, "batch_size", batch_size)
    _seed(where, seed)
    _name(where, "optimizer", optimizer, get_args(Optimizer))
    check_l2(where, l2)
    _keep_prob(where, keep_prob)
    if training:
        _untrainable(where, activations[-1], n_L, loss)


def _untrainable(where: str, output: str, n_L: int, loss: str) -> None:
    """Warn about an output layer and loss that train nothing useful."""
    if output == "softmax" and n_L == 1:
        warnings.warn(f"{where}: a softmax output layer of 1 unit outputs 1 for every example, "
                      "whatever the weights, so training cannot change what it predicts; for two "
                      "classes use one 'sigmoid' unit with loss 'bce', or two 'softmax' units with "
                      "one-hot labels", TrainingWarning, stacklevel=5)
    elif output == "sigmoid" and loss == "ce":
        warnings.warn(f"{where}: loss 'ce' with a 'sigmoid' output layer only rewards high outputs "
                      "where a label is 1 and never penalises them elsewhere, so every output drifts "
                      "towards 1; use 'softmax' with 'ce' (one class per example), or 'sigmoid' "
                      "with 'bce' (one yes/no label per unit)", TrainingWarning, stacklevel=5)


def check_gradient_check(conv: str, X: Any, Y: Any, params: Any, activations: Any, loss: Any,
                         epsilon: Any) -> None:
    where = "nnconv.gradient_check"
    check_fit(conv, X, Y, params, activations, loss, 1.0, 1, None, None, where)
    _positive_number(where, "epsilon", epsilon)


def check_transpose(obj: Any) -> None:
    if isinstance(obj, np.ndarray) and obj.ndim > 2:
        raise ShapeError(f"nnconv.transpose: got a {obj.ndim}-D array of shape {obj.shape}; the "
                         "conventions differ only in 2-D arrays (1-D labels and scalars pass as they are)")


def check_stored_params(where: str, conv: str, params: Any) -> dict[str, npt.NDArray[Any]]:
    """Parameters to save, or just loaded: the keys and chained shapes of ``conv``. NaN and inf
    are allowed: a file keeps whatever it is given, bit for bit."""
    return _params(where, conv, params, None, finite=False)


# ---------------------------------------------------------------------------------------------
# Regularization, dropout and normalization: the L2 strength, keep_prob and the mask, and the
# per-unit vectors gamma, beta and the running statistics, which are shaped like b


def _number(where: str, name: str, value: Any, inside: Callable[[float], bool], interval: str) -> None:
    """``value`` checked to be a finite real number for which ``inside`` holds."""
    if (not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_))
            or not _finite_number(value) or not inside(float(value))):
        raise ValueError(f"{where}: {name} must be a number in {interval}; got {_shown(value)}")


def check_l2(where: str, l2: Any) -> None:
    """The L2 strength λ: a finite number, 0 or above."""
    if _nested():
        return
    _number(where, "l2", l2, lambda v: v >= 0, "[0, inf)")


def check_l2_cost(conv: str, params: Any, l2: Any) -> None:
    """The cost's L2 penalty needs the weights: ``params`` whenever λ > 0."""
    if _nested():
        return
    where = f"{conv}.cost"
    check_l2(where, l2)
    if l2 > 0 and params is None:
        raise ValueError(f"{where}: l2={l2!r} adds (l2/2m) Σ ||W[l]||² to the cost, which needs the "
                         "weights: pass params=params (the dict of W1, b1, ...)")
    if params is not None:
        _params(where, conv, params, None)


def _keep_prob(where: str, keep_prob: Any) -> None:
    _number(where, "keep_prob", keep_prob, lambda v: 0 < v <= 1, "(0, 1], the probability of keeping a "
            "unit (for a drop probability p pass keep_prob = 1 - p)")


def _mask(where: str, conv: str, mask: Any, ref_name: str, ref: npt.NDArray[Any]) -> None:
    """A dropout mask: boolean (True = kept), shaped like ``ref``."""
    array = converted(where, "mask", mask)
    if array.dtype != np.bool_:
        fix = " (it holds 0 and 1: pass mask.astype(bool))" if array.size and np.isin(array, (0, 1)).all() else ""
        raise ValueError(f"{where}: mask has dtype {array.dtype}; a dropout mask is boolean, True where "
                         f"a unit is kept, as dropout_forward returns it{fix}")
    if array.shape != ref.shape:
        message = (f"{where}: mask has shape {array.shape} but {ref_name} has shape {ref.shape}; the "
                   f"mask is shaped like {ref_name} ({_examples_are(conv)}).")
        if array.shape == ref.shape[::-1]:
            message += _looks_like(conv, "mask", "pass mask.T")
        raise ShapeError(message)


def check_dropout_forward(conv: str, A: Any, keep_prob: Any, seed: Any, mask: Any) -> None:
    if _nested():
        return
    where = f"{conv}.dropout_forward"
    A = _checked(where, "A", A, _shape(conv, "m", "n_l"), _hint(conv, "A", "data"))
    _keep_prob(where, keep_prob)
    _seed(where, seed)
    if mask is not None:
        if seed is not None:
            raise ValueError(f"{where}: give seed (to draw a mask) or mask (to use it), not both")
        _mask(where, conv, mask, "A", A)


def check_dropout_backward(conv: str, dA: Any, mask: Any, keep_prob: Any) -> None:
    if _nested():
        return
    where = f"{conv}.dropout_backward"
    dA = _checked(where, "dA", dA, _shape(conv, "m", "n_l"), _hint(conv, "dA", "data"))
    _mask(where, conv, mask, "dA", dA)
    _keep_prob(where, keep_prob)


def _per_unit(where: str, conv: str, name: str, a: Any, n: int, ref: str) -> npt.NDArray[Any]:
    """``a`` checked as a vector of ``n`` units shaped like b: (1, n) rowmajor, (n, 1) colmajor."""
    expected = _shape(conv, 1, n)
    hint = f"{name} is shaped like b: pass {name}.reshape{_shape(conv, 1, -1)}."
    array = _checked(where, name, a, f"{expected} like b", hint)
    if array.shape != _shape_tuple(conv, 1, n):
        message = (f"{where}: {name} has shape {array.shape} but {ref}; in {conv} {name} is shaped like "
                   f"b, {_shape(conv, 1, 'n_l')}, so {name} must be {expected}.")
        if array.shape == _shape_tuple(OTHER[conv], 1, n):
            message += _looks_like(conv, name, f"pass {name}.T")
        raise ShapeError(message)
    return array


def _affine(where: str, conv: str, Z: Any, gamma: Any, beta: Any, eps: Any) -> None:
    """Z and the per-unit gamma and beta of a normalization, and its eps."""
    Z = _checked(where, "Z", Z, _shape(conv, "m", "n_l"), _hint(conv, "Z", "data"))
    n = _rm(conv, Z.shape)[1]
    ref = f"Z has shape {Z.shape} ({n} units)"
    _dtypes(where, gamma=_per_unit(where, conv, "gamma", gamma, n, ref),
            beta=_per_unit(where, conv, "beta", beta, n, ref))
    _positive_number(where, "eps", eps)


def _boolean(where: str, name: str, value: Any) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{where}: {name} must be True or False; got {value!r}")


def check_batchnorm_forward(conv: str, Z: Any, gamma: Any, beta: Any, eps: Any, momentum: Any,
                            running: Any, train: Any) -> None:
    if _nested():
        return
    where = f"{conv}.batchnorm_forward"
    _affine(where, conv, Z, gamma, beta, eps)
    _number(where, "momentum", momentum, lambda v: 0 <= v < 1, "[0, 1), as in running ← momentum · "
            "running + (1 − momentum) · batch (PyTorch's momentum=0.1 is momentum=0.9 here)")
    _boolean(where, "train", train)
    n = _rm(conv, np.shape(gamma))[1]
    if running is None:  # mean 0 and variance 0, as CS231n starts them
        return
    if isinstance(running, np.ndarray) or not isinstance(running, (tuple, list)) or len(running) != 2:
        raise ValueError(f"{where}: running must be None or the pair (mean, var) that batchnorm_forward "
                         f"returns; got {type(running).__name__}")
    ref = f"gamma has shape {np.shape(gamma)}"
    _dtypes(where, gamma=_asarray(gamma),
            **{"running[0]": _per_unit(where, conv, "running[0]", running[0], n, ref),  # the mean
               "running[1]": _per_unit(where, conv, "running[1]", running[1], n, ref)})  # the variance
    if (_asarray(running[1]) < 0).any():
        raise ValueError(f"{where}: the running variance holds negative values; pass the running=(mean, "
                         "var) that batchnorm_forward returned")


def check_layernorm_forward(conv: str, Z: Any, gamma: Any, beta: Any, eps: Any) -> None:
    if _nested():
        return
    _affine(f"{conv}.layernorm_forward", conv, Z, gamma, beta, eps)


def _norm_cache(where: str, conv: str, dout: Any, cache: Any, kind: str, fields: tuple[str, ...],
                per_example: bool) -> None:
    """The cache of a normalization's forward and the dout that flows back into it."""
    if not isinstance(cache, tuple) or getattr(cache, "_fields", None) != fields:
        fix = f": pass {kind}(*cache)" if isinstance(cache, tuple) and len(cache) == len(fields) else ""
        raise ValueError(f"{where}: cache must be the {kind} ({', '.join(fields)}) that the forward "
                         f"returned; got {type(cache).__name__}{fix}")
    x_hat = _checked(where, "cache.x_hat", cache[0], _shape(conv, "m", "n_l"))
    m, n = _rm(conv, x_hat.shape)
    ref = f"cache.x_hat has shape {x_hat.shape}"
    other, gamma = OTHER[conv], converted(where, "cache.gamma", cache[1])
    if gamma.shape == _shape_tuple(other, 1, _rm(other, x_hat.shape)[1]) != _shape_tuple(conv, 1, n):
        raise ShapeError(f"{where}: cache.gamma has shape {gamma.shape} and {ref}, as {other} holds "
                         f"them; in {conv} gamma is {_shape(conv, 1, 'n_l')}." + _looks_like(
                             conv, "cache", "pass nnconv.transpose(cache)"))
    _per_unit(where, conv, "cache.gamma", gamma, n, ref)
    sigma = _checked(where, "cache.sigma", cache[2], "σ")
    expected = _shape_tuple(conv, m, 1) if per_example else _shape_tuple(conv, 1, n)
    if sigma.shape != expected:
        raise ShapeError(f"{where}: cache.sigma has shape {sigma.shape} but {ref}; it must be "
                         f"{expected}: pass the cache that the forward returned")
    _like(where, conv, "dout", dout, "cache.x_hat", x_hat)


def check_batchnorm_backward(conv: str, dout: Any, cache: Any) -> None:
    if _nested():
        return
    where = f"{conv}.batchnorm_backward"
    _norm_cache(where, conv, dout, cache, "BatchNormCache", ("x_hat", "gamma", "sigma", "train"), per_example=False)
    _boolean(where, "cache.train", cache[3])


def check_layernorm_backward(conv: str, dout: Any, cache: Any) -> None:
    if _nested():
        return
    _norm_cache(f"{conv}.layernorm_backward", conv, dout, cache, "LayerNormCache",
                ("x_hat", "gamma", "sigma"), per_example=True)
