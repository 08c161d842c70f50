"""Fuzz every public function with random shapes, dtypes, orientations and values.

Each call must either return finite results that are correct, or raise a documented error
(ValueError, or its subclasses nnconv.ShapeError and nnconv.NumericalError), and must never
emit a warning (warnings are errors inside every call). "Correct" is checked three ways: the
shapes and dtypes of the contract; the other convention, given the transposed arguments,
returns the bitwise transposes (or raises the same class of error); and, for forward and cost,
agreement with a plain float64 NumPy computation.

Two generators: ``test_random_arguments`` hands every function arrays of random rank, shape,
dtype and values; ``test_mutated_networks`` starts from a valid network and data and applies
random mistakes (other orientation, 1-D bias, wrong dtype, NaN, inf, huge values, a missing key,
a wrong activation count, bad hyperparameters, ...), so the calls reach deep into the checks
and the arithmetic. ``NNCONV_FUZZ_EXAMPLES`` sets the examples per test (default 400).
"""

from __future__ import annotations

import math
import os
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from networks import OUTPUTS_FOR_LOSS, targets

import nnconv
from nnconv import LayerCache
from nnconv import colmajor as C
from nnconv import rowmajor as R

EXAMPLES = int(os.environ.get("NNCONV_FUZZ_EXAMPLES", "400"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,  # derandomized in CI (tests/conftest.py)
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
COUNTS: Counter[str] = Counter()
"""Examples run, by test and outcome; printed at the end of the module (pytest -s)."""

ACTIVATIONS = list(nnconv.ACTIVATIONS)
LOSSES = list(nnconv.LOSSES)
SPECIAL = [np.nan, np.inf, -np.inf, 1e300, -1e300, 1e30, -1e30, 1e4, -1e4, 1e3, -1e3, 0.0, -0.0, 5e-324]
DTYPES = [np.float64, np.float32, np.int64, np.int8, np.uint8, np.bool_, np.float16, np.complex128]


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    yield
    for key, count in sorted(COUNTS.items()):
        print(f"fuzz {key}: {count}")
    print(f"fuzz examples in total: {sum(v for k, v in COUNTS.items() if '/' not in k)}")


# ---------------------------------------------------------------------------------------------
# Calling, and what a result must be


def flip(obj: Any) -> Any:
    """The other convention's arguments: 2-D arrays transposed, containers item by item,
    everything else (including arrays of other ranks) as it is."""
    if isinstance(obj, np.ndarray):
        return obj.T if obj.ndim == 2 else obj
    if isinstance(obj, LayerCache):
        return LayerCache(*(flip(a) for a in obj))
    if isinstance(obj, dict):
        return {k: flip(v) for k, v in obj.items()}
    if isinstance(obj, list) and obj and all(isinstance(row, list) for row in obj):
        matrix = np.asarray(obj)  # a nested list standing for a 2-D array
        if matrix.ndim == 2 and matrix.dtype.kind in "biuf":
            return matrix.T.tolist()
    if isinstance(obj, (list, tuple)):
        return type(obj)(flip(v) for v in obj)
    return obj


def attempt(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[str, Any]:
    """("ok", result) or ("error", the ValueError); any other exception, or any warning but
    nnconv.TrainingWarning (fit's documented warning for a network that cannot learn), fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", nnconv.TrainingWarning)
        try:
            return "ok", function(*args, **kwargs)
        except ValueError as error:
            assert str(error), "an error without a message"
            return "error", error


def assert_finite(result: Any) -> None:
    if isinstance(result, np.ndarray):
        assert result.dtype.kind in "fiu", result.dtype
        assert np.isfinite(result).all(), result
    elif isinstance(result, float):
        assert math.isfinite(result)
    elif isinstance(result, (dict, list, tuple)):
        for value in result.values() if isinstance(result, dict) else result:
            assert_finite(value)


def assert_float_dtypes(result: Any, dtype: Any) -> None:
    """Every float array in ``result`` has ``dtype`` (the parameters' dtype)."""
    if isinstance(result, np.ndarray) and result.dtype.kind == "f":
        assert result.dtype == dtype, (result.dtype, dtype)
    elif isinstance(result, (dict, list, tuple)):
        for value in result.values() if isinstance(result, dict) else result:
            assert_float_dtypes(value, dtype)


def assert_transposed(row: Any, col: Any) -> None:
    if isinstance(col, np.ndarray) and not isinstance(row, np.ndarray):
        row = np.asarray(row)  # 2-D data given as nested lists: transposed as an array
    if isinstance(row, np.ndarray):
        assert isinstance(col, np.ndarray) and row.dtype == col.dtype
        expected = flip(row)  # bit for bit: NaN (kept by transpose) and the sign of zero included
        assert expected.shape == col.shape
        assert np.ascontiguousarray(expected).tobytes() == np.ascontiguousarray(col).tobytes(), (row, col)
    elif isinstance(row, dict):
        assert row.keys() == col.keys()
        for key in row:
            assert_transposed(row[key], col[key])
    elif isinstance(row, (list, tuple)):
        assert len(row) == len(col)
        for r, c in zip(row, col):
            assert_transposed(r, c)
    else:
        assert row == col


def both_conventions(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], test: str) -> tuple[str, Any]:
    """Call ``name`` in rowmajor with ``args`` and in colmajor with their transposes; the
    outcomes must correspond exactly."""
    outcome, row = attempt(getattr(R, name), *args, **kwargs)
    col_outcome, col = attempt(getattr(C, name), *flip(args), **flip(kwargs))
    assert outcome == col_outcome, (name, row, col)
    COUNTS[test] += 1
    COUNTS[f"{test}/{name}/{outcome}"] += 1
    if outcome == "error":
        assert type(row) is type(col), (row, col)
        assert "rowmajor" in str(row) and "colmajor" in str(col)
        return outcome, row
    assert_finite(row)
    assert_transposed(row, col)
    return outcome, row


# ---------------------------------------------------------------------------------------------
# Random arguments


def special_values(dtype: Any) -> st.SearchStrategy[float]:
    info = np.finfo(dtype)
    return st.sampled_from([v for v in SPECIAL if not math.isfinite(v) or abs(v) <= float(info.max)])


@st.composite
def arrays(draw: st.DrawFn, ndim: st.SearchStrategy[int] | None = None,
           shape: tuple[int, ...] | None = None) -> Any:
    """An array of random rank, shape, dtype and values (or, now and then, a nested list)."""
    if shape is None:
        rank = draw(ndim if ndim is not None else st.sampled_from([0, 1, 2, 2, 2, 2, 3]))
        shape = tuple(draw(st.sampled_from([0, 1, 1, 2, 3, 4, 5])) for _ in range(rank))
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    if dtype.kind in "fc":
        width = {2: 16, 4: 32, 8: 64, 16: 64}[dtype.itemsize]
        plain = st.floats(-5, 5, width=min(width, 64) if dtype.kind == "f" else 64)
        special = special_values(np.float16 if dtype == np.float16 else
                                 np.float32 if dtype == np.float32 else np.float64)
        elements = st.one_of(plain, plain, plain, special) if draw(st.booleans()) else plain
        array = draw(hnp.arrays(dtype, shape, elements=elements))
    else:
        array = draw(hnp.arrays(dtype, shape))
    return array.tolist() if draw(st.integers(0, 9)) == 0 and array.dtype.kind in "biuf" else array


names = st.one_of(st.sampled_from(ACTIVATIONS), st.sampled_from(["", "Relu", "gelu", "softmax "]))
loss_names = st.one_of(st.sampled_from(LOSSES), st.sampled_from(["BCE", "hinge", ""]))


@st.composite
def parameter_dicts(draw: st.DrawFn) -> dict[str, Any]:
    L = draw(st.integers(1, 3))
    keys = [f"{p}{l}" for l in range(1, L + 1) for p in "Wb"]
    if draw(st.booleans()):
        keys = draw(st.lists(st.sampled_from([*keys, "W9", "dW1", "bias"]), max_size=7, unique=True))
    return {k: draw(arrays(ndim=st.sampled_from([1, 2, 2, 2]))) for k in keys}


RANDOM_CALLS: dict[str, Callable[[st.DrawFn], tuple[tuple[Any, ...], dict[str, Any]]]] = {
    "linear_forward": lambda d: ((d(arrays()), d(arrays()), d(arrays())), {}),
    "activation_forward": lambda d: ((d(arrays()), d(names)), {}),
    "forward": lambda d: ((d(arrays()), d(parameter_dicts()), d(st.lists(names, max_size=3))), {}),
    "cost": lambda d: ((d(arrays()), d(arrays()), d(loss_names)), {}),
    "loss_backward": lambda d: ((d(arrays()), d(arrays()), d(loss_names)), {}),
    "activation_backward": lambda d: ((d(arrays()), d(arrays()), d(names)), {}),
    "linear_backward": lambda d: ((d(arrays()), d(arrays()), d(arrays())), {}),
    "update": lambda d: ((d(parameter_dicts()), d(parameter_dicts()), d(st.floats(-1, 1))), {}),
    "predict": lambda d: ((d(arrays()), d(parameter_dicts()), d(st.lists(names, max_size=3))), {}),
    "fit": lambda d: ((d(arrays()), d(arrays()), d(parameter_dicts()), d(st.lists(names, max_size=3))),
                      {"loss": d(loss_names), "epochs": d(st.sampled_from([1, 2, 0, -1, 1.5])),
                       "batch_size": d(st.sampled_from([None, 1, 2, 0, 2.0]))}),
    "init_params": lambda d: ((d(st.lists(st.sampled_from([0, 1, 2, 3, -1, 2.5, True]), max_size=4)),),
                              {"method": d(st.sampled_from(["he", "xavier", "normal", "lecun"])),
                               "seed": d(st.sampled_from([0, 7, -1, 2.5])),
                               "dtype": d(st.sampled_from([np.float32, np.float64, np.int64, "float16"]))}),
}


@FUZZ
@given(data=st.data())
def test_random_arguments(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(RANDOM_CALLS)))
    args, kwargs = RANDOM_CALLS[name](data.draw)
    both_conventions(name, args, kwargs, "random arguments")


# ---------------------------------------------------------------------------------------------
# Valid networks with random mistakes


def reference_forward(X: np.ndarray, params: dict[str, np.ndarray], activations: list[str]) -> np.ndarray:
    """Plain float64 forward propagation, rowmajor."""
    A = np.asarray(X, dtype=np.float64)
    for l, name in enumerate(activations, start=1):
        Z = A @ np.asarray(params[f"W{l}"], dtype=np.float64) + np.asarray(params[f"b{l}"], dtype=np.float64)
        A = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0),
             "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z), "linear": lambda z: z,
             "softmax": lambda z: np.exp(z - z.max(1, keepdims=True)) / np.exp(z - z.max(1, keepdims=True)).sum(
                 1, keepdims=True)}[name](Z)
    return A


