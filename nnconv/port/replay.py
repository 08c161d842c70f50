"""Verify a translation by execution, on the calls the user's own checks make.

1. The check script runs against the original module, with every function and every method
   of its classes replaced by a wrapper that records the first few calls: the inputs (``self``
   included, so objects the script built are recorded as they were), the state of the random
   generators, the outputs, and the inputs again afterwards (code that updates a dict or an
   object in place is checked on what it leaves).
2. Each recorded call is made again on the translated module: 2-D arrays transposed, 1-D
   arrays and scalars as they were, objects rebuilt as instances of the translated classes with
   their attributes transposed, the random generators put back in the same state.
3. The translation's outputs and what it left in its inputs are compared with the original's,
   transposed: ``exact`` (bitwise), ``close`` (to rounding: a product summed in another order),
   ``wrong``, or ``failed`` when the translation raised where the original did not.
"""

from __future__ import annotations

import copy
import functools
import random
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .check import Verdict, compare, worst
from .kinds import load, run_examples
from .rewrite import REFUSED

MAX_CALLS = 3
"""Calls recorded per function: a training loop calls the same function thousands of times.
A later call whose inputs differ in kind, shape or a flag (``mode="test"``) is recorded too,
up to ``MAX_KINDS_OF_CALLS``."""
MAX_KINDS_OF_CALLS = 24


def signature_of(path: str, value: Any, depth: int) -> list[tuple[str, Any]]:
    """What makes calls take other branches: kinds and shapes of the inputs, and their flags
    (strings, booleans, None)."""
    if isinstance(value, np.ndarray):
        return [(path, value.shape)]
    if isinstance(value, (str, bool)) or value is None:
        return [(path, value)]
    if depth > 3:
        return [(path, type(value).__name__)]
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in signature_of(f"{path}[{k!r}]", v, depth + 1)]
    if isinstance(value, (list, tuple)):
        return [item for i, v in enumerate(value[:16]) for item in signature_of(f"{path}[{i}]", v, depth + 1)]
    if hasattr(value, "__dict__") and not isinstance(value, (type, types.ModuleType, types.FunctionType)):
        return [item for k, v in vars(value).items() for item in signature_of(f"{path}.{k}", v, depth + 1)]
    return [(path, type(value).__name__)]


