"""Establishing kinds: what each name, attribute and item holds, before anything is rewritten.

Every rule of transposition depends on what a value is: a *scalar*, a 1-D *vector*, a 2-D
*matrix*, a *container* (list, tuple, dict) or something *other* (a module, a string, an
object). Nothing is guessed. A kind comes from, in this order:

1. **Evidence**: the kinds the names, attributes and items actually took when the original ran
   on example calls (:func:`record`), per function and line. A name seen as both a vector and a
   matrix at one line is of *unknown* rank there.
2. **Hints**: ``scalars=``, ``vectors=``, ``matrices=``, ``containers=``, each a name
   (``"b"``), a path (``"self.b"``, ``"params['b1']"``) or either scoped to a function or
   method (``"affine_forward.b"``, ``"Dense.forward.self.b"``). A hint the evidence
   contradicts is an error.
3. **Static rules**, only where the kind follows without doubt: literals, results of NumPy
   calls, a parameter with a number as default, a parameter the function looks up with a
   string or calls ``.items()`` on (a container), a parameter indexed with two indices or whose
   ``.shape[1]`` it reads (a matrix), names bound by the rewrite from the kinds of their values.

Anything else is *unknown*, and the rewrite raises a :class:`~nnconv.port.TranslationError`
where its rule depends on the kind (see :mod:`nnconv.port.rewrite`).
"""

from __future__ import annotations

import ast
import io
import linecache
import sys
import types
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
import numpy as np

from .errors import ExamplesError

S, V, M, SH, VSH, C, O, NONE, U, ND, F = ("scalar", "vector", "matrix", "shape", "vshape", "container",
                                          "other", "none", "unknown", "nd", "function")
USH = "ushape"
"""The shape of an array of unknown rank."""
ARRAYS = (V, M)
DESCRIBED = {S: "a number", V: "a 1-D array", M: "a 2-D array", C: "a list, tuple or dict", O: "an object",
             NONE: "None", ND: "an array of 3 or more dimensions", U: "unknown", F: "a function of this source"}
HINT_KINDS = {"scalars": S, "vectors": V, "matrices": M, "containers": C}
MAX_ITEMS = 64
MAX_DEPTH = 3
MAX_HITS = 24


class KindError(ValueError):
    """A kind that cannot be established; the rewrite adds the line and the construct."""


def kind_of(value: Any) -> str:
    """The kind of a Python value, as the rewrite sees it."""
    if isinstance(value, (bool, int, float, complex, np.number, np.bool_)):
        return S
    if isinstance(value, np.ndarray):
        return {0: S, 1: V, 2: M}.get(value.ndim, ND)
    if isinstance(value, (list, tuple, dict)):
        return C
    if value is None:
        return NONE
    if isinstance(value, (types.FunctionType, types.MethodType)) and value.__code__.co_filename.startswith(
            "<nnconv original"):
        return F
    return O


def describe(kinds: Iterable[str]) -> str:
    return " and ".join(DESCRIBED.get(k, k) for k in sorted(kinds))


