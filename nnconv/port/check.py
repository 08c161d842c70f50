"""Check a translation by running it on inputs of given shapes: the translated functions,
given the transposes of the original's inputs, must return the transposes of the original's
outputs.

Nothing is invented: a parameter gets, in order of preference, a value from ``values``, its
default, a random array of the shape given in ``shapes``, or 0.5 when it is named in
``scalars``. A function with a parameter none of these covers is reported ``not exercised``
(to check code on the inputs it really takes, give example calls: :func:`nnconv.port.verify`).
Random draws are reseeded (``np.random.seed``) before each call, so the translation's
transposed draws are compared too.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..layout import transpose

MAX_ELEMENTS = 10_000_000
"""The largest input ``--shapes`` may ask for: example inputs are small."""
ORIGINAL_RAISED = "the original raised"


@dataclass
class Verdict:
    """The verdict on one function or method: ``status`` is ``"exact"`` (bitwise transposes),
    ``"close"`` (equal to rounding: a product summed in another order), ``"wrong"``,
    ``"failed"`` (the translation raised where the original did not), ``"refused"`` (it could
    not be translated or its inputs transposed) or ``"not exercised"``; ``reason`` says why
    or where."""

    status: str
    reason: str = ""

    @property
    def ok(self) -> bool:
        """True for ``"exact"`` and ``"close"``."""
        return self.status in ("exact", "close")

    def __str__(self) -> str:
        return self.status + (f" ({self.reason})" if self.reason else "")


@dataclass
class FunctionCheck:
    """The verdict on one function, by name: ``status`` as for :class:`Verdict`."""

    name: str
    status: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        """True for ``"exact"`` and ``"close"``."""
        return self.status in ("exact", "close")

    @property
    def original_crashed(self) -> bool:
        """True when the original itself raised on the inputs given."""
        return self.detail.startswith(ORIGINAL_RAISED)

    def __str__(self) -> str:
        return f"{self.name}: {self.status}" + (f" ({self.detail})" if self.detail else "")


def parse_shapes(text: str) -> dict[str, Any]:
    """``"X=3x5,b=1x5,y=5:int3"`` as ``{"X": (3, 5), "b": (1, 5), "y": ((5,), 3)}``: a shape,
    or a shape and a number of classes for an integer label array."""
    shapes: dict[str, Any] = {}
    for item in filter(None, (s.strip() for s in text.split(","))):
        name, _, spec = item.partition("=")
        spec, _, classes = spec.partition(":")
        try:
            shape = tuple(int(d) for d in spec.lower().split("x"))
            shapes[name.strip()] = (shape, int(classes.removeprefix("int"))) if classes else shape
        except ValueError:
            raise ValueError(f"--shapes: {item!r} is not NAME=AxB, NAME=N or NAME=N:intK") from None
        if any(d < 0 for d in shape) or len(shape) > 2:
            raise ValueError(f"--shapes: {item!r}: give one or two sizes, none negative")
        if int(np.prod(shape, dtype=object)) > MAX_ELEMENTS:
            raise ValueError(f"--shapes: {item!r} asks for {int(np.prod(shape, dtype=object)):,} elements; "
                             f"checks run on small examples (at most {MAX_ELEMENTS:,} elements per input)")
    return shapes


def compare(expected: Any, actual: Any, path: str = "output") -> tuple[str, str]:
    """("exact" | "close" | "wrong", where) for the transposed original output and the
    translation's output."""
    if isinstance(expected, np.ndarray) or isinstance(actual, np.ndarray):
        e, a = np.asarray(expected), np.asarray(actual)
        if e.shape != a.shape:
            return "wrong", f"{path}: shape {a.shape}, expected {e.shape}"
        if np.array_equal(e, a, equal_nan=e.dtype.kind in "fc"):
            return "exact", ""
        if e.dtype.kind in "fc" and np.allclose(e, a, rtol=1e-9, atol=1e-12, equal_nan=True):
            return "close", ""
        return "wrong", f"{path}: values differ"
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        if set(expected) != set(actual):
            return "wrong", f"{path}: keys {sorted(actual)}, expected {sorted(expected)}"
        return worst([compare(expected[k], actual[k], f"{path}[{k!r}]") for k in expected])
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        if len(expected) != len(actual):
            return "wrong", f"{path}: {len(actual)} items, expected {len(expected)}"
        return worst([compare(e, a, f"{path}[{i}]") for i, (e, a) in enumerate(zip(expected, actual, strict=True))])
    if isinstance(expected, (float, np.floating)) and isinstance(actual, (float, int, np.number)):
        if expected == actual or (np.isnan(expected) and np.isnan(actual)):
            return "exact", ""
        if np.isclose(expected, actual, rtol=1e-9, atol=1e-12):
            return "close", ""
        return "wrong", f"{path}: {actual!r}, expected {expected!r}"
    return ("exact", "") if expected == actual else ("wrong", f"{path}: {actual!r}, expected {expected!r}")