@st.composite
def networks(draw: st.DrawFn) -> dict[str, Any]:
    """A valid rowmajor network, data and the intermediate values, as the slots the calls use."""
    L = draw(st.integers(1, 3))
    dims = [draw(st.integers(1, 5)) for _ in range(L + 1)]
    loss = draw(st.sampled_from(LOSSES))
    if loss == "ce":
        dims[-1] = max(dims[-1], 2)
    activations = [*(draw(st.sampled_from(ACTIVATIONS)) for _ in range(L - 1)),
                   draw(st.sampled_from(OUTPUTS_FOR_LOSS[loss]))]
    m = draw(st.integers(1, 6))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    X = rng.standard_normal((m, dims[0])).astype(dtype)
    Y = targets(rng, m, dims[-1], loss, dtype)
    params = R.init_params(dims, seed=int(rng.integers(1000)), dtype=dtype)
    AL, caches = R.forward(X, params, activations)
    grads = R.backward(AL, Y, caches, activations, loss)
    l = draw(st.integers(1, L))
    return {"X": X, "Y": Y, "params": params, "activations": activations, "loss": loss, "AL": AL,
            "caches": caches, "grads": grads, "layer_dims": dims, "dtype": dtype,
            "A_prev": caches[l - 1].A_prev, "W": params[f"W{l}"], "b": params[f"b{l}"], "Z": caches[l - 1].Z,
            "dZ": grads[f"dA{l - 1}"] if l > 1 else np.ones_like(caches[l - 1].Z),
            "dA": np.ones_like(caches[l - 1].Z), "activation": activations[l - 1],
            "learning_rate": 0.05, "epochs": 2, "batch_size": draw(st.sampled_from([None, 1, 2, 4])),
            "seed": 0, "epsilon": 1e-7, "method": "he"}