# ------------------------------------------------------------------------------------ evidence
@dataclass
class Evidence:
    """Kinds recorded while the original ran: ``lines[(function, line)][path]`` is the set of
    kinds ``path`` held each time ``line`` of ``function`` (a qualified name such as
    ``"TwoLayerNet.loss"``) was about to run; ``entry[function][parameter]`` the kinds of the
    arguments."""

    lines: dict[tuple[str, int], dict[str, set[str]]] = field(default_factory=dict)
    shapes: dict[tuple[str, int], dict[str, set[tuple[int, ...]]]] = field(default_factory=dict)
    entry: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    hits: dict[tuple[str, int], int] = field(default_factory=dict)
    joint: dict[tuple[str, int], set[frozenset[tuple[str, str]]]] = field(default_factory=dict)
    """Items with a key held in a variable (``params[k]``, ``grads[k]``), their kinds taken
    together each time the line ran: items whose ranks vary with the key, but always alike."""

    def same_rank(self, function: str, line: int, paths: list[str]) -> bool:
        """True when, every time ``line`` ran, the items ``paths`` all had one kind."""
        records = self.joint.get((function, line), set())
        if not records:
            return False
        for record in records:
            kinds = dict(record)
            if any(p not in kinds for p in paths) or len({kinds[p] for p in paths}) != 1:
                return False
        return True

    def reached(self, function: str, line: int) -> bool:
        return (function, line) in self.lines

    def called(self, function: str) -> bool:
        return function in self.entry

    def at(self, function: str, line: int, path: str) -> set[str]:
        """The kinds of ``path`` at ``line``; a path ending in ``*']`` (a key built from a
        prefix, such as ``params['W' + str(l)]``) gathers every key with that prefix."""
        paths = self.lines.get((function, line), {})
        if path.endswith("*']"):
            prefix = path[:-3]
            return set().union(*(k for p, k in paths.items() if p.startswith(prefix) and "[" not in p[len(prefix):]))
        return paths.get(path, set())

    def shape(self, function: str, line: int, path: str) -> str:
        shapes = self.shapes.get((function, line), {}).get(path, set())
        return ", ".join(str(s) for s in sorted(shapes))

    def in_class(self, cls: str, path: str) -> set[str]:
        """The kinds an attribute path (``self.W``) held anywhere in the methods of ``cls``."""
        kinds: set[str] = set()
        for (function, _), paths in self.lines.items():
            if function.rsplit(".", 1)[0] == cls:
                kinds |= paths.get(path, set())
        return kinds

    def note(self, function: str, line: int, frame_locals: dict[str, Any]) -> None:
        """Record the kinds of these locals (or of a call's result, ``"f()"``) at ``line``."""
        key = (function, line)
        self.hits[key] = self.hits.get(key, 0) + 1
        if self.hits[key] > MAX_HITS and not any(name.endswith("()") for name in frame_locals):
            return
        paths = self.lines.setdefault(key, {})
        shapes = self.shapes.setdefault(key, {})
        for name, value in frame_locals.items():
            for path, item in walk(name, value, 0):
                paths.setdefault(path, set()).add(kind_of(item))
                if isinstance(item, np.ndarray):
                    shapes.setdefault(path, set()).add(item.shape)


def walk(path: str, value: Any, depth: int) -> Iterator[tuple[str, Any]]:
    """``(path, value)`` for a value and the items and attributes inside it: ``params['W1']``,
    ``cache[0]``, ``self.W``; ``x[*]`` stands for every item of a list, tuple or dict."""
    yield path, value
    if depth >= MAX_DEPTH:
        return
    if isinstance(value, dict) and len(value) <= MAX_ITEMS:
        for key, item in value.items():
            if isinstance(key, (str, int)):
                yield from walk(f"{path}[{key!r}]", item, depth + 1)
            yield from walk(f"{path}[*]", item, depth + 1)
    elif isinstance(value, (list, tuple)) and len(value) <= MAX_ITEMS:
        for i, item in enumerate(value):
            yield from walk(f"{path}[{i}]", item, depth + 1)
            yield from walk(f"{path}[*]", item, depth + 1)
    elif not isinstance(value, (type, types.ModuleType, types.FunctionType, types.MethodType, np.ndarray)) \
            and type(value).__module__ not in ("builtins", "numpy") and hasattr(value, "__dict__"):
        for attr, item in list(vars(value).items())[:MAX_ITEMS]:
            yield from walk(f"{path}.{attr}", item, depth + 1)


def load(source: str, name: str, filename: str) -> types.ModuleType:
    """``source`` executed as a module called ``name`` (tracebacks show its lines); ``np``
    is there already, as in a notebook cell after ``import numpy as np``."""
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    module = types.ModuleType(name)
    module.__file__ = filename
    module.__dict__.update(np=np, numpy=np)
    exec(compile(source, filename, "exec"), module.__dict__)  # noqa: S102 - running the user's code is the point
    return module


@contextmanager
def installed(name: str, module: types.ModuleType) -> Iterator[None]:
    """``module`` importable as ``name`` for the duration."""
    saved = sys.modules.get(name)
    sys.modules[name] = module
    try:
        yield
    finally:
        if saved is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = saved


