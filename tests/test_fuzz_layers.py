"""Fuzz L2 (in cost and backward), dropout, batch and layer normalization with random, often
wrong, arguments.

Each test builds valid rowmajor arguments (float32 or float64, m and n from 1), applies 0 to 3
random mistakes to them (the other orientation, 1-D, a wrong length, another dtype, a list,
NaN, inf, huge values, a bad hyperparameter, a mutated cache, ...) and calls the function in
rowmajor, and in colmajor with the transposed arguments (transposed views or C-ordered copies).
Both calls must either raise the same ValueError (or subclass: nnconv.ShapeError,
nnconv.NumericalError) with a message that names the function and its convention, or return
finite results of which colmajor's are rowmajor's, transposed (``nnconv.transpose``), bit for
bit, caches and running statistics included; a valid call keeps the arguments' float dtype.
Warnings are errors inside every call, and no call modifies its arguments.
``NNCONV_FUZZ_LAYERS_EXAMPLES`` sets the examples per test.
"""

from __future__ import annotations

import copy
import math
import os
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from fractions import Fraction
from traceback import format_exception
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from networks import targets
from test_fuzz import attempt
from test_regularization import fails

import nnconv
from nnconv import colmajor as C
from nnconv import rowmajor as R
from nnconv.types import BatchNormCache, LayerCache, LayerNormCache