ARRAY_SLOTS = ["X", "Y", "AL", "A_prev", "W", "b", "Z", "dZ", "dA"]


@st.composite
def mutate(draw: st.DrawFn, slots: dict[str, Any], used: tuple[str, ...] = ()) -> list[str]:
    """Apply 0 to 3 random mistakes to ``slots``, mostly to the arrays in ``used``; return their
    names."""
    array_slots = [s for s in ARRAY_SLOTS if s in used] or ARRAY_SLOTS
    done = []
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2, 3]))):
        kind = draw(st.sampled_from([
            "transpose", "1-D", "3-D", "empty", "dtype", "special value", "scale", "transpose all params",
            "transpose one param", "1-D bias", "drop a key", "extra key", "mixed dtypes", "activation count",
            "unknown name", "loss", "hyperparameter", "caches", "grads"]))
        slot = draw(st.sampled_from(array_slots))
        a = np.asarray(slots[slot])
        params = dict(slots["params"])
        key = draw(st.sampled_from(sorted(params))) if params else "W1"
        if kind == "transpose":
            slots[slot] = a.T
        elif kind == "1-D":
            slots[slot] = a.ravel() if draw(st.booleans()) or a.ndim == 0 or len(a) == 0 else a[0]
        elif kind == "3-D":
            slots[slot] = a[None]
        elif kind == "empty":
            a = a.reshape(-1) if a.ndim == 0 else a
            slots[slot] = a[:0] if draw(st.booleans()) or a.ndim < 2 else a[:, :0]
        elif kind == "dtype":
            slots[slot] = a.astype(draw(st.sampled_from(DTYPES[2:])))
        elif kind == "special value":
            target = draw(st.sampled_from([*array_slots, "params"]))
            value = draw(special_values(np.float32))
            original = np.asarray(params.get(key, 0.0) if target == "params" else slots[target])
            array = np.array(original, dtype=np.float64)
            if array.size:
                array.flat[draw(st.integers(0, array.size - 1))] = value
            if original.dtype.kind == "f" and original.dtype.itemsize >= 4:
                array = array.astype(original.dtype)  # float32 overflows to inf, as a user's cast would
            if target == "params":
                params[key] = array
                slots["params"] = params
            else:
                slots[target] = array
        elif kind == "scale":
            target = draw(st.sampled_from(["X", "params", "Y", "AL", "Z", "dA"]))
            factor = draw(st.sampled_from([1e3, 1e20, 1e150, 1e300]))
            if target == "params":
                slots["params"] = {k: v * np.float64(factor) for k, v in params.items()}
            else:
                slots[target] = np.asarray(slots[target], dtype=np.float64) * factor
        elif kind == "transpose all params":
            slots["params"] = {k: v.T for k, v in params.items()}
        elif kind == "transpose one param" and key in params:
            params[key] = params[key].T
            slots["params"] = params
        elif kind == "1-D bias":
            params[key] = np.asarray(params.get(key, 0.0)).ravel()
            slots["params"] = params
            slots["b"] = np.asarray(slots["b"]).ravel()
        elif kind == "drop a key":
            params.pop(key, None)
            slots["params"] = params
        elif kind == "extra key":
            params[draw(st.sampled_from(["W9", "dW1", "weights"]))] = np.ones((2, 2))
            slots["params"] = params
        elif kind == "mixed dtypes" and key in params:
            params[key] = params[key].astype(np.float32 if params[key].dtype == np.float64 else np.float64)
            slots["params"] = params
        elif kind == "activation count":
            acts = list(slots["activations"])
            slots["activations"] = acts[:-1] if draw(st.booleans()) else [*acts, "relu"]
        elif kind == "unknown name":
            which = draw(st.sampled_from(["activation", "activations", "loss", "method"]))
            if which == "activations":
                slots["activations"] = draw(st.sampled_from(["relu", ("relu", "sigmoid"), ["nope"]]))
            else:
                slots[which] = draw(st.sampled_from(["Sigmoid", "gelu", "", 3]))
        elif kind == "loss":
            slots["loss"] = draw(st.sampled_from(LOSSES))
        elif kind == "hyperparameter":
            which = draw(st.sampled_from(["learning_rate", "epochs", "batch_size", "seed", "epsilon"]))
            bad = [0, -1, 2.5, float("nan"), float("inf"), "1", True] + ([None] if which != "seed" else [])
            slots[which] = draw(st.sampled_from(bad if which != "learning_rate" else [*bad, 1e6, 1e300]))
        elif kind == "caches":
            caches = list(slots["caches"])
            slots["caches"] = caches[::-1] if draw(st.booleans()) else caches[:-1]
        else:
            grads = dict(slots["grads"])
            if grads:
                grads.pop(draw(st.sampled_from(sorted(grads))))
            slots["grads"] = {k: v.T for k, v in grads.items()} if draw(st.booleans()) else grads
        done.append(kind)
    return done


