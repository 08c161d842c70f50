"""Verify a translation by running it: the translated functions, given the transposes of the
original's inputs, must return the transposes of the original's outputs.

Inputs are random. A parameter gets, in order of preference: a value from ``values``; its
default; a scalar 0.5 (``scalars``); a 1-D array (``vectors``); else a 2-D array. Shapes come
from ``shapes`` or are inferred: random small shapes are tried until the original runs without
an error, preferring non-square arrays so that a transposition mistake cannot hide. Container
parameters (``params``, ``caches``…) cannot be inferred: such a function is reported skipped
unless ``values`` provides them. Random draws are reseeded (``np.random.seed``) before each
call, so the translation's transposed draws are compared too.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..layout import transpose
from .names import hinted

Shape = tuple[int, ...]
SIZES = (1, 2, 3, 4, 5)


@dataclass
class FunctionCheck:
    """The verdict on one function: ``status`` is ``"exact"`` (bitwise transposes),
    ``"close"`` (equal to rounding: a product summed in another order), ``"differ"``,
    ``"skipped"`` (inputs could not be inferred) or ``"error"`` (the translation raised)."""

    name: str
    status: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        """True for ``"exact"`` and ``"close"``."""
        return self.status in ("exact", "close")

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
    return shapes


def compare(expected: Any, actual: Any, path: str = "output") -> tuple[str, str]:
    """("exact" | "close" | "differ", where) for the transposed original output and the
    translation's output."""
    if isinstance(expected, np.ndarray) or isinstance(actual, np.ndarray):
        e, a = np.asarray(expected), np.asarray(actual)
        if e.shape != a.shape:
            return "differ", f"{path}: shape {a.shape}, expected {e.shape}"
        if np.array_equal(e, a, equal_nan=e.dtype.kind in "fc"):
            return "exact", ""
        if e.dtype.kind in "fc" and np.allclose(e, a, rtol=1e-9, atol=1e-12, equal_nan=True):
            return "close", ""
        return "differ", f"{path}: values differ"
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        if set(expected) != set(actual):
            return "differ", f"{path}: keys {sorted(actual)}, expected {sorted(expected)}"
        return worst([compare(expected[k], actual[k], f"{path}[{k!r}]") for k in expected])
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        if len(expected) != len(actual):
            return "differ", f"{path}: {len(actual)} items, expected {len(expected)}"
        return worst([compare(e, a, f"{path}[{i}]") for i, (e, a) in enumerate(zip(expected, actual, strict=True))])
    if isinstance(expected, (float, np.floating)) and isinstance(actual, (float, int, np.number)):
        if expected == actual or (np.isnan(expected) and np.isnan(actual)):
            return "exact", ""
        if np.isclose(expected, actual, rtol=1e-9, atol=1e-12):
            return "close", ""
        return "differ", f"{path}: {actual!r}, expected {expected!r}"
    return ("exact", "") if expected == actual else ("differ", f"{path}: {actual!r}, expected {expected!r}")


def worst(results: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """The worst of several verdicts: differ, then close, then exact."""
    order = {"exact": 0, "close": 1, "differ": 2}
    return max(results, key=lambda r: order[r[0]], default=("exact", ""))


def functions(source: str) -> list[ast.FunctionDef]:
    """The top-level functions of ``source``."""
    return [node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]


def used_as_containers(node: ast.FunctionDef) -> set[str]:
    """Names that ``node`` looks up with a string, appends to or unpacks: containers."""
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name):
            key = sub.slice.left if isinstance(sub.slice, ast.BinOp) else sub.slice
            if isinstance(key, ast.JoinedStr) or isinstance(key, ast.Constant) and isinstance(key.value, str):
                names.add(sub.value.id)
        elif isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.attr in (
                "append", "items", "keys", "values", "get", "extend", "update"):
            names.add(sub.value.id)
        elif isinstance(sub, ast.Assign) and isinstance(sub.value, ast.Name) and isinstance(
                sub.targets[0], (ast.Tuple, ast.List)):
            names.add(sub.value.id)
    return names


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


