"""Misuse that used to slip through: damaged large files, masked arrays, leftovers of a failed
save, 2-D data that is not an ndarray, argument mistakes outside the ValueError family,
misleading messages, and command-line errors. Each test states what a user now gets.
The file fuzz on a network of realistic size is in ``tests/test_fuzz.py``.
"""

from __future__ import annotations

import errno
import io
import os
import warnings
import zipfile
from collections import OrderedDict, defaultdict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from networks import data

import nnconv
from nnconv import cli, transpose
from nnconv import colmajor as C
from nnconv import rowmajor as R
from nnconv.port import from_keras, to_keras, to_torch

CONVENTIONS = {"rowmajor": R, "colmajor": C}
ACTS = ["relu", "sigmoid"]


def same(a: Any) -> Any:
    return a


def oriented(conv: str) -> Callable[[Any], Any]:
    """Moves rowmajor objects into ``conv``."""
    return transpose if conv == "colmajor" else same


def network(dims: tuple[int, ...] = (3, 4, 2), m: int = 5) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    X, Y = data(list(dims), m, "bce", seed=1)
    return X, Y, R.init_params(list(dims), seed=2)


# ---------------------------------------------------------------------------------------------
# 1. load trusts nothing it has not verified


def npz_with_member(path: Any, members: dict[str, bytes]) -> None:
    """A well-formed zip (correct checksums) holding the given raw members."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, raw in members.items():
            archive.writestr(name, raw)


def npy(a: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, a, allow_pickle=False)
    return buffer.getvalue()


def test_a_header_declaring_another_shape_is_refused_even_with_a_valid_checksum(tmp_path: Any) -> None:
    """The issue's case, (784, 128) read as (384, 128), written as a well-formed archive whose
    checksums match: the declared size is compared with the bytes held."""
    params = R.init_params([784, 128, 10], seed=0)
    members = {f"{k}.npy": npy(v) for k, v in params.items()}
    members["__convention__.npy"] = npy(np.array("rowmajor"))
    members["W1.npy"] = members["W1.npy"].replace(b"(784, 128)", b"(384, 128)", 1)
    npz_with_member(tmp_path / "p.npz", members)
    with pytest.raises(ValueError, match=r"W1.npy' declares shape \(384, 128\) of float64"):
        nnconv.load(tmp_path / "p.npz", "rowmajor")


def test_a_crafted_enormous_shape_is_refused_before_anything_is_allocated(tmp_path: Any) -> None:
    header = npy(np.zeros((1, 1))).replace(b"(1, 1)", b"(10000000000, 1000000000)".ljust(6))
    members = {"W1.npy": header, "b1.npy": npy(np.zeros((1, 1))), "__convention__.npy": npy(np.array("rowmajor"))}
    npz_with_member(tmp_path / "p.npz", members)
    with pytest.raises(ValueError, match="declares shape") as info:
        nnconv.load(tmp_path / "p.npz", "rowmajor")
    assert not isinstance(info.value, MemoryError)


@pytest.mark.parametrize("member", ["W1", "b1", "__convention__"])
def test_a_flipped_bit_in_the_data_of_any_member_is_refused(tmp_path: Any, member: str) -> None:
    path = tmp_path / "p.npz"
    params = R.init_params([784, 16, 10], seed=0)
    nnconv.save(path, params, "rowmajor")
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(f"{member}.npy")
    local = info.header_offset  # the local header: 30 bytes, then the name and the extra field
    start = local + 30 + int.from_bytes(raw[local + 26:local + 28], "little") + int.from_bytes(
        raw[local + 28:local + 30], "little")
    raw[start + info.compress_size - 2] ^= 0x01  # in the last bytes of the member's data
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=f"nnconv.load: .*checksum of '{member}.npy'"):
        nnconv.load(path, "colmajor")


def test_a_member_declared_larger_than_deflate_can_produce_is_refused(tmp_path: Any) -> None:
    path = tmp_path / "p.npz"
    params = R.init_params([3, 2], seed=0)
    np.savez_compressed(path, **params, __convention__=np.array("rowmajor"))
    raw = bytearray(path.read_bytes())
    central = raw.index(b"PK\x01\x02")  # W1's entry in the central directory
    raw[central + 24:central + 28] = (2**31).to_bytes(4, "little")  # its uncompressed size
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="W1.npy' declares 2147483648 bytes"):
        nnconv.load(path, "rowmajor")


@pytest.mark.parametrize("dtype", [">f8", ">f4"])
def test_a_file_written_on_a_big_endian_machine_loads_in_native_byte_order(tmp_path: Any, dtype: str) -> None:
    params = R.init_params([4, 3, 2], seed=0, dtype=np.dtype(dtype).newbyteorder("="))
    np.savez(tmp_path / "p.npz", **{k: v.astype(dtype) for k, v in params.items()},
             __convention__=np.array("rowmajor"))
    loaded = nnconv.load(tmp_path / "p.npz", "colmajor")
    for key, value in params.items():
        assert loaded[key].dtype == value.dtype and loaded[key].dtype.isnative
        assert np.array_equal(loaded[key], value.T)
    R.forward(np.ones((2, 4), dtype=params["W1"].dtype), transpose(loaded), ["relu", "sigmoid"])


# ---------------------------------------------------------------------------------------------
# 2. Masked arrays are refused wherever data enters


def masked(a: np.ndarray) -> np.ma.MaskedArray:
    return np.ma.masked_array(a, mask=np.eye(*a.shape, dtype=bool))


MASKED_CALLS: dict[str, tuple[str, str, Callable[[str, Any, Any, Any], Any]]] = {
    # id: (function named, argument named, call(conv, to, X, Y, P))
    "forward X": ("{conv}.forward", "X", lambda c, to, X, Y, P: CONVENTIONS[c].forward(masked(to(X)), to(P), ACTS)),
    "fit X": ("{conv}.fit", "X", lambda c, to, X, Y, P: CONVENTIONS[c].fit(masked(to(X)), to(Y), to(P), ACTS)),
    "fit Y with a masked -1": ("{conv}.fit", "Y", lambda c, to, X, Y, P: CONVENTIONS[c].fit(
        to(X), np.ma.masked_less(to(np.where(Y == 0, -1.0, Y)), 0), to(P), ACTS)),
    "a masked weight": ("{conv}.forward", "W1", lambda c, to, X, Y, P: CONVENTIONS[c].forward(
        to(X), {**to(P), "W1": masked(to(P["W1"]))}, ACTS)),
    "cost AL": ("{conv}.cost", "AL", lambda c, to, X, Y, P: CONVENTIONS[c].cost(masked(to(Y * 0.5)), to(Y))),
    "dropout_forward A": ("{conv}.dropout_forward", "A", lambda c, to, X, Y, P: CONVENTIONS[c].dropout_forward(
        masked(to(X)), 0.5, seed=0)),
    "a masked dropout mask": ("{conv}.dropout_forward", "mask", lambda c, to, X, Y, P: CONVENTIONS[c].dropout_forward(
        to(X), 0.5, mask=masked(to(X > 0)))),
    "gradient_check X": ("nnconv.gradient_check", "X", lambda c, to, X, Y, P: nnconv.gradient_check(
        c, masked(to(X)), to(Y), to(P), ACTS)),
    "save": ("nnconv.save", "W2", lambda c, to, X, Y, P: nnconv.save(
        "never.npz", {**to(P), "W2": masked(to(P["W2"]))}, c)),
    "from_keras": ("nnconv.port.from_keras", "weights[0]", lambda c, to, X, Y, P: from_keras(
        [masked(P["W1"]), P["b1"][0]], c)),
    "to_keras": ("nnconv.port.to_keras", "b1", lambda c, to, X, Y, P: to_keras(
        {**to(P), "b1": masked(to(P["b1"]))}, c)),
}


@pytest.mark.parametrize("conv", ["rowmajor", "colmajor"])
@pytest.mark.parametrize("case", list(MASKED_CALLS))
def test_masked_arrays_are_refused_with_what_to_do(conv: str, case: str, tmp_path: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    where, name, call = MASKED_CALLS[case]
    X, Y, P = network()
    with pytest.raises(ValueError) as info:
        call(conv, oriented(conv), X, Y, P)
    message = str(info.value)
    assert message.startswith(f"{where.format(conv=conv)}: {name} is a masked array"), message
    assert f"{name}.filled(value)" in message and "without masked values" in message
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------------------------
# 3. A failed save leaves nothing behind


@pytest.mark.parametrize(("target", "error"), [(".", IsADirectoryError), ("sub", IsADirectoryError),
                                               ("sub/", IsADirectoryError), ("", ValueError),
                                               ("missing/p.npz", FileNotFoundError)])
def test_a_save_to_a_path_that_is_not_a_file_is_refused_and_leaves_nothing(
        tmp_path: Any, monkeypatch: Any, target: str, error: type[Exception]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    with pytest.raises(error, match="nnconv.save: "):
        nnconv.save(target, R.init_params([3, 2], seed=0), "rowmajor")
    assert sorted(os.listdir(tmp_path)) == ["sub"] and os.listdir(tmp_path / "sub") == []


@pytest.mark.parametrize("failure", ["disk full", "disk full, and closing fails too", "interrupted"])
def test_a_save_that_fails_while_writing_leaves_nothing_and_the_old_file_intact(
        tmp_path: Any, monkeypatch: Any, failure: str) -> None:
    path = tmp_path / "p.npz"
    params = R.init_params([3, 2], seed=0)
    nnconv.save(path, params, "rowmajor")
    before = path.read_bytes()

    def failing_savez(file: Any, **arrays: Any) -> None:
        file.write(b"half an archive" * 1000)
        if failure == "interrupted":
            raise KeyboardInterrupt
        if failure == "disk full, and closing fails too":
            os.close(file.fileno())  # the flush and close that follow fail as well
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "savez", failing_savez)
    with pytest.raises((OSError, KeyboardInterrupt)):
        nnconv.save(path, params, "rowmajor")
    assert os.listdir(tmp_path) == ["p.npz"] and path.read_bytes() == before


# ---------------------------------------------------------------------------------------------
# 4. transpose never hands 2-D data back as it was


class ArrayLike:
    """Something NumPy converts through ``__array__``, as it converts a DataFrame or a tensor."""

    def __init__(self, a: np.ndarray) -> None:
        self.a = a

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.a


def test_transpose_of_2d_data_that_is_not_an_ndarray_transposes_it() -> None:
    square = [[1.0, 2.0], [3.0, 4.0]]
    expected = np.array(square).T
    for given_data in (square, [tuple(row) for row in square], ArrayLike(np.array(square))):
        result = transpose(given_data)
        assert isinstance(result, np.ndarray) and np.array_equal(result, expected)
    assert transpose([1, 2, 3]) == [1, 2, 3]  # 1-D data as it is
    assert transpose((1, 2, 3)) == (1, 2, 3)
    assert transpose(([5, 4, 3],)) == ([5, 4, 3],)  # a tuple is a container, such as a call's arguments
    assert all(np.array_equal(a, b.T) for a, b in zip(transpose([np.ones((2, 3)), np.ones((3, 4))]),
                                                      [np.ones((2, 3)), np.ones((3, 4))]))


def test_colmajor_on_a_transposed_nested_list_computes_what_rowmajor_does() -> None:
    """Square data, where an untransposed list would run without an error and compute the
    wrong thing."""
    X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [3.0, 1.0, 0.0]]
    P = R.init_params([3, 3], seed=0)
    AL, _ = R.forward(np.array(X), P, ["tanh"])
    AL_col, _ = C.forward(transpose(X), transpose(P), ["tanh"])
    assert np.array_equal(AL_col, AL.T)


def test_transpose_of_a_torch_tensor() -> None:
    torch = pytest.importorskip("torch")
    assert np.array_equal(transpose(torch.arange(6.0).reshape(2, 3)), np.arange(6.0).reshape(2, 3).T)
    with pytest.raises(ValueError, match="nnconv.transpose: .*Tensor raised RuntimeError.*detach"):
        transpose(torch.ones(2, 2, requires_grad=True))
    with pytest.raises(nnconv.ShapeError, match="nnconv.transpose: got a 3-D array"):
        transpose(torch.ones(2, 2, 2))


def test_transpose_of_a_pandas_frame() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    assert np.array_equal(transpose(frame), frame.to_numpy().T)


def test_transpose_of_a_ragged_list_names_itself() -> None:
    with pytest.raises(ValueError, match=r"nnconv.transpose: the data is a ragged list: .* \(1, 2\)"):
        transpose([[1.0, 2.0], [3.0]])


def test_transpose_rebuilds_defaultdicts_and_named_tuples() -> None:
    X, Y, P = network()
    grads = defaultdict(list, P)
    result = transpose(grads)
    assert type(result) is defaultdict and result.default_factory is list
    assert all(np.array_equal(result[k], P[k].T) for k in P)
    Pair = namedtuple("Pair", "X Y")
    pair = transpose(Pair(X, Y))
    assert type(pair) is Pair and np.array_equal(pair.X, X.T) and np.array_equal(pair.Y, Y.T)
    ordered = transpose(OrderedDict(P))
    assert type(ordered) is OrderedDict and list(ordered) == list(P)


def test_transpose_of_a_container_it_cannot_rebuild_is_a_value_error() -> None:
    class Frozen(dict):  # type: ignore[type-arg]
        def __init__(self, name: str, items: Any) -> None:
            super().__init__(items)

    with pytest.raises(ValueError, match=r"nnconv.transpose: cannot rebuild the Frozen .* pass dict\(obj\)"):
        transpose(Frozen("p", {"W1": np.ones((2, 3))}))


# ---------------------------------------------------------------------------------------------
# 5. The command line: errors are messages with exit code 2, never tracebacks


@pytest.mark.parametrize(("argv", "message"), [
    (["shapes", "4", "0", "2"], "argument layer_dims: must be a positive integer; got 0"),
    (["shapes", "4", "-3", "2"], "argument layer_dims: must be a positive integer; got -3"),
    (["shapes", "4", "2", "--m", "0"], "argument --m: must be a positive integer; got 0"),
    (["shapes", "4", "2", "--m", "-5"], "argument --m: must be a positive integer; got -5"),
    (["shapes", "4", "two"], "argument layer_dims: must be an integer; got 'two'"),
    (["train", "--seed", "-1"], "argument --seed: must be a non-negative integer; got -1"),
    (["train", "--epochs", "0"], "argument --epochs: must be a positive integer; got 0"),
    (["train", "--batch-size", "-2"], "argument --batch-size: must be a positive integer"),
    (["train", "--hidden", "8", "0"], "argument --hidden: must be a positive integer; got 0"),
    (["train", "--learning-rate", "inf"], "argument --learning-rate: must be a finite number above 0"),
    (["demo", "--learning-rate", "-0.5"], "argument --learning-rate: must be a finite number above 0"),
])
def test_bad_numbers_on_the_command_line_are_usage_errors(capsys: Any, argv: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    err = capsys.readouterr().err
    assert info.value.code == 2 and message in err and "Traceback" not in err


def test_shapes_needs_two_sizes(capsys: Any) -> None:
    assert cli.main(["shapes", "4"]) == 2
    assert "at least two; got 4" in capsys.readouterr().err


@pytest.mark.parametrize(("target", "message"), [("missing/p.npz", "the folder 'missing' does not exist"),
                                                 ("sub", "'sub' is a folder; give a file name in it"),
                                                 ("sub/", "is a folder")])
def test_train_checks_the_save_path_before_training(tmp_path: Any, monkeypatch: Any, capsys: Any,
                                                    target: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    monkeypatch.setattr(R, "fit", lambda *a, **k: pytest.fail("trained before checking --save"))
    assert cli.main(["train", "--convention", "rowmajor", "--epochs", "1", "--save", target]) == 2
    out, err = capsys.readouterr()
    assert "nnconv train: --save: " in err and message in err and "cost" not in out
    assert sorted(os.listdir(tmp_path)) == ["sub"] and os.listdir(tmp_path / "sub") == []


@pytest.mark.parametrize(("raised", "code", "message"), [
    (RecursionError("maximum recursion depth exceeded"), 1, "unexpected RecursionError: maximum recursion"),
    (MemoryError(), 1, "unexpected MemoryError"),
    (PermissionError(errno.EACCES, "Permission denied", "p.npz"), 1, "Permission denied: 'p.npz'"),
    (KeyboardInterrupt(), 130, "interrupted"),
])
def test_no_error_reaches_the_terminal_as_a_traceback(monkeypatch: Any, capsys: Any, raised: BaseException,
                                                      code: int, message: str) -> None:
    def fail(args: Any) -> int:
        raise raised

    monkeypatch.setattr(cli, "shapes", fail)
    assert cli.main(["shapes", "4", "2"]) == code
    err = capsys.readouterr().err
    assert err.startswith("nnconv shapes: ") and message in err and "Traceback" not in err


# ---------------------------------------------------------------------------------------------
# 6. Argument mistakes raise ValueErrors


@pytest.mark.parametrize("conv", ["rowmajor", "colmajor"])
def test_a_learning_rate_too_large_for_a_float_is_a_value_error(conv: str) -> None:
    X, Y, P = network()
    to = oriented(conv)
    with pytest.raises(ValueError, match=rf"{conv}.fit: learning_rate must be a finite number above 0; "
                                         r"got 1000000000.*\(401 digits\)"):
        CONVENTIONS[conv].fit(to(X), to(Y), to(P), ACTS, learning_rate=10**400)
    with pytest.raises(ValueError, match=f"{conv}.update: learning_rate"):
        CONVENTIONS[conv].update(to(P), {f"d{k}": v for k, v in to(P).items()}, -(10**400))


@pytest.mark.parametrize(("name", "call"), [
    ("l2", lambda n: R.backward(np.full((4, 2), 0.5), np.ones((4, 2)),
                                R.forward(np.ones((4, 3)), R.init_params([3, 2], seed=0), ["sigmoid"])[1],
                                ["sigmoid"], l2=n)),
    ("l2", lambda n: nnconv.gradient_check("rowmajor", np.ones((4, 3)), np.ones((4, 2)),
                                           R.init_params([3, 2], seed=0), ["sigmoid"], l2=n)),
    ("keep_prob", lambda n: R.dropout_forward(np.ones((4, 3)), n)),
    ("momentum", lambda n: R.batchnorm_forward(np.ones((4, 3)), np.ones((1, 3)), np.zeros((1, 3)), momentum=n)),
    ("epsilon", lambda n: nnconv.gradient_check("rowmajor", np.ones((4, 3)), np.ones((4, 2)),
                                                R.init_params([3, 2], seed=0), ["sigmoid"], epsilon=-n)),
])
def test_every_number_too_large_for_a_float_is_a_value_error(name: str, call: Callable[[int], Any]) -> None:
    with pytest.raises(ValueError, match=rf"{name} must be .*; got -?10000000000000000000?\.\.\. \(401 digits\)"):
        call(10**400)


@pytest.mark.parametrize("conv", ["rowmajor", "colmajor"])
def test_to_torch_computes_integer_parameters_as_float64(conv: str) -> None:
    torch = pytest.importorskip("torch")
    P = {"W1": np.array([[1, -2], [3, 0], [0, 1]]), "b1": np.array([[1, 0]]),
         "W2": np.array([[2], [-1]]), "b2": np.array([[0]])}
    module = to_torch(oriented(conv)(P), conv, ["relu", "linear"])
    X = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])
    with torch.no_grad():
        out = module(torch.from_numpy(X)).numpy()
    assert out.dtype == np.float64 and np.array_equal(out, R.forward(X, P, ["relu", "linear"])[0])


@pytest.mark.parametrize(("call", "message"), [
    (lambda: from_keras(None, "rowmajor"),
     "nnconv.port.from_keras: weights must be the list that model.get_weights() returns, "
     "[kernel1, bias1, kernel2, bias2, ...]; got NoneType"),
    (lambda: from_keras({"W1": np.ones((2, 2))}, "rowmajor"), "from_keras: weights must be the list"),
    (lambda: to_keras(None, "rowmajor"), "nnconv.port.to_keras: params must be a dict"),
    (lambda: to_torch(None, "rowmajor", ["relu"]), "nnconv.port.to_torch: params must be a dict"),
    (lambda: to_torch(R.init_params([3, 2], seed=0), "rowmajor", (a for a in ["relu"])),
     "nnconv.port.to_torch: activations must be a list with one name per layer"),
    (lambda: to_keras({"W1": np.ones((2, 2), complex), "b1": np.ones((1, 2))}, "rowmajor"),
     "nnconv.port.to_keras: W1 has dtype complex128"),
    (lambda: R.fit(*network()[:2], network()[2], (a for a in ACTS)),
     "rowmajor.fit: activations must be a list with one name per layer"),
    (lambda: from_keras([[[1.0, 2.0], [3.0]], [1.0, 2.0]], "rowmajor"), "from_keras: weights[0] is a ragged list"),
    (lambda: nnconv.port.from_torch(None, "rowmajor"), "nnconv.port.from_torch: expected a torch.nn.Module"),
    (lambda: nnconv.load(None, "rowmajor"), "nnconv.load: path must be a file name"),
    (lambda: nnconv.save(3, R.init_params([3, 2], seed=0), "rowmajor"), "nnconv.save: path must be a file name"),
    (lambda: R.cost(np.full((2, 1), 0.5), None), "rowmajor.cost: Y is None; it must be a 2-D array"),
])
def test_argument_mistakes_in_the_port_functions_are_value_errors(call: Callable[[], Any], message: str) -> None:
    pytest.importorskip("torch")
    with pytest.raises(ValueError) as info:
        call()
    assert message in str(info.value)


# ---------------------------------------------------------------------------------------------
# 7. Messages that say what the data is, and fixes that work


@pytest.mark.parametrize("conv", ["rowmajor", "colmajor"])
def test_a_ragged_list_is_named_by_the_function(conv: str) -> None:
    P = oriented(conv)(R.init_params([3, 2], seed=0))
    with pytest.raises(ValueError, match=rf"^{conv}.forward: X is a ragged list: its rows have different "
                                         r"lengths \(2, 3\)"):
        CONVENTIONS[conv].forward([[1.0, 2.0, 3.0], [1.0, 2.0]], P, ["sigmoid"])


OBJECT_ARRAYS = {
    "a missing value (None)": (np.array([[1.0, None, 3.0], [4.0, 5.0, 6.0]], dtype=object),
                               ["Python objects (NoneType, float)", "fill or drop the missing values"]),
    "a bool column beside floats": (np.array([[1.0, True, 3.0], [4.0, False, 6.0]], dtype=object),
                                    ["Python objects (bool, float)", "pass np.asarray(X, dtype=np.float64)"]),
}


@pytest.mark.parametrize("case", list(OBJECT_ARRAYS))
def test_an_array_of_python_objects_says_what_it_holds(case: str) -> None:
    """The same path a pandas frame takes (NumPy makes it an object array); this one runs
    without pandas."""
    X, parts = OBJECT_ARRAYS[case]
    with pytest.raises(ValueError) as info:
        R.forward(X, R.init_params([3, 2], seed=0), ["sigmoid"])
    message = str(info.value)
    assert message.startswith("rowmajor.forward: X has dtype object") and all(p in message for p in parts)
    if "bool" in case:  # the fix it gives works
        R.forward(np.asarray(X, dtype=np.float64), R.init_params([3, 2], seed=0), ["sigmoid"])


def test_a_pandas_frame_of_mixed_or_nullable_columns_names_its_columns() -> None:
    pd = pytest.importorskip("pandas")
    P = R.init_params([2, 1], seed=0)
    nullable = pd.DataFrame({"a": [1.0, 2.0], "b": pd.array([1.5, None], dtype="Float64")})
    with pytest.raises(ValueError) as info:
        R.forward(nullable, P, ["sigmoid"])
    message = str(info.value)
    assert "'b' is Float64" in message and "NAType" in message and "fill or drop the missing values" in message
    flags = pd.DataFrame({"a": [1.0, 2.0], "b": [True, False]})
    with pytest.raises(ValueError, match=r"'b' is bool.* pass X.to_numpy\(dtype=np.float64\)"):
        R.forward(flags, P, ["sigmoid"])
    R.forward(flags.to_numpy(dtype=np.float64), P, ["sigmoid"])  # the fix works


@pytest.mark.parametrize("conv", ["rowmajor", "colmajor"])
def test_the_1d_label_hint_works_for_what_was_given(conv: str) -> None:
    X, Y, P = network((3, 1), m=4)
    to, mod = oriented(conv), CONVENTIONS[conv]
    shape = "(-1, 1)" if conv == "rowmajor" else "(1, -1)"
    labels = Y[:, 0].tolist()  # a list, like a pandas Series, has no reshape
    with pytest.raises(nnconv.ShapeError, match=rf"pass np.asarray\(Y\).reshape\{shape[:-1]}\)"):
        mod.fit(to(X), labels, to(P), ["sigmoid"])
    hint = str(pytest.raises(nnconv.ShapeError, mod.fit, to(X), np.array(labels), to(P), ["sigmoid"]).value)
    assert f"pass Y.reshape{shape}" in hint  # an ndarray has one
    Y_fixed = eval(f"np.asarray(labels).reshape{shape}")
    mod.fit(to(X), Y_fixed, to(P), ["sigmoid"])


def test_the_1d_label_hint_works_for_a_pandas_series() -> None:
    pd = pytest.importorskip("pandas")
    X, Y, P = network((3, 1), m=4)
    series = pd.Series(Y[:, 0])
    with pytest.raises(nnconv.ShapeError, match=r"np.asarray\(Y\).reshape\(-1, 1\)"):
        R.fit(X, series, P, ["sigmoid"])
    R.fit(X, np.asarray(series).reshape(-1, 1), P, ["sigmoid"])


@pytest.mark.parametrize("dtype", [">f8", ">f4"])
def test_big_endian_data_is_named_by_its_byte_order(dtype: str) -> None:
    X, Y, P = network()
    name = np.dtype(dtype).name
    with pytest.raises(ValueError, match=rf"X has dtype {dtype}, {name} in big-endian byte order; .* "
                                         rf"pass X.astype\(np.{name}\)"):
        R.forward(X.astype(dtype), P, ACTS)
    fixed = X.astype(dtype).astype(getattr(np, name))
    assert np.array_equal(R.forward(fixed, P, ACTS)[0], R.forward(X.astype(getattr(np, name)), P, ACTS)[0])


def test_float32_weights_with_an_integer_bias_are_named_as_such() -> None:
    P = {k: v.astype(np.float32) for k, v in R.init_params([3, 2], seed=0).items()}
    P["b1"] = np.zeros((1, 2), dtype=np.int64)
    with pytest.raises(ValueError) as info:
        R.forward(np.ones((4, 3)), P, ["sigmoid"])
    message = str(info.value)
    assert "W1 is float32; b1 is int64 (computed as float64)" in message
    assert "cast b1 with .astype(np.float32)" in message and "['float32', 'float64']" not in message
    P["b1"] = P["b1"].astype(np.float32)  # the fix works
    assert R.forward(np.ones((4, 3)), P, ["sigmoid"])[0].dtype == np.float32


# ---------------------------------------------------------------------------------------------
# 8. gradient_check: the same value in both conventions, bit for bit


@settings(max_examples=40, deadline=None)
@given(dims=st.lists(st.integers(1, 5), min_size=2, max_size=4), m=st.integers(1, 6), seed=st.integers(0, 2**16),
       hidden=st.sampled_from(["tanh", "sigmoid", "relu"]), l2=st.sampled_from([0.0, 0.5]))
def test_gradient_check_is_the_same_value_in_both_conventions(dims: list[int], m: int, seed: int, hidden: str,
                                                              l2: float) -> None:
    X, Y = data(dims, m, "bce", seed=seed)
    P = R.init_params(dims, seed=seed)
    acts = [hidden] * (len(dims) - 2) + ["sigmoid"]
    row = nnconv.gradient_check("rowmajor", X, Y, P, acts, l2=l2)
    col = nnconv.gradient_check("colmajor", X.T, Y.T, transpose(P), acts, l2=l2)
    assert row.hex() == col.hex()  # equal bits, not merely close


# ---------------------------------------------------------------------------------------------
# 9. User code that nnconv calls gets validated too


class BrokenArray:
    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise RuntimeError("the database connection is closed")


class LazyParams(Mapping[str, Any]):
    """A params mapping whose lookups fail, as a lazy loader's might."""

    def __init__(self, keys: list[str]) -> None:
        self.keys_ = keys

    def __getitem__(self, key: str) -> Any:
        raise OSError(f"cannot read {key} from disk")

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys_)

    def __len__(self) -> int:
        return len(self.keys_)