NETWORK_CALLS: dict[str, Callable[[dict[str, Any]], tuple[tuple[Any, ...], dict[str, Any]]]] = {
    "linear_forward": lambda s: ((s["A_prev"], s["W"], s["b"]), {}),
    "activation_forward": lambda s: ((s["Z"], s["activation"]), {}),
    "forward": lambda s: ((s["X"], s["params"], s["activations"]), {}),
    "cost": lambda s: ((s["AL"], s["Y"], s["loss"]), {}),
    "loss_backward": lambda s: ((s["AL"], s["Y"], s["loss"]), {}),
    "activation_backward": lambda s: ((s["dA"], s["Z"], s["activation"]), {}),
    "linear_backward": lambda s: ((s["dZ"], s["A_prev"], s["W"]), {}),
    "backward": lambda s: ((s["AL"], s["Y"], s["caches"], s["activations"], s["loss"]), {}),
    "update": lambda s: ((s["params"], s["grads"], s["learning_rate"]), {}),
    "predict": lambda s: ((s["X"], s["params"], s["activations"]), {}),
    "fit": lambda s: ((s["X"], s["Y"], s["params"], s["activations"]),
                      {"loss": s["loss"], "learning_rate": s["learning_rate"], "epochs": s["epochs"],
                       "batch_size": s["batch_size"], "seed": s["seed"]}),
    "init_params": lambda s: ((s["layer_dims"],), {"method": s["method"], "seed": s["seed"], "dtype": s["dtype"]}),
}