def run_examples(examples: str, name: str, module: types.ModuleType) -> None:
    """Run the check script ``examples`` with ``module`` importable as ``name``; a failure is
    an :class:`~nnconv.port.errors.ExamplesError` that says where."""
    with installed(name, module), np.errstate(all="ignore"), redirect_stdout(io.StringIO()):
        try:
            code = compile(examples, "<examples>", "exec")
            exec(code, {"__name__": "__main__"})  # noqa: S102 - running the user's checks is the point
        except SyntaxError as error:
            raise ExamplesError(f"the examples are not valid Python: line {error.lineno}: {error.msg}") from None
        except Exception as error:  # noqa: BLE001 - any failure of the original is reported
            raise ExamplesError(f"the examples failed on the original code: {type(error).__name__}: {error} "
                                f"({where(error)})") from error


def where(error: BaseException) -> str:
    """``"<examples> line 4"``: the innermost frame of a traceback."""
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return f"{tb.tb_frame.f_code.co_filename} line {tb.tb_lineno}" if tb is not None else "unknown place"


def keyed_items(source: str) -> dict[int, list[tuple[str, types.CodeType]]]:
    """Per statement line, the items looked up with a key held in a variable (``params[k]``,
    ``self.grads[name]``), compiled to be read while the line runs."""
    tree = ast.parse(source)
    found: dict[int, list[tuple[str, types.CodeType]]] = {}
    for statement in ast.walk(tree):
        if not isinstance(statement, ast.stmt) or isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
            continue
        fields = [getattr(statement, f) for f in ("value", "target", "targets", "test", "iter")
                  if hasattr(statement, f)]
        for node in (n for f in fields for item in (f if isinstance(f, list) else [f]) if item is not None
                     for n in ast.walk(item)):
            if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Name) and isinstance(
                    node.value, (ast.Name, ast.Attribute)):
                text = ast.unparse(node)
                entries = found.setdefault(statement.lineno, [])
                if text not in [t for t, _ in entries]:
                    entries.append((text, compile(text, "<nnconv item>", "eval")))
    return found


def function_name(code: types.CodeType) -> str:
    """The qualified name of the function a frame runs; a comprehension counts as the function
    that contains it."""
    name = code.co_qualname
    while ".<locals>.<" in name:
        name = name[:name.rindex(".<locals>.<")]
    return name