def infer_shapes(func: Callable[..., Any], free: dict[str, int], fixed: dict[str, Any],
                 rng: np.random.Generator, positive: bool, tries: int) -> dict[str, Any] | None:
    """Shapes for the ``free`` parameters (name: 1 or 2 dimensions) with which ``func`` runs,
    preferring few square arrays and few dimensions of 1; None if none is found. The sizes
    tried are 1 to 5 and those of the ``fixed`` arrays."""
    sizes = sorted(set(SIZES) | {d for v in fixed.values() if isinstance(v, np.ndarray) for d in v.shape})
    best: tuple[int, dict[str, Any]] | None = None
    found = 0
    for _ in range(tries):
        shapes = {name: tuple(int(d) for d in rng.choice(sizes, size=ndim)) for name, ndim in free.items()}
        kwargs = dict(fixed)
        kwargs.update({n: make_input(s, rng, positive) for n, s in shapes.items()})
        try:
            with np.errstate(all="ignore"):
                call(func, copy.deepcopy(kwargs), 0)
        except Exception:  # noqa: BLE001 - any failure means these shapes do not fit
            continue
        score = sum(10 * (len(s) == 2 and s[0] == s[1]) + sum(d == 1 for d in s) for s in shapes.values())
        if best is None or score < best[0]:
            best = (score, shapes)
        found += 1
        if found >= 40 or score == 0:
            break
    return None if best is None else best[1]


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
    tries: int = 3000,
) -> list[FunctionCheck]:
    """Run each top-level function of ``original`` and of its translation on random inputs
    and compare: the translation's outputs must be the transposes of the original's.

    Parameters
    ----------
    original : str
        The source as written, in either convention.
    translated : str, optional
        Its translation; by default ``translate(original, to=to, ...)``.
    shapes : mapping, optional
        Shapes of the *original's* inputs, ``{"X": (3, 5)}``; ``(shape, k)`` for integer
        labels in [0, k). Others are inferred.
    values : mapping, optional
        Fixed inputs (scalars, strings, containers), passed as they are to the original and
        transposed (:func:`nnconv.transpose`) for the translation.
    scalars, vectors : iterable of str
        As for :func:`~nnconv.port.translate`.

    Returns
    -------
    list of FunctionCheck
        One verdict per function, in source order.
    """
    from . import translate

    scalars, vectors = set(scalars), set(vectors)
    shapes, values = dict(shapes or {}), dict(values or {})
    if translated is None:
        translated = translate(original, to=to, scalars=scalars, vectors=vectors)
    ns_original = execute(original, "<original>")
    ns_translated = execute(translated, "<translated>")
    positive = "log(" in original
    results = []
    for node in functions(original):
        name = node.name
        rng = np.random.default_rng(seed)
        args = node.args
        defaults = dict(zip([a.arg for a in args.args][::-1], args.defaults[::-1], strict=False))
        defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None})
        fixed: dict[str, Any] = {}
        free: dict[str, int] = {}
        missing = []
        containers = used_as_containers(node)
        for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            p = a.arg
            if p in values:
                fixed[p] = values[p]
            elif p in shapes:
                fixed[p] = make_input(shapes[p], rng, positive)
            elif p in defaults:
                continue
            elif p in scalars:
                fixed[p] = 0.5
            elif p in vectors:
                free[p] = 1
            elif p in containers:
                missing.append(p)
            else:
                free[p] = 2
                if hinted(p) is not None:
                    missing.append(p)  # a container by its name: perhaps an array after all
        if any(p in containers for p in missing):
            results.append(FunctionCheck(name, "skipped", f"give values for {', '.join(missing)} (--values)"))
            continue
        found = infer_shapes(ns_original[name], free, fixed, rng, positive, tries) if free else {}
        if found is None:
            give = f"give values for {', '.join(missing)} (--values)" if missing else \
                "give them with --shapes X=AxB,..."
            results.append(FunctionCheck(name, "skipped", f"no inputs found with which it runs; {give}"))
            continue
        kwargs = dict(fixed)
        kwargs.update({n: make_input(s, rng, positive) for n, s in found.items()})
        with np.errstate(all="ignore"):
            try:
                expected = transpose(call(ns_original[name], copy.deepcopy(kwargs), seed))
            except Exception as error:  # noqa: BLE001 - reported, not raised
                results.append(FunctionCheck(name, "skipped", f"the original raised {type(error).__name__}: "
                                             f"{error}; give its inputs with shapes or values"))
                continue
            try:
                actual = call(ns_translated[name], transpose(copy.deepcopy(kwargs)), seed)
            except Exception as error:  # noqa: BLE001 - reported, not raised
                results.append(FunctionCheck(name, "error", f"{type(error).__name__}: {error}"))
                continue
        status, where = compare(expected, actual)
        described = ", ".join(f"{n} {'x'.join(map(str, s))}" for n, s in found.items())
        detail = where or (f"inputs {described}" if described else "")
        results.append(FunctionCheck(name, status, detail))
    return results