@pytest.mark.parametrize("conv", ["rowmajor", "colmajor"])
def test_a_failing_array_hook_or_params_lookup_is_a_value_error_naming_the_function(conv: str) -> None:
    X, Y, P = network()
    to, mod = oriented(conv), CONVENTIONS[conv]
    with pytest.raises(ValueError, match=f"{conv}.forward: X could not be made an array: converting the "
                                         "BrokenArray raised RuntimeError: the database connection is closed"):
        mod.forward(BrokenArray(), to(P), ACTS)
    with pytest.raises(ValueError, match=f"{conv}.fit: Y could not be made an array"):
        mod.fit(to(X), BrokenArray(), to(P), ACTS)
    with pytest.raises(ValueError, match=f"{conv}.forward: reading the LazyParams params raised OSError: "
                                         "cannot read W1 from disk"):
        mod.forward(to(X), LazyParams(list(P)), ACTS)
    with pytest.raises(ValueError, match="nnconv.save: reading the LazyParams params raised OSError"):
        nnconv.save("never.npz", LazyParams(list(P)), conv)


class ComputedFeatures:
    """Data whose ``__array__`` computes its features with nnconv, with a W that does not fit."""

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return R.linear_forward(np.ones((5, 3)), np.ones((4, 2)), np.zeros((1, 2)))