ARRAYS_USED = {"linear_forward": ("A_prev", "W", "b"), "activation_forward": ("Z",), "forward": ("X",),
               "cost": ("AL", "Y"), "loss_backward": ("AL", "Y"), "activation_backward": ("dA", "Z"),
               "linear_backward": ("dZ", "A_prev", "W"), "backward": ("AL", "Y"), "predict": ("X",),
               "fit": ("X", "Y")}


@FUZZ
@given(data=st.data())
def test_mutated_networks(data: st.DataObject) -> None:
    slots = data.draw(networks())
    valid_dtype = slots["dtype"]
    name = data.draw(st.sampled_from(sorted(NETWORK_CALLS)))
    used = ARRAYS_USED.get(name, ())
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the mistakes themselves (casting inf to float32, ...)
        mistakes = data.draw(mutate(slots, used))
    args, kwargs = NETWORK_CALLS[name](slots)
    outcome, result = both_conventions(name, args, kwargs, "mutated networks")
    COUNTS[f"mutated networks/mistakes {len(mistakes)}/{outcome}"] += 1
    if outcome == "error":
        return
    if not mistakes:  # a valid call keeps the parameters' dtype throughout
        assert_float_dtypes(result, valid_dtype)
    if name in ("forward", "predict", "fit", "update"):
        params = slots["params"]
        dtype = {np.asarray(v).dtype for v in params.values()}
        assert len({d for d in dtype if d.kind == "f"}) <= 1
    if name == "forward":
        AL, caches = result
        assert len(caches) == len(slots["activations"])
        with np.errstate(all="ignore"):
            expected = reference_forward(slots["X"], slots["params"], list(slots["activations"]))
        moderate = "scale" not in mistakes and "special value" not in mistakes
        if moderate and np.isfinite(expected).all():
            tolerance = 1e-3 if AL.dtype == np.float32 else 1e-9
            assert np.allclose(AL, expected, rtol=tolerance, atol=tolerance), (AL, expected)
    if name == "cost":
        assert isinstance(result, float)