@dataclass
class Call:
    """One recorded call of a function or method of the original module."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    state: tuple[Any, Any]
    result: Any = None
    error: BaseException | None = None
    after: tuple[tuple[Any, ...], dict[str, Any]] | None = None


@dataclass
class Recorder:
    """Wraps the functions and methods of a module and records their calls."""

    module: types.ModuleType
    calls: dict[str, list[Call]] = field(default_factory=dict)
    signatures: dict[str, set[tuple[Any, ...]]] = field(default_factory=dict)

    def wrap(self, qualname: str, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            calls = self.calls.setdefault(qualname, [])
            seen = self.signatures.setdefault(qualname, set())
            signature = tuple(signature_of("", (args, kwargs), 0))
            if (len(calls) >= MAX_CALLS and signature in seen) or len(calls) >= MAX_KINDS_OF_CALLS:
                return func(*args, **kwargs)
            seen.add(signature)
            state = np.random.get_state(), random.getstate()  # noqa: NPY002 - the state the code draws from
            call = Call(snapshot(args), snapshot(kwargs), state)
            calls.append(call)
            try:
                result = func(*args, **kwargs)
            except Exception as error:
                call.error = error
                raise
            drawn, result = drawn_out(result)
            call.result = snapshot(drawn)
            call.after = snapshot((args, kwargs))
            return result

        return recorded

    def install(self) -> list[str]:
        """Wrap every function and method; return their qualified names in source order."""
        names = []
        for name, value in list(vars(self.module).items()):
            if isinstance(value, types.FunctionType) and value.__module__ == self.module.__name__:
                setattr(self.module, name, self.wrap(name, value))
                names.append(name)
            elif isinstance(value, type) and value.__module__ == self.module.__name__:
                for attr, member in list(vars(value).items()):
                    if isinstance(member, types.FunctionType):
                        setattr(value, attr, self.wrap(f"{name}.{attr}", member))
                        names.append(f"{name}.{attr}")
                    elif isinstance(member, staticmethod) and isinstance(member.__func__, types.FunctionType):
                        setattr(value, attr, staticmethod(self.wrap(f"{name}.{attr}", member.__func__)))
                        names.append(f"{name}.{attr}")
        self.rewire()
        return names

    def rewire(self) -> None:
        """Registries (``ACTIVATIONS = {"relu": relu}``) hold the functions themselves: point
        them at the wrappers too."""
        wrapped = {id(getattr(v, "__wrapped__", None)): v for v in vars(self.module).values()
                   if hasattr(v, "__wrapped__")}
        for value in vars(self.module).values():
            if isinstance(value, dict):
                for key, item in value.items():
                    if id(item) in wrapped:
                        value[key] = wrapped[id(item)]
            elif isinstance(value, list):
                value[:] = [wrapped.get(id(item), item) for item in value]


def drawn_out(result: Any) -> tuple[Any, Any]:
    """(what a call returned with its generators drawn out as lists, to be compared; the same
    for the caller, generators replaced by iterators over those lists)."""
    if isinstance(result, types.GeneratorType):
        items = list(result)
        return items, iter(items)
    if isinstance(result, tuple) and any(isinstance(r, types.GeneratorType) for r in result):
        pairs = [drawn_out(r) for r in result]
        return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
    return result, result


@dataclass(frozen=True)
class Uncopyable:
    """A value that could not be copied when it was recorded (a generator, a file)."""

    reason: str


def snapshot(value: Any) -> Any:
    """A deep copy of ``value``, or an :class:`Uncopyable` saying why there is none."""
    try:
        return copy.deepcopy(value)
    except Exception as error:  # noqa: BLE001 - any object may refuse to be copied
        return Uncopyable(f"{type(error).__name__}: {error}")


class Untransposable(ValueError):
    """An input that has no transpose (an array of 3 or more dimensions)."""


@dataclass
class Transposer:
    """Original values as the translation holds them: 2-D arrays transposed, instances of the
    original's classes rebuilt from the translated module, everything else as it is."""

    original: types.ModuleType
    target: types.ModuleType
    memo: dict[int, Any] = field(default_factory=dict)

    def __call__(self, obj: Any) -> Any:
        if id(obj) in self.memo:
            return self.memo[id(obj)]
        if isinstance(obj, Uncopyable):
            raise Untransposable(f"a value of the call could not be copied to be replayed ({obj.reason})")
        if isinstance(obj, np.ndarray):
            if obj.ndim > 2:
                raise Untransposable(f"an input of shape {obj.shape} is {obj.ndim}-D: it has no transpose "
                                     "between the conventions")
            return obj.T.copy() if obj.ndim == 2 else obj.copy()
        if isinstance(obj, dict):
            return type(obj)({k: self(v) for k, v in obj.items()}) if type(obj) is dict else \
                {k: self(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            items = [self(v) for v in obj]
            return items if isinstance(obj, list) else type(obj)(*items) if hasattr(obj, "_fields") else tuple(items)
        if isinstance(obj, types.FunctionType) and obj.__module__ == self.original.__name__:
            return getattr(self.target, obj.__name__, obj)
        cls = type(obj)
        if cls.__module__ == self.original.__name__ and hasattr(self.target, cls.__name__):
            rebuilt = object.__new__(getattr(self.target, cls.__name__))
            self.memo[id(obj)] = rebuilt
            rebuilt.__dict__.update({k: self(v) for k, v in vars(obj).items()})
            return rebuilt
        return obj


def plain(obj: Any, seen: frozenset[int] = frozenset()) -> Any:
    """Objects as dicts of their attributes, so that outputs and states compare as data."""
    if id(obj) in seen:
        return "<cycle>"
    if isinstance(obj, dict):
        return {k: plain(v, seen | {id(obj)}) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v, seen | {id(obj)}) for v in obj]
    if hasattr(obj, "__dict__") and not isinstance(obj, (type, types.ModuleType, types.FunctionType,
                                                         types.MethodType, np.ndarray)):
        return {"class": type(obj).__name__, **{k: plain(v, seen | {id(obj)}) for k, v in vars(obj).items()}}
    if isinstance(obj, (types.FunctionType, types.MethodType, type)):
        return getattr(obj, "__qualname__", repr(obj))
    return obj


def target_function(module: types.ModuleType, qualname: str) -> Callable[..., Any] | None:
    """``affine_forward`` or ``TwoLayerNet.loss`` in the translated module."""
    owner: Any = module
    for part in qualname.split("."):
        owner = vars(owner).get(part) if isinstance(owner, type) else getattr(owner, part, None)
        if owner is None:
            return None
    if isinstance(owner, staticmethod):
        return owner.__func__
    return owner  # type: ignore[no-any-return]


def replay(call: Call, func: Callable[..., Any], original: types.ModuleType, target: types.ModuleType) -> Verdict:
    """Make one recorded call on the translation and compare."""
    to_target = Transposer(original, target)
    try:
        args, kwargs = to_target(call.args), to_target(call.kwargs)
        expected_result = Transposer(original, target)(call.result)
        expected_after = Transposer(original, target)(call.after) if call.after is not None else None
    except Untransposable as error:
        return Verdict("refused", str(error))
    np.random.set_state(call.state[0])  # noqa: NPY002 - the state the original drew from
    random.setstate(call.state[1])
    try:
        with np.errstate(all="ignore"):
            result = func(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - reported as the verdict
        if isinstance(error, NotImplementedError) and str(error).startswith(REFUSED):
            return Verdict("refused", str(error).removeprefix(REFUSED + ": "))
        if call.error is not None and type(error) is type(call.error):
            return Verdict("exact", f"raised {type(error).__name__}, as the original did")
        return Verdict("failed", f"{type(error).__name__}: {error}")
    result, _ = drawn_out(result)
    if call.error is not None:
        return Verdict("wrong", f"returned where the original raised {type(call.error).__name__}: {call.error}")
    status, where = compare(plain(expected_result), plain(result))
    if expected_after is not None:
        status, where = worst([(status, where), compare(plain(expected_after), plain((list(args), kwargs)),
                                                         "inputs afterwards")])
    return Verdict(status, where)


def class_verdict(cls: str, verdicts: dict[str, Verdict]) -> Verdict:
    """A class as a whole: its worst method among those the examples call."""
    methods = {n: v for n, v in verdicts.items() if n.startswith(cls + ".") and v.status != "not exercised"}
    if not methods:
        return Verdict("not exercised", "the examples call none of its methods")
    order = {"exact": 0, "close": 1, "refused": 2, "failed": 3, "wrong": 4}
    name, verdict = max(methods.items(), key=lambda item: order.get(item[1].status, 0))
    if verdict.status in ("exact", "close"):
        return Verdict(verdict.status, f"{len(methods)} methods")
    return Verdict(verdict.status, f"{name}: {verdict.reason}")


def verify(source: str, translated: str, *, to: str, examples: str, module: str) -> dict[str, Verdict]:
    """Run the check script ``examples`` against ``source`` and make every call it makes into
    the module (functions, methods, objects it built) again on ``translated``, inputs transposed.

    Parameters
    ----------
    source, translated : str
        The original code and its translation.
    to : str
        The convention of the translation (validated).
    examples : str
        The check script's source; it imports the code as ``module``.
    module : str
        The name under which the script imports the code.

    Returns
    -------
    dict of str to Verdict
        Per function and method (``"affine_forward"``, ``"TwoLayerNet.loss"``): ``exact``,
        ``close``, ``wrong``, ``failed``, ``refused`` or ``not exercised``, with the reason.

    Raises
    ------
    ExamplesError
        When the script fails on the original code.
    """
    from ..aliases import convention

    convention(to)
    original = load(source, module, f"<nnconv original {module}>")
    target = load(translated, module, f"<nnconv translation {module}>")
    recorder = Recorder(original)
    names = recorder.install()
    state = np.random.get_state(), random.getstate()  # noqa: NPY002 - restored afterwards
    try:
        run_examples(examples, module, original)
        verdicts = {}
        for name in names:
            calls = recorder.calls.get(name, [])
            func = target_function(target, name)
            if not calls:
                verdicts[name] = Verdict("not exercised", "the examples never call it")
            elif func is None:
                verdicts[name] = Verdict("failed", "the translation does not define it")
            else:
                results = [replay(call, func, original, target) for call in calls]
                bad = next((r for r in results if r.status in ("wrong", "failed", "refused")), None)
                verdicts[name] = bad or Verdict(worst((r.status, "") for r in results)[0],
                                                f"{len(calls)} call{'s' * (len(calls) > 1)}")
        for cls in sorted({name.split(".")[0] for name in names if "." in name}):
            verdicts[cls] = class_verdict(cls, verdicts)
    finally:
        np.random.set_state(state[0])  # noqa: NPY002 - the caller's state back
        random.setstate(state[1])
    return verdicts