def test_a_bad_nnconv_call_from_user_code_inside_an_nnconv_call_is_checked() -> None:
    """The hook runs inside forward's checks, but its own call to linear_forward comes from
    user code: it gets linear_forward's message, not NumPy's matmul error."""
    with pytest.raises(ValueError, match=r"rowmajor.forward: X could not be made an array: "
                                         r"rowmajor.linear_forward: A_prev has shape \(5, 3\) but W has shape"):
        R.forward(ComputedFeatures(), R.init_params([2, 1], seed=0), ["sigmoid"])


# ---------------------------------------------------------------------------------------------
# Warnings: networks that train nothing useful


@pytest.mark.parametrize("conv", ["rowmajor", "colmajor"])
@pytest.mark.parametrize(("dims", "output", "loss", "text"), [
    ((3, 1), "softmax", "ce", "a softmax output layer of 1 unit outputs 1 for every example"),
    ((3, 1), "softmax", "mse", "a softmax output layer of 1 unit"),
    ((3, 2), "sigmoid", "ce", "loss 'ce' with a 'sigmoid' output layer"),
])
def test_fit_warns_about_an_output_that_cannot_learn(conv: str, dims: tuple[int, int], output: str, loss: str,
                                                      text: str) -> None:
    X, _, P = network(dims)
    Y = np.eye(dims[1])[np.arange(5) % dims[1]]
    to = oriented(conv)
    with pytest.warns(nnconv.TrainingWarning, match=f"{conv}.fit: {text}") as record:
        trained, _ = CONVENTIONS[conv].fit(to(X), to(Y), to(P), [output], loss=loss, learning_rate=0.5, epochs=5)
    assert record[0].filename == __file__  # points at the caller's line
    if output == "softmax":  # and it is true: the output stays 1 whatever training did
        assert np.array_equal(CONVENTIONS[conv].forward(to(X), trained, [output])[0], np.ones_like(to(Y)))


def test_the_warning_is_a_user_warning_and_sound_networks_get_none() -> None:
    assert issubclass(nnconv.TrainingWarning, UserWarning)
    assert nnconv.errors.TrainingWarning is nnconv.TrainingWarning
    X, Y, P = network()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        R.fit(X, Y, P, ACTS)
        R.fit(X, np.eye(2)[[0, 1, 0, 1, 0]], P, ["relu", "softmax"], loss="ce")
        nnconv.gradient_check("rowmajor", X, np.eye(2)[[0, 1, 0, 1, 0]], P, ["relu", "sigmoid"], loss="ce")