@FUZZ
@given(data=st.data())
def test_gradient_check_and_files(data: st.DataObject) -> None:
    """gradient_check, save/load round trips (in and across conventions), transpose, convention."""
    slots = data.draw(networks())
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mistakes = data.draw(mutate(slots))
    conv = data.draw(st.sampled_from(["rowmajor", "colmajor", "deeplearning.ai", "cs231n", "Fortran"]))
    to = flip if conv in ("colmajor", "deeplearning.ai") else (lambda a: a)
    which = data.draw(st.sampled_from(["gradient_check", "files", "transpose"]))
    COUNTS["files and gradient check"] += 1
    if which == "gradient_check":
        outcome, value = attempt(nnconv.gradient_check, conv, to(slots["X"]), to(slots["Y"]),
                                 to(slots["params"]), slots["activations"], slots["loss"], slots["epsilon"])
        COUNTS[f"files and gradient check/gradient_check/{outcome}"] += 1
        if outcome == "ok":
            assert 0 <= value <= 1, value  # ‖g − ĝ‖ ≤ ‖g‖ + ‖ĝ‖
            smooth = not {"relu", "leaky_relu"} & set(slots["activations"])
            assert value < 1e-4 or mistakes or not smooth, value  # a kink of relu may fail it
    elif which == "files":
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "params.npz")
            outcome, _ = attempt(nnconv.save, path, to(slots["params"]), conv)
            COUNTS[f"files and gradient check/save/{outcome}"] += 1
            if outcome == "error":
                assert os.listdir(directory) == []
                return
            into = data.draw(st.sampled_from(["rowmajor", "colmajor"]))
            loaded_outcome, loaded = attempt(nnconv.load, path, into)
            assert loaded_outcome == "ok", loaded
            saved = nnconv.convention(conv).NAME
            expected = to(slots["params"]) if saved == into else flip(to(slots["params"]))
            assert loaded.keys() == expected.keys()
            for key in expected:
                original = np.asarray(expected[key])
                assert loaded[key].dtype == original.dtype and loaded[key].shape == original.shape
                assert np.ascontiguousarray(loaded[key]).tobytes() == np.ascontiguousarray(original).tobytes()
    else:
        obj = data.draw(st.sampled_from(["params", "caches", "X", "grads"]))
        outcome, result = attempt(nnconv.transpose, slots[obj])
        COUNTS[f"files and gradient check/transpose/{outcome}"] += 1
        if outcome == "ok":
            assert_transposed(slots[obj], result)
        else:
            assert isinstance(result, nnconv.ShapeError)


# ---------------------------------------------------------------------------------------------
# Files of realistic size: every bit of every .npy header, and random bits elsewhere


def member_spans(raw: bytes, path: str) -> dict[str, tuple[int, int]]:
    """Where each member's bytes (its .npy header, then its data) lie in the archive."""
    import zipfile

    spans = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            local = info.header_offset  # 30 bytes of local header, then the name and the extra field
            start = local + 30 + int.from_bytes(raw[local + 26:local + 28], "little") + int.from_bytes(
                raw[local + 28:local + 30], "little")
            spans[info.filename] = (start, start + info.compress_size)
    return spans


def test_every_bit_flip_of_a_realistic_file_is_refused_or_harmless(tmp_path: Any) -> None:
    """A [784, 128, 10] network (815 KB, five members). Flipping each of the 5 × 128 × 8 = 5120
    bits of the .npy headers must give a ValueError every time: zipfile checks a member's CRC
    only when the member is read to its end, so load verifies it first (a flipped bit in the
    shape (784, 128) used to load a W1 of another shape). Then 1000 random bits anywhere else in
    the file: each is refused or, in fields that hold no data (a timestamp), loads the same
    bits. About 8 s on a shared 2-core machine; the file is flipped in place, one byte at a time."""
    path = str(tmp_path / "mnist.npz")
    params = R.init_params([784, 128, 10], seed=0)
    nnconv.save(path, params, "rowmajor")
    raw = open(path, "rb").read()
    expected = {k: np.asarray(v).T for k, v in params.items()}
    headers = []
    for start, _ in member_spans(raw, path).values():
        assert raw[start:start + 6] == b"\x93NUMPY"
        length = 10 + int.from_bytes(raw[start + 8:start + 10], "little")  # version 1.0 header
        headers += range(start, start + length)
    rng = np.random.default_rng(0)
    elsewhere = sorted(set(range(len(raw))) - set(headers))
    outcomes: Counter[str] = Counter()
    with open(path, "r+b") as file:
        def flipped(offset: int, bit: int) -> str:
            file.seek(offset)
            file.write(bytes([raw[offset] ^ (1 << bit)]))
            file.flush()
            try:
                loaded = nnconv.load(path, "colmajor")
            except ValueError as error:
                assert str(error).startswith(f"nnconv.load: {path!r}"), error
                return "refused"
            finally:
                file.seek(offset)
                file.write(raw[offset:offset + 1])
                file.flush()
            assert loaded.keys() == expected.keys()
            assert all(loaded[k].tobytes("A") == expected[k].tobytes("A") for k in expected)
            return "loaded the same bits"

        for offset in headers:
            for bit in range(8):
                outcomes[f"header/{flipped(offset, bit)}"] += 1
        for offset in rng.choice(elsewhere, 1000, replace=False):
            outcomes[f"elsewhere/{flipped(int(offset), int(rng.integers(8)))}"] += 1
    COUNTS.update({f"file bit flips/{k}": v for k, v in outcomes.items()})
    assert len(headers) * 8 == 5120 and outcomes["header/refused"] == 5120
    assert outcomes["elsewhere/refused"] + outcomes["elsewhere/loaded the same bits"] == 1000