def record(source: str, examples: str, name: str) -> Evidence:
    """Run ``examples`` against ``source`` (importable as ``name``) and record, at each line of
    each of its functions, the kind of every local name, attribute and item."""
    filename = f"<nnconv original {name}>"
    evidence = Evidence()

    keyed = keyed_items(source)

    def local(frame: types.FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            function = function_name(frame.f_code)
            evidence.note(function, frame.f_lineno, frame.f_locals)
            if frame.f_lineno in keyed and evidence.hits[(function, frame.f_lineno)] <= MAX_HITS:
                values = {}
                for text, code in keyed[frame.f_lineno]:
                    try:
                        values[text] = kind_of(eval(code, frame.f_globals, frame.f_locals))  # noqa: S307
                    except Exception:  # noqa: BLE001, S112 - an item not there yet
                        continue
                evidence.note(function, frame.f_lineno, {})
                evidence.lines[(function, frame.f_lineno)].update(
                    {t: evidence.lines[(function, frame.f_lineno)].get(t, set()) | {k} for t, k in values.items()})
                evidence.joint.setdefault((function, frame.f_lineno), set()).add(frozenset(values.items()))
        elif event == "return" and frame.f_back is not None and frame.f_back.f_code.co_filename == filename \
                and not frame.f_code.co_name.startswith("<"):
            caller = frame.f_back
            evidence.note(function_name(caller.f_code), caller.f_lineno, {f"{frame.f_code.co_name}()": arg})
        return local

    def tracer(frame: types.FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != filename:
            return None
        function = function_name(frame.f_code)
        if event == "call" and function == frame.f_code.co_qualname:
            entry = evidence.entry.setdefault(function, {})
            for param, value in frame.f_locals.items():
                entry.setdefault(param, set()).add(kind_of(value))
        return local

    module = load(source, name, filename)
    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        run_examples(examples, name, module)
    finally:
        sys.settrace(previous)
    return evidence


# --------------------------------------------------------------------------------------- hints
@dataclass
class Hints:
    """Kinds given by the user: ``(scope, path) -> kind``; scope None applies everywhere."""

    kinds: dict[tuple[str | None, str], str] = field(default_factory=dict)

    @classmethod
    def parse(cls, given: Mapping[str, Iterable[str]], functions: set[str]) -> Hints:
        """``{"vectors": ["affine_forward.b", "y"], ...}``; ``functions`` are the qualified
        names defined in the source, so that ``affine_forward.b`` reads as a scoped hint."""
        hints = cls()
        for option, names in given.items():
            for text in names:
                scope, path = split_scope(text.strip(), functions)
                kind = HINT_KINDS[option]
                other = hints.kinds.get((scope, path))
                if other is not None and other != kind:
                    raise KindError(f"{text} is named in both {option_of(other)}= and {option}=")
                hints.kinds[(scope, path)] = kind
        return hints

    def get(self, function: str | None, path: str) -> str | None:
        """The hint for ``path`` in ``function`` (or an enclosing scope, or everywhere); a key
        built from a prefix (``params['W*']``) takes the hint all keys with that prefix share."""
        scopes: list[str | None] = []
        scope = function
        while scope:
            scopes.append(scope)
            scope = scope.rsplit(".", 1)[0] if "." in scope else None
        for scope in [*scopes, None]:
            if (scope, path) in self.kinds:
                return self.kinds[(scope, path)]
            if path.endswith("*']"):
                prefix = path[:-3]
                found = {k for (s, p), k in self.kinds.items() if s == scope and p.startswith(prefix)}
                if len(found) == 1:
                    return found.pop()
        return None


def option_of(kind: str) -> str:
    return next(option for option, k in HINT_KINDS.items() if k == kind)


def split_scope(text: str, functions: set[str]) -> tuple[str | None, str]:
    """``"TwoLayerNet.loss.b"`` as ``("TwoLayerNet.loss", "b")`` when that method exists."""
    parts = text.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        scope = ".".join(parts[:cut])
        if scope in functions:
            return scope, ".".join(parts[cut:])
    return None, text


# -------------------------------------------------------------------------------- static rules
CONTAINER_METHODS = {"append", "items", "keys", "values", "get", "extend", "insert", "update", "pop",
                     "setdefault"}
"""Methods a list or dict has and an ndarray has not: calling one shows a container."""


class Usage(cst.CSTVisitor):
    """What a function body shows, without doubt, about names it never rebinds: looked up with
    a string or sent a container method (a container); indexed with two indices, or its
    ``.shape[1]``, ``.shape[-2]`` or ``axis=1`` read (a 2-D array)."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds: dict[str, set[str]] = {}
        self.assigned: set[str] = set()

    def saw(self, node: cst.BaseExpression, kind: str) -> None:
        if isinstance(node, cst.Name):
            self.kinds.setdefault(node.value, set()).add(kind)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if len(node.slice) == 2 and all(isinstance(e.slice, (cst.Index, cst.Slice)) for e in node.slice):
            self.saw(node.value, M)
        elif len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index) and string_key(
                node.slice[0].slice.value):
            self.saw(node.value, C)
        if isinstance(node.value, cst.Attribute) and node.value.attr.value == "shape" and len(node.slice) == 1:
            s = node.slice[0].slice
            if isinstance(s, cst.Index) and cst.Module([]).code_for_node(s.value) in ("1", "-2"):
                self.saw(node.value.value, M)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in CONTAINER_METHODS:
            self.saw(func.value, C)

    def visit_Param(self, node: cst.Param) -> bool:
        return False

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.assigned |= bound_names(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.assigned |= bound_names(node.target)

    def visit_For(self, node: cst.For) -> None:
        self.assigned |= bound_names(node.target)

    def certain(self) -> dict[str, str]:
        """Names with exactly one kind shown and never rebound."""
        return {n: next(iter(k)) for n, k in self.kinds.items() if len(k) == 1 and n not in self.assigned}


def bound_names(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return set().union(*(bound_names(e.value) for e in target.elements))
    return set()


def string_key(node: cst.BaseExpression) -> bool:
    """True for ``"W1"``, ``f"W{l}"`` and ``"W" + str(l)``: keys of a dict."""
    if isinstance(node, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)):
        return True
    return isinstance(node, cst.BinaryOperation) and string_key(node.left)


def parameter_kind(param: cst.Param) -> str | None:
    """The kind a parameter's default or annotation fixes: a number default, ``int``/``float``
    annotations (scalars); ``str``, ``dict``, ``list``, ``tuple`` annotations."""
    default = param.default
    if isinstance(default, (cst.Integer, cst.Float)) or (
            isinstance(default, cst.UnaryOperation) and isinstance(default.expression, (cst.Integer, cst.Float))):
        return S
    if isinstance(default, cst.Name) and default.value in ("True", "False"):
        return S
    if isinstance(default, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)):
        return O
    if param.annotation is not None:
        annotation = cst.Module([]).code_for_node(param.annotation.annotation)
        if annotation in ("int", "float", "bool", "complex"):
            return S
        if annotation == "str":
            return O
        if annotation in ("dict", "list", "tuple") or annotation.startswith(("dict[", "list[", "tuple[")):
            return C
    return None


# ------------------------------------------------------------------------------------- kinds
class Kinds:
    """Evidence and hints, asked by the rewrite for the kind of a path at a line."""

    def __init__(self, hints: Hints, evidence: Evidence | None) -> None:
        self.hints, self.evidence = hints, evidence

    def observed(self, function: str | None, line: int, path: str, *, parameter: bool = False) -> str | None:
        """The kind the examples gave ``path`` at ``line`` of ``function`` (``unknown`` when
        they gave it two ranks there), or None when they say nothing. Raises KindError for a
        hint the evidence contradicts."""
        seen = self.seen(function, line, path, parameter)
        if len(seen) > 1:
            seen.discard(NONE)
        if not seen:
            return None
        if len(seen) > 1:
            return U
        observed = next(iter(seen))
        hint = self.hints.get(function, path)
        if hint is not None and hint != observed and observed != NONE:
            assert self.evidence is not None and function is not None
            shape = self.evidence.shape(function, line, path)
            raise KindError(f"{path} is named in {option_of(hint)}=, but the examples gave it "
                            f"{describe(seen)}{f' of shape {shape}' if shape else ''}; drop the hint")
        return observed

    def same_rank(self, function: str, line: int, paths: list[str]) -> bool:
        """True when the examples gave the items ``paths`` one kind each time ``line`` ran."""
        return self.evidence is not None and self.evidence.same_rank(function, line, paths)

    def shapes(self, function: str, line: int, path: str) -> set[tuple[int, ...]]:
        """The shapes the examples gave ``path`` at ``line``."""
        if self.evidence is None:
            return set()
        return set(self.evidence.shapes.get((function, line), {}).get(path, set()))

    def unreached(self, function: str, line: int) -> bool:
        """True when the examples call ``function`` but never reach ``line`` of it."""
        return self.evidence is not None and self.evidence.called(function) and not self.evidence.reached(
            function, line)

    def seen(self, function: str | None, line: int, path: str, parameter: bool) -> set[str]:
        if self.evidence is None or function is None:
            return set()
        kinds = set(self.evidence.at(function, line, path))
        if not kinds and parameter:
            kinds = set(self.evidence.entry.get(function, {}).get(path, set()))
        if not kinds and path.startswith("self.") and "." in function:
            kinds = self.evidence.in_class(function.rsplit(".", 1)[0], path)
        return kinds

    def why_unknown(self, function: str | None, line: int, paths: list[str]) -> str:
        """Why ``paths`` have no kind: ranks that change in the examples, a line the examples
        never reach, or no examples at all; and what to pass."""
        names = ", ".join(paths)
        scoped = f"{function}.{paths[0]}" if function and function != "<module>" else paths[0]
        hint = (f"name {'it' if len(paths) == 1 else 'them'} in vectors=, matrices=, scalars= or containers= "
                f"(scoped to a function like {scoped!r})")
        for path in paths:
            seen = self.seen(function, line, path, True) - {NONE}
            if len(seen) > 1:
                return (f"the examples gave {path} {describe(seen)} here: its rank changes, and each rank needs "
                        "another rewrite; give each rank its own name")
        if self.evidence is not None and function is not None and not self.evidence.reached(function, line):
            return (f"the examples never reach this line, so the kind of {names} is unknown: add a call that "
                    f"does, or {hint}")
        return (f"nothing establishes whether {names} {'is' if len(paths) == 1 else 'are'} numbers, 1-D or 2-D "
                f"arrays or containers: give example calls (examples= / --run CHECKS.py), or {hint}")