EXAMPLES = int(os.environ.get("NNCONV_FUZZ_LAYERS_EXAMPLES", "500"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,  # derandomized in CI (tests/conftest.py)
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

BAD_NUMBERS = [0, 0.0, -0.0, -1, -1e-9, math.inf, -math.inf, math.nan, 1e300, 5e-324, 10**400, True, False,
               None, "0.5", np.float32(0.5), np.int64(2), np.array(0.5), [0.5], Fraction(1, 3), Decimal("0.5")]
"""Hyperparameters, right and wrong; each test adds its own."""
L2 = [0.0, 0, 0.1, 0.7, 1, 1e3, np.float64(0.3), *BAD_NUMBERS]
KEEP_PROBS = [1.0, 1, 0.8, 0.5, 0.1, 1e-3, np.float32(0.7), 1.0000001, 2, 1e-50, 1e-300, *BAD_NUMBERS]
EPS = [1e-5, 1e-3, 1.0, np.float32(1e-5), 1e-300, 1e-50, *BAD_NUMBERS]
MOMENTUMS = [0.9, 0.0, 0.5, 0.99, 0.999999, 1.0, 1, 1.5, -0.1, np.float32(0.9), *BAD_NUMBERS]
TRAIN = [True, False, np.True_, np.False_, 1, 0, None, "yes", np.array([True, False])]
SEEDS = [None, 0, 1, 12345, 2**63, 2**70, np.int64(3), -1, 1.5, True, "1"]
COUNTS: Counter[str] = Counter()
"""Examples run, by function and outcome; printed at the end of the module (pytest -s)."""


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    yield
    for key, count in sorted(COUNTS.items()):
        print(f"fuzz layers {key}: {count}")


# ---------------------------------------------------------------------------------------------
# The two calls and what their outcomes must be


def flip(obj: Any, contiguous: bool) -> Any:
    """colmajor's arguments from rowmajor's: 2-D arrays transposed (a view, or a C-ordered copy
    when ``contiguous``), 2-D nested lists transposed, caches and containers item by item, all
    else as it is."""
    if isinstance(obj, np.ndarray):
        if obj.ndim != 2:
            return obj
        return obj.T.copy(order="C") if contiguous else obj.T  # a copy keeps a masked array masked
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*(flip(a, contiguous) for a in obj))
    if isinstance(obj, dict):
        return {k: flip(v, contiguous) for k, v in obj.items()}
    if isinstance(obj, list) and obj and all(isinstance(row, list) for row in obj):
        if len({len(row) for row in obj}) == 1:  # not a ragged list
            matrix = np.asarray(obj)
            if matrix.ndim == 2:
                return matrix.T.tolist()
    if isinstance(obj, (list, tuple)):
        return type(obj)(flip(v, contiguous) for v in obj)
    return obj


def same(a: Any, b: Any) -> bool:
    """Equal objects: arrays of one dtype, shape and bytes; containers item by item."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
                and a.shape == b.shape and np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes())
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and (a == b or (a != a and b != b))  # NaN is NaN here


def assert_finite(result: Any) -> None:
    if isinstance(result, np.ndarray):
        assert result.dtype.kind in "fb", result.dtype
        assert result.dtype == np.bool_ or np.isfinite(result).all(), result
    elif isinstance(result, float):
        assert math.isfinite(result), result
    elif isinstance(result, (dict, list, tuple)):
        for value in result.values() if isinstance(result, dict) else result:
            assert_finite(value)
    else:
        assert isinstance(result, bool), result


def float_dtypes(result: Any) -> set[np.dtype[Any]]:
    if isinstance(result, np.ndarray):
        return {result.dtype} if result.dtype.kind == "f" else set()
    if isinstance(result, (dict, list, tuple)):
        return set().union(*map(float_dtypes, result.values() if isinstance(result, dict) else result))
    return set()


def both_conventions(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], contiguous: bool,
                     transposes: bool = True) -> tuple[str, Any]:
    """Call ``name`` in rowmajor and, with the transposed arguments, in colmajor; assert the
    property of the module docstring (the transposes only if ``transposes``: a dropout mask
    drawn without a seed is new each time) and return rowmajor's outcome and result."""
    col_args, col_kwargs = flip(args, contiguous), flip(kwargs, contiguous)
    given_ = (args, kwargs, col_args, col_kwargs)
    before = copy.deepcopy(given_)
    outcome, row = attempt(getattr(R, name), *args, **kwargs)
    col_outcome, col = attempt(getattr(C, name), *col_args, **col_kwargs)
    assert same(before, given_), f"{name} modified its arguments"
    assert outcome == col_outcome, (name, row, col)
    COUNTS[f"{name}/{outcome}" + (f"/{type(row).__name__}" if outcome == "error" else "")] += 1
    if outcome == "error":
        assert type(row) is type(col), (row, col)
        assert f"rowmajor.{name}" in str(row) and f"colmajor.{name}" in str(col), "".join(format_exception(row))
        return outcome, row
    assert_finite(row)
    assert not transposes or same(nnconv.transpose(row), col), (name, row, col)
    return outcome, row


# ---------------------------------------------------------------------------------------------
# Mistakes


ARRAY_MISTAKES = ("transpose", "1-D", "3-D", "empty", "one unit more", "one example more", "int", "bool",
                  "float16", "complex", "object", "other float", "list", "nan", "inf", "huge", "tiny",
                  "scale up", "zeros", "scalar", "None", "ragged list", "masked", "big-endian", "Fortran order",
                  "strided view")


def spoil(draw: st.DrawFn, a: Any) -> Any:
    """``a`` (a 2-D float array in rowmajor's orientation) with one random mistake."""
    if not isinstance(a, np.ndarray) or a.ndim != 2 or a.dtype.kind != "f" or a.size == 0:
        return draw(st.sampled_from([None, 1.0, np.ones((2, 2))]))
    kind = draw(st.sampled_from(ARRAY_MISTAKES))
    big = 1e300 if a.dtype == np.float64 else 1e30
    where = (draw(st.integers(0, a.shape[0] - 1)), draw(st.integers(0, a.shape[1] - 1)))
    spoilt = np.array(a)
    if kind in ("nan", "inf", "huge", "tiny"):
        spoilt[where] = {"nan": np.nan, "inf": draw(st.sampled_from([np.inf, -np.inf])),
                         "huge": draw(st.sampled_from([big, -big])), "tiny": 5e-324}[kind]
        return spoilt
    return {
        "transpose": lambda: a.T, "1-D": lambda: a.ravel(), "3-D": lambda: a[None], "empty": lambda: a[:0],
        "one unit more": lambda: np.concatenate([a, a[:, :1]], axis=1),
        "one example more": lambda: np.concatenate([a, a[:1]], axis=0),
        "int": lambda: np.rint(a).astype(np.int64), "bool": lambda: a > 0,
        "float16": lambda: a.astype(np.float16), "complex": lambda: a.astype(np.complex128),
        "object": lambda: a.astype(object),
        "other float": lambda: a.astype(np.float32 if a.dtype == np.float64 else np.float64),
        "list": lambda: a.tolist(), "scale up": lambda: a * (1e200 if a.dtype == np.float64 else 1e25),
        "zeros": lambda: np.zeros_like(a), "scalar": lambda: 1.0, "None": lambda: None,
        "ragged list": lambda: [*a.tolist(), [1.0] * (a.shape[1] + 1)],
        "masked": lambda: np.ma.masked_array(a, mask=np.zeros(a.shape, bool)),
        "big-endian": lambda: a.astype(a.dtype.newbyteorder(">")),
        "Fortran order": lambda: np.asfortranarray(a),  # the same values: not a mistake, another layout
        "strided view": lambda: np.repeat(a, 2, axis=1)[:, ::2],  # the same again
    }[kind]()


def quietly(function: Callable[[], Any]) -> Any:
    """Make a mistake: casting inf to int or float16 warns, and should, but not here."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function()


@st.composite
def mistakes(draw: st.DrawFn, slots: dict[str, Any], spoilers: dict[str, Callable[[st.DrawFn, Any], Any]]) -> int:
    """Apply 0 to 3 mistakes to ``slots``, each by one of ``spoilers`` (slot name → function of
    the slot's value); return how many."""
    count = draw(st.sampled_from([0, 0, 1, 1, 1, 2, 3]))
    for _ in range(count):
        slot = draw(st.sampled_from(sorted(spoilers)))
        slots[slot] = quietly(lambda: spoilers[slot](draw, slots[slot]))
    return count


def one_of(values: list[Any]) -> Callable[[st.DrawFn, Any], Any]:
    """A spoiler that replaces a hyperparameter with one of ``values``."""
    return lambda draw, _: draw(st.sampled_from(values))


def spoil_tuple(draw: st.DrawFn, cache: Any) -> Any:
    """A cache (or the running statistics) with one mistake: a field spoilt, two fields swapped, the
    other convention's, another kind of cache, a plain tuple or list, a field more or less."""
    if not isinstance(cache, tuple) or len(cache) < 2:
        return draw(st.sampled_from([None, (), cache]))
    fields = list(cache)
    kind = draw(st.sampled_from(["field", "field", "swap", "other convention", "other kind", "tuple", "list",
                                 "one more", "one less", "train", "None"]))
    if kind == "field":
        i = draw(st.integers(0, min(len(fields), 3) - 1))
        fields[i] = spoil(draw, fields[i])
    elif kind == "swap":
        i, j = draw(st.permutations(range(len(fields))))[:2]
        fields[i], fields[j] = fields[j], fields[i]
    elif kind == "other convention":
        return flip(cache, contiguous=False)
    elif kind == "other kind":
        return (LayerNormCache(*fields[:3]) if isinstance(cache, BatchNormCache)
                else BatchNormCache(*fields[:3], True) if isinstance(cache, LayerNormCache) else tuple(fields))
    elif kind in ("tuple", "list"):
        return tuple(fields) if kind == "tuple" else fields
    elif kind in ("one more", "one less"):
        return (*fields, fields[0]) if kind == "one more" else tuple(fields[:-1])
    elif kind == "train" and isinstance(cache, BatchNormCache):
        fields[3] = draw(st.sampled_from(TRAIN))
    elif kind == "None":
        return None
    return type(cache)(*fields) if hasattr(cache, "_fields") else tuple(fields)


# ---------------------------------------------------------------------------------------------
# Valid arguments


@st.composite
def sizes(draw: st.DrawFn) -> tuple[np.random.Generator, type, int, int]:
    """A generator, a dtype and m, n (often 1, now and then past NumPy's summation blocks)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    m = draw(st.sampled_from([1, 1, 2, 3, 4, 6, 19, 70]))  # past 8 and 128, NumPy's pairwise summation
    return rng, dtype, m, draw(st.sampled_from([1, 1, 2, 3, 5, 17, 40]))


def normal(rng: np.random.Generator, shape: tuple[int, ...], dtype: type, scale: float = 1.0) -> np.ndarray:
    return (rng.standard_normal(shape) * scale).astype(dtype)


def check(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], draw: st.DrawFn, dtype: type,
          valid: bool, transposes: bool = True) -> tuple[str, Any]:
    """Both conventions, and for valid arguments a result in their dtype."""
    outcome, result = both_conventions(name, args, kwargs, draw(st.booleans()), transposes)
    if valid:
        assert outcome == "ok", result
        assert float_dtypes(result) <= {np.dtype(dtype)}, (float_dtypes(result), dtype)
    return outcome, result


# ---------------------------------------------------------------------------------------------
# The tests


@pytest.mark.parametrize("which", ["cost", "backward"])
@FUZZ
@given(data=st.data())
def test_l2_in_cost_and_backward(which: str, data: st.DataObject) -> None:
    draw = data.draw
    rng, dtype, m, n = draw(sizes())
    dims = [n, *(int(d) for d in rng.integers(1, 20, draw(st.integers(1, 3))))]
    output, loss = draw(st.sampled_from([("sigmoid", "bce"), ("softmax", "ce"), ("linear", "mse"), ("tanh", "mse")]))
    dims[-1] = max(dims[-1], 2) if loss == "ce" else dims[-1]
    activations = [*(draw(st.sampled_from(["relu", "tanh", "linear"])) for _ in dims[2:]), output]
    params = R.init_params(dims, seed=int(rng.integers(1000)), dtype=dtype)
    X = normal(rng, (m, n), dtype, draw(st.sampled_from([1.0, 1e-3, 30.0])))
    AL, caches = R.forward(X, params, activations)
    slots: dict[str, Any] = {"AL": AL, "Y": targets(rng, m, dims[-1], loss, dtype), "params": params,
                             "caches": caches, "l2": draw(st.sampled_from(L2[:7]))}

    def spoil_params(draw: st.DrawFn, params: Any) -> Any:
        if not isinstance(params, dict) or not params:
            return draw(st.sampled_from([None, {}, params]))
        params = dict(params)
        key = draw(st.sampled_from(sorted(params)))
        kind = draw(st.sampled_from(["field", "field", "transpose", "drop", "extra", "None", "list"]))
        if kind == "field":
            params[key] = spoil(draw, params[key])
        elif kind == "drop":
            del params[key]
        elif kind == "extra":
            params["W9"] = np.ones((2, 2), dtype)
        else:
            return {"transpose": lambda: flip(params, contiguous=False), "None": lambda: None,
                    "list": lambda: list(params.values())}[kind]()
        return params

    def spoil_caches(draw: st.DrawFn, caches: Any) -> Any:
        if not isinstance(caches, list) or not caches:
            return draw(st.sampled_from([None, [], caches]))
        caches = list(caches)
        kind = draw(st.sampled_from(["cache", "cache", "reverse", "drop", "transpose"]))
        if kind == "cache":
            l = draw(st.integers(0, len(caches) - 1))
            fields = list(caches[l])
            i = draw(st.integers(0, 3))
            fields[i] = spoil(draw, fields[i])
            caches[l] = LayerCache(*fields)
            return caches
        return caches[::-1] if kind == "reverse" else caches[:-1] if kind == "drop" else flip(caches, contiguous=False)

    spoilers = {"AL": spoil, "Y": spoil, "l2": one_of(L2), "params" if which == "cost" else "caches":
                spoil_params if which == "cost" else spoil_caches}
    count = draw(mistakes(slots, spoilers))
    if which == "cost":
        kwargs = {"l2": slots["l2"]} if slots["params"] is None else {"params": slots["params"], "l2": slots["l2"]}
        outcome, J = check("cost", (slots["AL"], slots["Y"], loss), kwargs, draw, dtype, not count)
        if outcome == "ok":
            assert isinstance(J, float)
    else:
        check("backward", (slots["AL"], slots["Y"], slots["caches"], activations, loss), {"l2": slots["l2"]},
              draw, dtype, not count)


@pytest.mark.parametrize("which", ["dropout_forward", "dropout_backward"])
@FUZZ
@given(data=st.data())
def test_dropout(which: str, data: st.DataObject) -> None:
    draw = data.draw
    rng, dtype, m, n = draw(sizes())
    A = normal(rng, (m, n), dtype, draw(st.sampled_from([1.0, 1e-3, 1e3])))
    keep_prob = draw(st.one_of(st.sampled_from(KEEP_PROBS[:7]), st.floats(1e-3, 1)))
    given_mask = draw(st.booleans())
    slots: dict[str, Any] = {"A": A, "keep_prob": keep_prob,
                             "seed": None if given_mask else draw(st.sampled_from(SEEDS[:7])),
                             "mask": rng.random((m, n)) < keep_prob if given_mask else None}

    def spoil_mask(draw: st.DrawFn, mask: Any) -> Any:
        if not isinstance(mask, np.ndarray) or mask.dtype != np.bool_:
            return draw(st.sampled_from([None, True, [[True]], mask]))
        kind = draw(st.sampled_from(["spoil", "spoil", "int", "float", "uint8", "list", "int list", "2", "str"]))
        return {"spoil": lambda: spoil(draw, mask.astype(dtype)), "int": lambda: mask.astype(np.int64),
                "float": lambda: mask.astype(dtype), "uint8": lambda: mask.astype(np.uint8),
                "list": lambda: mask.tolist(), "int list": lambda: mask.astype(int).tolist(),
                "2": lambda: mask * 2, "str": lambda: mask.astype(str)}[kind]()

    spoilers = {"A": spoil, "keep_prob": one_of(KEEP_PROBS), "mask": spoil_mask}
    if which == "dropout_forward":
        spoilers["seed"] = one_of(SEEDS)
    elif slots["mask"] is None:
        slots["mask"] = R.dropout_forward(A, keep_prob, seed=slots["seed"])[1]
    count = draw(mistakes(slots, spoilers))
    if which == "dropout_forward":
        drawn = slots["seed"] is None and slots["mask"] is None  # a new mask in each convention
        outcome, result = check(which, (slots["A"], slots["keep_prob"]), {"seed": slots["seed"], "mask": slots["mask"]},
                                draw, dtype, not count, transposes=not drawn)
        if outcome == "ok":
            A_dropped, mask = result
            assert mask.dtype == np.bool_ and mask.shape == A_dropped.shape == np.shape(slots["A"])
            if slots["mask"] is not None:
                assert np.array_equal(mask, slots["mask"])
    else:
        check(which, (slots["A"], slots["mask"], slots["keep_prob"]), {}, draw, dtype, not count)


@st.composite
def normalization(draw: st.DrawFn) -> tuple[dict[str, Any], type]:
    """Z, gamma, beta and dout of a layer of n units for m examples, rowmajor."""
    rng, dtype, m, n = draw(sizes())
    scale = draw(st.sampled_from([1.0, 1.0, 1e-3, 1e3, 0.0]))
    Z = normal(rng, (m, n), dtype, scale) + normal(rng, (1, n), dtype, draw(st.sampled_from([0.0, 1.0, 1e4])))
    return {"Z": Z, "gamma": normal(rng, (1, n), dtype) + dtype(1), "beta": normal(rng, (1, n), dtype),
            "dout": normal(rng, (m, n), dtype), "eps": draw(st.sampled_from(EPS[:4]))}, dtype


@pytest.mark.parametrize("which", ["batchnorm_forward", "batchnorm_backward"])
@FUZZ
@given(data=st.data())
def test_batchnorm(which: str, data: st.DataObject) -> None:
    draw = data.draw
    slots, dtype = draw(normalization())
    n = slots["Z"].shape[1]
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    slots["momentum"] = draw(st.sampled_from(MOMENTUMS[:5]))
    slots["running"] = draw(st.sampled_from([None, (normal(rng, (1, n), dtype), np.abs(normal(rng, (1, n), dtype)))]))
    slots["train"] = draw(st.sampled_from(TRAIN[:4] if slots["running"] is not None else [True, np.True_]))

    def spoil_running(draw: st.DrawFn, running: Any) -> Any:
        if not isinstance(running, tuple) or len(running) != 2:
            return draw(st.sampled_from([None, (), running]))
        kind = draw(st.sampled_from(["tuple", "tuple", "negative variance", "array", "dict"]))
        if kind == "negative variance":
            return running[0], -np.abs(running[1]) - 1
        return {"tuple": lambda: spoil_tuple(draw, running), "array": lambda: np.concatenate(running),
                "dict": lambda: {"mean": running[0], "var": running[1]}}[kind]()

    if which == "batchnorm_forward":
        spoilers = {"Z": spoil, "gamma": spoil, "beta": spoil, "eps": one_of(EPS), "momentum": one_of(MOMENTUMS),
                    "running": spoil_running, "train": one_of(TRAIN)}
    else:
        _, slots["cache"], _ = R.batchnorm_forward(slots["Z"], slots["gamma"], slots["beta"], eps=slots["eps"],
                                                   running=slots["running"], train=slots["train"])
        spoilers = {"dout": spoil, "cache": spoil_tuple}
    count = draw(mistakes(slots, spoilers))
    if which == "batchnorm_forward":
        outcome, result = check(which, (slots["Z"], slots["gamma"], slots["beta"]),
                                {k: slots[k] for k in ("eps", "momentum", "running", "train")}, draw, dtype, not count)
        if outcome == "ok" and not slots["train"]:  # the running statistics come back unchanged
            running = slots["running"] or (np.zeros_like(result[0][:1]),) * 2  # None: mean 0, variance 0
            assert all(np.array_equal(new, old) for new, old in zip(result[2], running))
    else:
        check(which, (slots["dout"], slots["cache"]), {}, draw, dtype, not count)


@pytest.mark.parametrize("which", ["layernorm_forward", "layernorm_backward"])
@FUZZ
@given(data=st.data())
def test_layernorm(which: str, data: st.DataObject) -> None:
    draw = data.draw
    slots, dtype = draw(normalization())
    if which == "layernorm_forward":
        spoilers = {"Z": spoil, "gamma": spoil, "beta": spoil, "eps": one_of(EPS)}
    else:
        _, slots["cache"] = R.layernorm_forward(slots["Z"], slots["gamma"], slots["beta"], eps=slots["eps"])
        spoilers = {"dout": spoil, "cache": spoil_tuple}
    count = draw(mistakes(slots, spoilers))
    if which == "layernorm_forward":
        check(which, (slots["Z"], slots["gamma"], slots["beta"]), {"eps": slots["eps"]}, draw, dtype, not count)
    else:
        check(which, (slots["dout"], slots["cache"]), {}, draw, dtype, not count)


# ---------------------------------------------------------------------------------------------
# What the fuzzing found: each of these raised a bare Python or NumPy error (OverflowError,
# AttributeError, "the truth value of an array is ambiguous", "inhomogeneous shape") that named
# neither the function nor the convention, or returned running statistics changed


def convention(nn: Any, *arrays: Any) -> Any:
    """rowmajor arguments as module ``nn`` takes them."""
    return tuple(nnconv.transpose(a) if nn is C else a for a in arrays)


@pytest.mark.parametrize("nn", [R, C], ids=["rowmajor", "colmajor"])
def test_integers_too_large_for_a_float_are_refused_by_name(nn: Any) -> None:
    AL, caches = R.forward(np.ones((4, 3)), R.init_params([3, 2], seed=0), ["sigmoid"])
    AL, Y, caches, params, Z, gamma = convention(nn, AL, np.ones_like(AL), caches, R.init_params([3, 2], seed=0),
                                                 np.arange(6.0).reshape(3, 2), np.ones((1, 2)))
    huge = 10**400  # math.isfinite(10**400) raises OverflowError
    fails(lambda: nn.cost(AL, Y, params=params, l2=huge), ValueError, f"{nn.NAME}.cost", "l2 must be")
    fails(lambda: nn.backward(AL, Y, caches, ["sigmoid"], l2=huge), ValueError, f"{nn.NAME}.backward", "l2")
    fails(lambda: nn.dropout_forward(Z, huge), ValueError, f"{nn.NAME}.dropout_forward", "keep_prob")
    fails(lambda: nn.dropout_backward(Z, Z > 1, huge), ValueError, f"{nn.NAME}.dropout_backward", "keep_prob")
    fails(lambda: nn.batchnorm_forward(Z, gamma, gamma, momentum=huge), ValueError, "momentum must be")
    fails(lambda: nn.batchnorm_forward(Z, gamma, gamma, eps=huge), ValueError, f"{nn.NAME}.batchnorm_forward",
          "eps must be a finite number above 0", "digits")
    fails(lambda: nn.layernorm_forward(Z, gamma, gamma, eps=-huge), ValueError, f"{nn.NAME}.layernorm_forward")


@pytest.mark.parametrize("nn", [R, C], ids=["rowmajor", "colmajor"])
def test_normalization_caches_are_checked_by_kind_and_train(nn: Any) -> None:
    Z, gamma, dout = convention(nn, np.arange(6.0).reshape(3, 2), np.ones((1, 2)), np.ones((3, 2)))
    _, cache, _ = nn.batchnorm_forward(Z, gamma, gamma)
    _, ln_cache = nn.layernorm_forward(Z, gamma, gamma)
    where, ln_where = f"{nn.NAME}.batchnorm_backward", f"{nn.NAME}.layernorm_backward"
    fails(lambda: nn.batchnorm_backward(dout, tuple(cache)), ValueError, where, "pass BatchNormCache(*cache)")
    fails(lambda: nn.layernorm_backward(dout, tuple(ln_cache)), ValueError, ln_where, "pass LayerNormCache(*cache)")
    fails(lambda: nn.batchnorm_backward(dout, LayerCache(*cache)), ValueError, where, "got LayerCache")
    fails(lambda: nn.batchnorm_backward(dout, cache._replace(gamma=[[1.0], [1.0, 2.0]])), ValueError, where,
          "cache.gamma is a ragged list")
    fails(lambda: nn.layernorm_backward(dout, ln_cache._replace(gamma=[[1.0], [1.0, 2.0]])), ValueError, ln_where,
          "cache.gamma is a ragged list")
    for train in (np.array([True, False]), "no", 1, None):
        fails(lambda: nn.batchnorm_backward(dout, cache._replace(train=train)), ValueError, where,
              "cache.train must be True or False")
    assert all(np.array_equal(a, b) for a, b in zip(nn.batchnorm_backward(dout, cache._replace(train=np.True_)),
                                                     nn.batchnorm_backward(dout, cache)))


@pytest.mark.parametrize("nn", [R, C], ids=["rowmajor", "colmajor"])
def test_backward_takes_caches_whose_Z_are_lists(nn: Any) -> None:
    activations = ["tanh", "sigmoid"]
    AL, caches = R.forward(np.linspace(-1, 1, 15).reshape(5, 3), R.init_params([3, 4, 2], seed=1), activations)
    short = [caches[0]._replace(Z=caches[0].Z[:-1]), caches[1]]  # Z[1] of one example less
    AL, Y, caches, short = convention(nn, AL, np.ones_like(AL), caches, short)
    listed, short = ([cache._replace(Z=np.asarray(cache.Z).tolist()) for cache in c] for c in (caches, short))
    expected = nn.backward(AL, Y, caches, activations, l2=0.5)
    grads = nn.backward(AL, Y, listed, activations, l2=0.5)
    assert all(np.array_equal(grads[k], expected[k]) for k in expected)
    fails(lambda: nn.backward(AL, Y, short, activations), nnconv.ShapeError, f"{nn.NAME}.backward",
          "caches[0] holds")


@pytest.mark.parametrize("nn", [R, C], ids=["rowmajor", "colmajor"])
def test_running_statistics_of_another_dtype_are_refused(nn: Any) -> None:
    """train=False returns the running statistics unchanged: float64 ones cast to float32 gamma's
    dtype would not be."""
    Z, gamma, running = convention(nn, np.arange(6.0).reshape(3, 2), np.ones((1, 2), np.float32),
                                   (np.full((1, 2), 0.1), np.full((1, 2), 0.3)))
    for train in (True, False):
        fails(lambda: nn.batchnorm_forward(Z, gamma, gamma, running=running, train=train), ValueError,
              f"{nn.NAME}.batchnorm_forward", "mix dtypes", "running[0] is float64")
    as_float32 = tuple(a.astype(np.float32) for a in running)
    returned = nn.batchnorm_forward(Z, gamma, gamma, running=as_float32, train=False)[2]
    assert all(same(new, old) for new, old in zip(returned, as_float32))