def worst(results: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """The worst of several verdicts: wrong, then close, then exact."""
    order = {"exact": 0, "close": 1, "wrong": 2}
    return max(results, key=lambda r: order[r[0]], default=("exact", ""))


def functions(source: str) -> list[ast.FunctionDef]:
    """The top-level functions of ``source``."""
    return [node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]


def execute(source: str, filename: str) -> dict[str, Any]:
    """Run ``source`` in a fresh namespace holding ``np``; return the namespace."""
    namespace: dict[str, Any] = {"np": np, "numpy": np, "__name__": "nnconv_port_check"}
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def make_input(shape: Any, rng: np.random.Generator, positive: bool) -> Any:
    """A random array of ``shape``; ``(shape, classes)`` gives integer labels."""
    if isinstance(shape, tuple) and len(shape) == 2 and isinstance(shape[0], tuple):
        return rng.integers(0, shape[1], size=shape[0])
    if positive:
        return rng.uniform(0.05, 0.95, size=shape)
    return rng.standard_normal(shape)


def call(func: Callable[..., Any], kwargs: dict[str, Any], seed: int) -> Any:
    """``func(**kwargs)`` after ``np.random.seed(seed)``."""
    np.random.seed(seed)  # noqa: NPY002 - the code under test may draw from the legacy global state
    return func(**kwargs)


def check(
    original: str,
    translated: str | None = None,
    *,
    to: str = "colmajor",
    shapes: Mapping[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
    scalars: Iterable[str] = (),
    vectors: Iterable[str] = (),
    seed: int = 0,
) -> list[FunctionCheck]:
    """Run each top-level function of ``original`` and of its translation on the inputs given
    and compare: the translation's outputs must be the transposes of the original's.

    Parameters
    ----------
    original : str
        The source as written, in either convention.
    translated : str, optional
        Its translation; by default ``translate(original, to=to, ...)``.
    shapes : mapping, optional
        Shapes of the *original's* inputs, ``{"X": (3, 5)}``; ``(shape, k)`` for integer
        labels in [0, k). No other shape is made up.
    values : mapping, optional
        Fixed inputs (scalars, strings, containers), passed as they are to the original and
        transposed (:func:`nnconv.transpose`) for the translation.
    scalars, vectors : iterable of str
        As for :func:`~nnconv.port.translate`; a parameter named in ``scalars`` gets 0.5.

    Returns
    -------
    list of FunctionCheck
        One verdict per function, in source order: ``exact``, ``close``, ``wrong``,
        ``failed`` or ``not exercised``.
    """
    from . import translate

    scalars = set(scalars)
    shapes, values = dict(shapes or {}), dict(values or {})
    if translated is None:
        translated = translate(original, to=to, scalars=scalars, vectors=vectors)
    ns_original = execute(original, "<original>")
    ns_translated = execute(translated, "<translated>")
    positive = "log(" in original
    results = []
    for node in functions(original):
        results.append(check_function(node, ns_original[node.name], ns_translated[node.name], shapes, values,
                                      scalars, positive, seed))
    return results


def check_function(node: ast.FunctionDef, original: Callable[..., Any], translated: Callable[..., Any],
                   shapes: dict[str, Any], values: dict[str, Any], scalars: set[str], positive: bool,
                   seed: int) -> FunctionCheck:
    """One function on the inputs given; a parameter nothing gives leaves it not exercised."""
    rng = np.random.default_rng(seed)
    args = node.args
    defaults = {a.arg for a in args.args[len(args.args) - len(args.defaults):]}
    defaults |= {a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None}
    kwargs: dict[str, Any] = {}
    missing = []
    for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        p = a.arg
        if p in values:
            kwargs[p] = values[p]
        elif p in shapes:
            kwargs[p] = make_input(shapes[p], rng, positive)
        elif p in scalars:
            kwargs[p] = 0.5
        elif p not in defaults:
            missing.append(p)
    if missing:
        return FunctionCheck(node.name, "not exercised", f"no input given for {', '.join(missing)}: give "
                             "--shapes NAME=AxB or --values NAME=VALUE, or example calls with --run")
    with np.errstate(all="ignore"):
        try:
            expected = transpose(call(original, copy.deepcopy(kwargs), seed))
        except Exception as error:  # noqa: BLE001 - reported, not raised
            return FunctionCheck(node.name, "not exercised", f"{ORIGINAL_RAISED} {type(error).__name__}: "
                                 f"{error}; give other inputs")
        try:
            actual = call(translated, transpose(copy.deepcopy(kwargs)), seed)
        except Exception as error:  # noqa: BLE001 - reported, not raised
            return FunctionCheck(node.name, "failed", f"{type(error).__name__}: {error}")
    status, where = compare(expected, actual)
    return FunctionCheck(node.name, status, where)
