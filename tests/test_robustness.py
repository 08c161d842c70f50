"""Bad input gets a ValueError that names the function, the convention and the shapes; the
extremes stay finite; files lose nothing and are never unpickled.

``BAD_INPUTS`` is a table of wrong calls, each run in both conventions: the call, the exception
it must raise, and the parts its message must contain ({f} is the function as the user calls it,
``colmajor.forward``; {conv} and {other} are the two conventions).
"""

from __future__ import annotations

import os
import pickle
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from networks import data

import nnconv
from nnconv import colmajor as C
from nnconv import errors, transpose
from nnconv import rowmajor as R

CONVENTIONS = {"rowmajor": R, "colmajor": C}
OTHER = {"rowmajor": "colmajor", "colmajor": "rowmajor"}
ACTS = ["relu", "sigmoid"]


@contextmanager
def strict() -> Iterator[None]:
    """Every NumPy warning and every floating-point event, underflow included, is an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            yield


class Net:
    """A small network and its data in rowmajor form, and ``to`` that moves rowmajor objects
    into the convention under test."""

    def __init__(self, conv: str, dims: tuple[int, ...] = (3, 4, 2), m: int = 5, loss: str = "bce"):
        self.conv, self.mod = conv, CONVENTIONS[conv]
        self.to: Callable[[Any], Any] = (lambda a: a) if conv == "rowmajor" else transpose
        self.X, self.Y = data(list(dims), m, loss, seed=1)
        self.P = R.init_params(list(dims), seed=2)
        self.AL, self.caches = R.forward(self.X, self.P, ACTS)
        self.grads = R.backward(self.AL, self.Y, self.caches, ACTS, "bce")

    def params(self, **changes: Any) -> dict[str, Any]:
        """The convention's parameters with some entries replaced (None removes one)."""
        params = dict(self.to(self.P))
        for key, value in changes.items():
            if value is None:
                del params[key]
            else:
                params[key] = value
        return params

    def fit(self, X: Any = None, Y: Any = None, params: Any = None, acts: Any = None, **kw: Any) -> Any:
        return self.mod.fit(self.to(self.X) if X is None else X, self.to(self.Y) if Y is None else Y,
                            self.params() if params is None else params, ACTS if acts is None else acts, **kw)

    def forward(self, X: Any = None, params: Any = None, acts: Any = None) -> Any:
        return self.mod.forward(self.to(self.X) if X is None else X,
                                self.params() if params is None else params, ACTS if acts is None else acts)


def with_value(a: np.ndarray, value: float, index: tuple[int, int] = (1, 0)) -> np.ndarray:
    a = np.array(a, dtype=np.float64)
    a[index] = value
    return a


# (id, call(net), exception, parts of the message)
BAD_INPUTS: list[tuple[str, Callable[[Net], Any], type[Exception], list[str]]] = [
    # the other convention's orientation
    ("X in the other orientation", lambda n: n.forward(X=n.X if n.conv == "colmajor" else n.X.T),
     nnconv.ShapeError, ["{f}.forward", "X has shape", "W1 has shape", "in {conv} examples are",
                         "looks like {other} data", "pass X.T or use nnconv.{other}"]),
    ("params in the other orientation", lambda n: n.forward(params=transpose(n.params())),
     nnconv.ShapeError, ["{f}.forward", "b1 has shape", "looks like {other} parameters",
                         "nnconv.transpose(params)"]),
    ("X and params both from the other convention",
     lambda n: n.forward(X=transpose(n.to(n.X)), params=transpose(n.params())),
     nnconv.ShapeError, ["{f}.forward", "looks like {other}"]),
    ("Y in the other orientation for fit", lambda n: n.fit(Y=transpose(n.to(n.Y))),
     nnconv.ShapeError, ["{f}.fit", "Y has shape", "pass Y.T"]),
    ("Y in the other orientation for cost", lambda n: n.mod.cost(n.to(n.AL), transpose(n.to(n.Y))),
     nnconv.ShapeError, ["{f}.cost", "Y has shape", "AL has shape", "pass Y.T"]),
    ("gradients in the other orientation", lambda n: n.mod.update(n.params(), n.to(transpose(n.grads)), 0.1),
     nnconv.ShapeError, ["{f}.update", "dW1 has shape", "W1 has shape", "nnconv.transpose(grads)"]),
    ("A_prev in the other orientation for linear_forward",
     lambda n: n.mod.linear_forward(transpose(n.to(n.X)), n.to(n.P["W1"]), n.to(n.P["b1"])),
     nnconv.ShapeError, ["{f}.linear_forward", "A_prev has shape", "pass A_prev.T"]),
    ("dZ in the other orientation for linear_backward",
     lambda n: n.mod.linear_backward(transpose(n.to(n.caches[1].Z)), n.to(n.caches[1].A_prev), n.to(n.P["W2"])),
     nnconv.ShapeError, ["{f}.linear_backward", "dZ has shape", "pass dZ.T"]),
    ("dA in the other orientation for activation_backward",
     lambda n: n.mod.activation_backward(transpose(n.to(n.caches[0].Z)), n.to(n.caches[0].Z), "relu"),
     nnconv.ShapeError, ["{f}.activation_backward", "dA has shape", "pass dA.T"]),
    ("a bias in the other orientation", lambda n: n.mod.linear_forward(
        n.to(n.X), n.to(n.P["W1"]), transpose(n.to(n.P["b1"]))),
     nnconv.ShapeError, ["{f}.linear_forward", "b has shape", "looks like {other} bias"]),
    # shapes that do not chain
    ("W2 does not chain with W1", lambda n: n.forward(params=n.params(W2=n.to(np.ones((5, 2))))),
     nnconv.ShapeError, ["{f}.forward", "W2 has shape", "W1 has shape", "so W2 must be"]),
    ("b1 does not fit W1", lambda n: n.forward(params=n.params(b1=n.to(np.zeros((1, 5))))),
     nnconv.ShapeError, ["{f}.forward", "b1 has shape", "so b1 must be"]),
    ("X has the wrong number of features", lambda n: n.forward(X=n.to(np.ones((5, 7)))),
     nnconv.ShapeError, ["{f}.forward", "X has shape", "must be"]),
    ("Y has the wrong number of units", lambda n: n.fit(Y=n.to(np.ones((5, 3)))),
     nnconv.ShapeError, ["{f}.fit", "Y has shape", "must be"]),
    ("Y has the wrong number of examples", lambda n: n.fit(Y=n.to(np.ones((4, 2)))),
     nnconv.ShapeError, ["{f}.fit", "Y has shape", "must be"]),
    ("caches and AL do not fit", lambda n: n.mod.backward(n.to(n.AL[:3]), n.to(n.Y[:3]), n.to(n.caches), ACTS),
     nnconv.ShapeError, ["{f}.backward", "AL has shape"]),
    ("caches from another network", lambda n: n.mod.backward(
        n.to(n.AL), n.to(n.Y), n.to([n.caches[0], n.caches[0]]), ACTS),
     nnconv.ShapeError, ["{f}.backward", "caches[1]"]),
    # 1-D biases, refused also on the square batch where they would broadcast silently
    ("a 1-D bias in linear_forward", lambda n: n.mod.linear_forward(n.to(n.X), n.to(n.P["W1"]), np.zeros(4)),
     nnconv.ShapeError, ["{f}.linear_forward", "b must be a 2-D array", "1-D", "wrong axis", "reshape"]),
    ("a 1-D bias in params", lambda n: n.forward(params=n.params(b2=np.zeros(2))),
     nnconv.ShapeError, ["{f}.forward", "b2 must be a 2-D array", "reshape"]),
    ("a 1-D bias on the square batch (m == n_out)", lambda n: n.mod.linear_forward(
        n.to(np.ones((4, 3))), n.to(np.ones((3, 4))), np.zeros(4)),
     nnconv.ShapeError, ["{f}.linear_forward", "b must be a 2-D array", "m == n_l"]),
    ("the other convention's bias on the square batch", lambda n: n.mod.linear_forward(
        n.to(np.ones((4, 3))), n.to(np.ones((3, 4))), transpose(n.to(np.zeros((1, 4))))),
     nnconv.ShapeError, ["{f}.linear_forward", "b has shape", "so b must be"]),
    # names
    ("an unknown activation", lambda n: n.forward(acts=["relu", "sigmod"]),
     ValueError, ["{f}.forward", "unknown activation 'sigmod'", "'sigmoid', 'tanh', 'relu', 'leaky_relu'"]),
    ("an unknown activation in activation_forward", lambda n: n.mod.activation_forward(n.to(n.X), "gelu"),
     ValueError, ["{f}.activation_forward", "unknown activation 'gelu'", "'softmax'"]),
    ("an unknown loss in cost", lambda n: n.mod.cost(n.to(n.AL), n.to(n.Y), "hinge"),
     ValueError, ["{f}.cost", "unknown loss 'hinge'", "'bce', 'ce', 'mse'"]),
    ("an unknown loss in fit", lambda n: n.fit(loss="bc"), ValueError, ["{f}.fit", "unknown loss 'bc'"]),
    ("an unknown loss in predict", lambda n: n.mod.predict(n.to(n.X), n.params(), ACTS, loss="x"),
     ValueError, ["{f}.predict", "unknown loss 'x'"]),
    ("an unknown init method", lambda n: n.mod.init_params([3, 2], method="kaiming"),
     ValueError, ["{f}.init_params", "unknown init method 'kaiming'", "'he', 'xavier', 'normal'"]),
    ("an unknown convention", lambda n: nnconv.convention("fortran"),
     ValueError, ["nnconv.convention", "unknown convention 'fortran'", "'deeplearning.ai'", "'cs231n'"]),
    ("an unknown convention for gradient_check",
     lambda n: nnconv.gradient_check("col-major", n.to(n.X), n.to(n.Y), n.params(), ACTS),
     ValueError, ["nnconv.gradient_check", "unknown convention 'col-major'"]),
    ("a convention that is not a name", lambda n: nnconv.convention(3),  # type: ignore[arg-type]
     ValueError, ["nnconv.convention", "unknown convention 3"]),
    ("an unknown convention for save", lambda n: nnconv.save("never.npz", n.params(), "rows-first"),
     ValueError, ["nnconv.save", "unknown convention"]),
    # activations
    ("too few activations", lambda n: n.forward(acts=["relu"]),
     ValueError, ["{f}.forward", "1 activations for a network of 2 layers", "one activation per layer"]),
    ("too many activations", lambda n: n.fit(acts=["relu", "relu", "sigmoid"]),
     ValueError, ["{f}.fit", "3 activations for a network of 2 layers"]),
    ("activations given as one string", lambda n: n.forward(acts="relu"),
     ValueError, ["{f}.forward", "one name per layer", "'relu'"]),
    ("no activations", lambda n: n.forward(acts=[]), ValueError, ["{f}.forward"]),
    ("activations that do not match the caches", lambda n: n.mod.backward(
        n.to(n.AL), n.to(n.Y), n.to(n.caches), ["sigmoid"]),
     ValueError, ["{f}.backward", "1 activations for 2 caches"]),
    ("bce after a relu output layer", lambda n: n.fit(acts=["relu", "relu"]),
     ValueError, ["{f}.fit", "loss 'bce' needs outputs in [0, 1]", "'relu'"]),
    ("ce after a linear output layer", lambda n: n.mod.backward(
        n.to(n.AL), n.to(n.Y), n.to(n.caches), ["relu", "linear"], "ce"),
     ValueError, ["{f}.backward", "loss 'ce' needs outputs in [0, 1]"]),
    # parameters
    ("a missing bias", lambda n: n.forward(params=n.params(b2=None)),
     ValueError, ["{f}.forward", "params is missing 'b2'"]),
    ("a missing weight", lambda n: n.forward(params=n.params(W2=None), acts=["relu"]),
     ValueError, ["{f}.forward", "unexpected keys 'b2'"]),
    ("no parameters at all", lambda n: n.forward(params={}), ValueError, ["{f}.forward", "no 'W1'"]),
    ("gradients passed as parameters", lambda n: n.forward(params={**n.params(), "dW1": n.to(n.P["W1"])}),
     ValueError, ["{f}.forward", "unexpected keys 'dW1'", "look like gradients"]),
    ("fit's (params, history) passed as params", lambda n: n.forward(params=(n.params(), [0.5])),
     ValueError, ["{f}.forward", "params must be a dict", "tuple"]),
    ("parameters that mix float32 and float64",
     lambda n: n.forward(params=n.params(W1=n.to(n.P["W1"].astype(np.float32)))),
     ValueError, ["{f}.forward", "mix dtypes", "float32", "float64"]),
    ("a weight that mixes with its bias", lambda n: n.mod.linear_forward(
        n.to(n.X), n.to(n.P["W1"].astype(np.float32)), n.to(n.P["b1"])),
     ValueError, ["{f}.linear_forward", "mix dtypes"]),
    ("a missing gradient", lambda n: n.mod.update(n.params(), {}, 0.1),
     ValueError, ["{f}.update", "grads is missing 'dW1'"]),
    # empty and non-2-D arrays
    ("an empty batch", lambda n: n.forward(X=n.to(np.ones((0, 3)))),
     nnconv.ShapeError, ["{f}.forward", "X is empty", "at least one example"]),
    ("an empty batch for fit", lambda n: n.fit(X=n.to(np.ones((0, 3))), Y=n.to(np.ones((0, 2)))),
     nnconv.ShapeError, ["{f}.fit", "X is empty"]),
    ("a 1-D X", lambda n: n.forward(X=np.ones(3)),
     nnconv.ShapeError, ["{f}.forward", "X must be a 2-D array", "1-D", "single example", "X.reshape"]),
    ("a 3-D X", lambda n: n.forward(X=np.ones((2, 5, 3))),
     nnconv.ShapeError, ["{f}.forward", "X must be a 2-D array", "3-D"]),
    ("a scalar Z", lambda n: n.mod.activation_forward(1.0, "relu"),
     nnconv.ShapeError, ["{f}.activation_forward", "Z must be a 2-D array", "0-D"]),
    ("1-D labels", lambda n: n.fit(Y=np.ones(5)),
     nnconv.ShapeError, ["{f}.fit", "Y must be a 2-D array", "one output unit", "one-hot"]),
    ("a 3-D array to transpose", lambda n: transpose(np.ones((2, 2, 2))),
     nnconv.ShapeError, ["nnconv.transpose", "3-D"]),
    # values
    ("NaN in X for fit", lambda n: n.fit(X=n.to(with_value(n.X, np.nan))),
     ValueError, ["{f}.fit", "X holds 1 NaN and 0 infinite values", "nnconv needs finite numbers"]),
    ("inf in Y for fit", lambda n: n.fit(Y=n.to(with_value(n.Y, np.inf))),
     ValueError, ["{f}.fit", "Y holds 0 NaN and 1 infinite values"]),
    ("NaN in the parameters for fit", lambda n: n.fit(params=n.params(W2=n.to(with_value(n.P["W2"], np.nan)))),
     ValueError, ["{f}.fit", "W2 holds 1 NaN"]),
    ("NaN in X for forward", lambda n: n.forward(X=n.to(with_value(n.X, np.nan))),
     ValueError, ["{f}.forward", "X holds 1 NaN"]),
    ("-inf in X for predict", lambda n: n.mod.predict(n.to(with_value(n.X, -np.inf)), n.params(), ACTS),
     ValueError, ["{f}.predict", "X holds 0 NaN and 1 infinite"]),
    ("NaN in Z", lambda n: n.mod.activation_forward(with_value(np.ones((2, 2)), np.nan), "softmax"),
     ValueError, ["{f}.activation_forward", "Z holds 1 NaN"]),
    ("NaN in AL for cost", lambda n: n.mod.cost(n.to(with_value(n.AL, np.nan)), n.to(n.Y)),
     ValueError, ["{f}.cost", "AL holds 1 NaN"]),
    ("NaN in gradients for update", lambda n: n.mod.update(n.params(), {
        **n.to(n.grads), "db2": n.to(with_value(n.grads["db2"], np.nan, (0, 0)))}, 0.1),
     ValueError, ["{f}.update", "db2 holds 1 NaN"]),
    ("NaN in X for gradient_check", lambda n: nnconv.gradient_check(
        n.conv, n.to(with_value(n.X, np.nan)), n.to(n.Y), n.params(), ACTS),
     ValueError, ["nnconv.gradient_check", "X holds 1 NaN"]),
    ("bce labels outside [0, 1]", lambda n: n.fit(Y=n.to(n.Y * 3)),
     ValueError, ["{f}.fit", "loss 'bce' needs Y in [0, 1]", "class indices"]),
    ("ce outputs outside [0, 1]", lambda n: n.mod.cost(n.to(n.AL + 1), n.to(n.Y), "ce"),
     ValueError, ["{f}.cost", "loss 'ce' needs AL in [0, 1]"]),
    ("a complex X", lambda n: n.forward(X=n.to(n.X.astype(complex))),
     ValueError, ["{f}.forward", "X has dtype complex128", "real numbers"]),
    ("an object X", lambda n: n.forward(X=n.to(n.X.astype(object))),
     ValueError, ["{f}.forward", "X has dtype object"]),
    ("a string X", lambda n: n.forward(X=[["1", "2", "3"]]), ValueError, ["{f}.forward", "X has dtype <U1"]),
    ("a float16 X", lambda n: n.forward(X=n.to(n.X.astype(np.float16))),
     ValueError, ["{f}.forward", "X has dtype float16", "astype(np.float32)"]),
    # layer_dims and the hyperparameters
    ("layer_dims too short", lambda n: n.mod.init_params([3]),
     ValueError, ["{f}.init_params", "layer_dims must list the sizes", "at least two", "[3]"]),
    ("layer_dims empty", lambda n: n.mod.init_params([]), ValueError, ["{f}.init_params", "at least two"]),
    ("layer_dims as an int", lambda n: n.mod.init_params(3), ValueError, ["{f}.init_params", "got 3"]),
    ("a zero layer size", lambda n: n.mod.init_params([3, 0, 2]),
     ValueError, ["{f}.init_params", "positive integer", "got 0"]),
    ("a negative layer size", lambda n: n.mod.init_params([3, -4]), ValueError, ["{f}.init_params", "-4"]),
    ("a fractional layer size", lambda n: n.mod.init_params([3, 2.5]), ValueError, ["{f}.init_params", "2.5"]),
    ("a boolean layer size", lambda n: n.mod.init_params([3, True]), ValueError, ["{f}.init_params", "True"]),
    ("an integer dtype for init_params", lambda n: n.mod.init_params([3, 2], dtype=np.int32),
     ValueError, ["{f}.init_params", "dtype must be np.float32 or np.float64"]),
    ("a dtype that is not one", lambda n: n.mod.init_params([3, 2], dtype="banana"),
     ValueError, ["{f}.init_params", "'banana'"]),
    ("a negative seed", lambda n: n.mod.init_params([3, 2], seed=-1), ValueError, ["{f}.init_params", "seed"]),
    ("batch_size 0", lambda n: n.fit(batch_size=0), ValueError, ["{f}.fit", "batch_size must be a positive integer"]),
    ("a negative batch_size", lambda n: n.fit(batch_size=-8), ValueError, ["{f}.fit", "batch_size", "-8"]),
    ("a fractional batch_size", lambda n: n.fit(batch_size=2.5), ValueError, ["{f}.fit", "batch_size", "2.5"]),
    ("a boolean batch_size", lambda n: n.fit(batch_size=True), ValueError, ["{f}.fit", "batch_size"]),
    ("epochs 0", lambda n: n.fit(epochs=0), ValueError, ["{f}.fit", "epochs must be a positive integer"]),
    ("epochs as a string", lambda n: n.fit(epochs="3"), ValueError, ["{f}.fit", "epochs", "'3'"]),
    ("learning_rate 0", lambda n: n.fit(learning_rate=0), ValueError, ["{f}.fit", "learning_rate must be"]),
    ("a negative learning_rate", lambda n: n.fit(learning_rate=-0.1), ValueError, ["{f}.fit", "-0.1"]),
    ("a NaN learning_rate", lambda n: n.fit(learning_rate=float("nan")), ValueError, ["{f}.fit", "nan"]),
    ("an infinite learning_rate", lambda n: n.mod.update(n.params(), n.to(n.grads), float("inf")),
     ValueError, ["{f}.update", "learning_rate", "inf"]),
    ("learning_rate as a string", lambda n: n.fit(learning_rate="0.1"), ValueError, ["{f}.fit", "'0.1'"]),
    ("a seed that is not an integer", lambda n: n.fit(seed="a"), ValueError, ["{f}.fit", "seed"]),
    ("a zero epsilon", lambda n: nnconv.gradient_check(n.conv, n.to(n.X), n.to(n.Y), n.params(), ACTS,
                                                        epsilon=0.0),
     ValueError, ["nnconv.gradient_check", "epsilon must be"]),
    # files
    ("saving parameters under the other convention's name",
     lambda n: nnconv.save("never.npz", transpose(n.params()), n.conv),
     nnconv.ShapeError, ["nnconv.save", "looks like {other} parameters"]),
    ("saving an object array", lambda n: nnconv.save("never.npz", n.params(W1=np.array([[object()]])), n.conv),
     ValueError, ["nnconv.save", "W1 has dtype object"]),
    ("saving under the reserved key", lambda n: nnconv.save(
        "never.npz", {**n.params(), "__convention__": np.ones((1, 1))}, n.conv),
     ValueError, ["nnconv.save", "unexpected keys '__convention__'"]),
]


def expected_parts(parts: list[str], conv: str) -> list[str]:
    return [p.format(f=conv, conv=conv, other=OTHER[conv]) for p in parts]


@pytest.mark.parametrize("conv", ["rowmajor", "colmajor"])
@pytest.mark.parametrize(("call", "error", "parts"), [case[1:] for case in BAD_INPUTS],
                         ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_raises_a_helpful_error(conv: str, call: Callable[[Net], Any], error: type[Exception],
                                          parts: list[str], tmp_path: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    net = Net(conv)
    with strict(), pytest.raises(error) as info:
        call(net)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    for part in expected_parts(parts, conv):
        assert part in message, (part, message)
    assert os.listdir(tmp_path) == []  # nothing half-written


def test_the_issue_example_word_for_word() -> None:
    params = C.init_params([3, 4], seed=0)
    with pytest.raises(nnconv.ShapeError) as info:
        C.forward(np.ones((10, 3)), params, ["sigmoid"])
    assert str(info.value) == (
        "colmajor.forward: X has shape (10, 3) but W1 has shape (4, 3); in colmajor examples are "
        "columns, so X must be (3, m). This looks like rowmajor data: pass X.T or use nnconv.rowmajor.")


def test_error_classes() -> None:
    assert issubclass(nnconv.ShapeError, ValueError)
    assert issubclass(nnconv.NumericalError, ValueError) and issubclass(nnconv.NumericalError, FloatingPointError)
    assert nnconv.ShapeError is errors.ShapeError


# ---------------------------------------------------------------------------------------------
# Numerics at the extremes


@pytest.mark.parametrize("conv", ["rowmajor", "colmajor"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scale", [1e3, 1e4, 1e30])
def test_sigmoid_and_softmax_never_overflow_or_warn(conv: str, dtype: type, scale: float) -> None:
    mod, to = CONVENTIONS[conv], Net(conv).to
    Z = (np.array([[-1, 1, 0, 1], [1, -1, 0.5, 1], [-1, -1, -1, -1]]) * scale).astype(dtype)
    with strict():
        S = mod.activation_forward(to(Z), "sigmoid")
        P = mod.activation_forward(to(Z), "softmax")
    for A in (S, P):
        assert A.dtype == dtype and np.isfinite(A).all() and (A >= 0).all() and (A <= 1).all()
    assert np.array_equal(S, to(R.activation_forward(Z, "sigmoid")))
    assert np.array_equal(P, to(R.activation_forward(Z, "softmax")))
    rows = to(P)
    assert np.allclose(rows.sum(axis=1), 1, atol=1e-6)
    assert rows[0, 1] == rows[0, 3] == np.float32(0.5) if dtype == np.float32 else rows[0, 1] == 0.5
    assert to(S)[0, 1] == 1 and to(S)[0, 0] < 1e-30


@pytest.mark.parametrize("conv", ["rowmajor", "colmajor"])
def test_a_softmax_range_beyond_the_dtype_is_a_numerical_error(conv: str) -> None:
    """Logits 3e38 apart in float32: e^{z − max z} is still fine (sigmoid is too), but z − max z
    itself overflows: a NumericalError, not a warning."""
    mod, to = CONVENTIONS[conv], Net(conv).to
    Z = np.array([[3e38, -3e38]], dtype=np.float32)
    with strict():
        S = to(mod.activation_forward(to(Z), "sigmoid"))
        assert S[0, 0] == 1 and 0 < S[0, 1] < 1e-37
        with pytest.raises(nnconv.NumericalError, match=f"{conv}.activation_forward: overflow"):
            mod.activation_forward(to(Z), "softmax")


@pytest.mark.parametrize("conv", ["rowmajor", "colmajor"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("output", "loss"), [("sigmoid", "bce"), ("softmax", "ce"), ("softmax", "bce"),
                                              ("sigmoid", "ce")])
def test_saturated_outputs_give_finite_costs_and_gradients(conv: str, dtype: type, output: str,
                                                            loss: str) -> None:
    """A[L] exactly 0 and 1, against the opposite labels: costs and both gradient paths finite."""
    mod, to = CONVENTIONS[conv], Net(conv).to
    X = np.array([[1e3, -1e3], [-1e3, 1e3], [2e3, 0.0]], dtype=dtype)
    params = R.init_params([2, 2], seed=0, dtype=dtype)
    params["W1"][...] = [[1, -1], [-1, 1]]
    AL, caches = R.forward(X, params, [output])
    Y = np.array([[0, 1], [1, 0], [0, 1]], dtype=dtype)  # each the opposite of the saturated output
    assert ((AL == 0) | (AL == 1)).any() or output == "sigmoid" and (AL > 1 - 1e-6).any()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        J = mod.cost(to(AL), to(Y), loss)
        dAL = mod.loss_backward(to(AL), to(Y), loss)
        dZ_unfused = mod.activation_backward(dAL, to(caches[0].Z), output)
        grads = mod.backward(to(AL), to(Y), to(caches), [output], loss)
    assert np.isfinite(J) and J > 10
    for value in (dAL, dZ_unfused, *grads.values()):
        assert np.isfinite(value).all() and value.dtype == dtype


@pytest.mark.parametrize("conv", ["rowmajor", "colmajor"])
def test_square_batch_with_a_2d_bias_adds_it_per_unit(conv: str) -> None:
    """m == n_out: the layout where a 1-D or wrongly oriented bias broadcasts silently."""
    mod, to = CONVENTIONS[conv], Net(conv).to
    A_prev, W, b = np.arange(6.0).reshape(2, 3), np.ones((3, 2)), np.array([[10.0, 20.0]])
    Z = mod.linear_forward(to(A_prev), to(W), to(b))
    assert np.array_equal(to(Z), [[13, 23], [22, 32]])


@pytest.mark.parametrize("conv", ["rowmajor", "colmajor"])
def test_overflow_from_finite_inputs_is_a_numerical_error(conv: str) -> None:
    net = Net(conv)
    with strict(), pytest.raises(nnconv.NumericalError, match=f"{conv}.forward: overflow"):
        net.forward(X=net.to(net.X * 1e300), params={k: v * 1e10 for k, v in net.params().items()})
    with strict(), pytest.raises(nnconv.NumericalError, match=f"{conv}.fit: .*learning rate"):
        net.fit(Y=net.to(np.round(net.Y)), learning_rate=1e306, epochs=5, loss="bce")
    net.forward()  # the error left the floating-point state and the checks as they were
    with pytest.raises(ValueError, match="X holds"):
        net.forward(X=net.to(with_value(net.X, np.nan)))
    assert np.geterr()["over"] == "warn"


@pytest.mark.parametrize(("output", "loss"), [("softmax", "ce"), ("sigmoid", "bce")])
def test_fit_equals_the_public_functions_at_saturated_outputs(output: str, loss: str) -> None:
    X, Y = np.array([[1000.0, -1000.0], [-800.0, 900.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    params = {"W1": np.eye(2), "b1": np.zeros((1, 2))}
    trained, _ = R.fit(X, Y, params, [output], loss=loss, learning_rate=0.1)
    AL, caches = R.forward(X, params, [output])
    expected = R.update(params, R.backward(AL, Y, caches, [output], loss), 0.1)
    for k in params:  # fit updates inside its products: equal up to rounding
        np.testing.assert_allclose(trained[k], expected[k], rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------------------------
# dtypes


@pytest.mark.parametrize("conv", ["rowmajor", "colmajor"])
@pytest.mark.parametrize("data_dtype", [np.float32, np.float64, np.int64, np.uint8, bool])
def test_float32_parameters_stay_float32_whatever_the_data(conv: str, data_dtype: type) -> None:
    net = Net(conv)
    mod, to = net.mod, net.to
    params = {k: v.astype(np.float32) for k, v in net.params().items()}
    X, Y = to(np.round(net.X).astype(data_dtype)), to(net.Y.astype(data_dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        AL, caches = mod.forward(X, params, ACTS)
        grads = mod.backward(AL, Y, caches, ACTS, "bce")
        updated = mod.update(params, grads, 0.1)
        trained, history = mod.fit(X, Y, params, ACTS, epochs=2, batch_size=2, seed=0)
        Z = mod.linear_forward(X, params["W1"], params["b1"])
        dA_prev, dW, db = mod.linear_backward(to(np.ones((5, 4), dtype=data_dtype)), X, params["W1"])
    arrays = [AL, *[a for c in caches for a in c], *grads.values(), *updated.values(), *trained.values(),
              Z, dA_prev, dW, db]
    assert all(a.dtype == np.float32 for a in arrays)
    assert np.isfinite(history).all()
    # float64 updates of float32 parameters stay float32 too
    grads64 = {k: v.astype(np.float64) for k, v in grads.items()}
    assert all(v.dtype == np.float32 for v in mod.update(params, grads64, 0.1).values())


@pytest.mark.parametrize("data_dtype", [np.int64, bool, np.float32])
def test_other_data_is_computed_in_the_parameters_dtype_bit_for_bit(data_dtype: type) -> None:
    """Integer, boolean and float32 data with float64 parameters: computed as float64, and the
    two conventions still agree bit for bit (the conversion keeps the memory layout)."""
    net = Net("rowmajor")
    X = (net.X * 3).astype(data_dtype)
    AL, caches = R.forward(X, net.P, ACTS)
    for user_X in (X.T, np.ascontiguousarray(X.T)):
        AL_col, caches_col = C.forward(user_X, transpose(net.P), ACTS)
        assert AL.dtype == AL_col.dtype == np.float64
        assert np.array_equal(AL_col, AL.T)
        assert all(np.array_equal(a.T, b) for c, d in zip(caches, caches_col) for a, b in zip(c, d))
    assert np.array_equal(AL, R.forward(X.astype(np.float64), net.P, ACTS)[0])


def test_integer_parameters_are_computed_as_float64() -> None:
    AL, caches = R.forward([[1, 2]], {"W1": [[1], [2]], "b1": [[0]]}, ["linear"])
    assert AL.dtype == np.float64 and AL.tolist() == [[5.0]]


# ---------------------------------------------------------------------------------------------
# Validation: once per call, never changing the arithmetic


def test_fit_validates_once_per_call_not_per_step(monkeypatch: Any) -> None:
    net = Net("colmajor", m=12)
    seen: list[str] = []
    original = errors._finite
    monkeypatch.setattr(errors, "_finite", lambda where, name, a: (seen.append(name), original(where, name, a)))
    net.fit(epochs=3, batch_size=2, seed=0)
    assert sorted(seen) == sorted(["X", "Y", "W1", "b1", "W2", "b2"])
    seen.clear()
    nnconv.gradient_check("colmajor", net.to(net.X), net.to(net.Y), net.params(), ACTS)
    assert len(seen) == 6  # not once per perturbed forward pass
    seen.clear()
    net.forward()
    assert len(seen) == 5  # X and the parameters, not again inside linear_forward


def test_checks_do_not_modify_their_inputs() -> None:
    net = Net("colmajor")
    X, params = np.ascontiguousarray(net.to(net.X)), net.params()
    before = (X.copy(), {k: v.copy() for k, v in params.items()}, X.flags.c_contiguous)
    net.mod.fit(X, net.to(net.Y), params, ACTS, epochs=2)
    assert np.array_equal(X, before[0]) and X.flags.c_contiguous == before[2]
    assert all(np.array_equal(params[k], before[1][k]) for k in params)


# ---------------------------------------------------------------------------------------------
# Files


def bits(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a).tobytes()


@pytest.mark.parametrize("saved_in", ["rowmajor", "colmajor"])
@pytest.mark.parametrize("loaded_in", ["rowmajor", "colmajor"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip_keeps_every_bit_even_nan_payloads(tmp_path: Any, saved_in: str, loaded_in: str,
                                                      dtype: type) -> None:
    params = nnconv.convention(saved_in).init_params([4, 3, 2], seed=3, dtype=dtype)
    params["W1"][0, 0] = np.float64(-0.0)
    params["W2"][0, 0] = np.nan
    params["b2"][...] = np.inf
    path = tmp_path / "weights"  # no .npz added
    nnconv.save(path, params, saved_in)
    assert os.listdir(tmp_path) == ["weights"]
    loaded = nnconv.load(path, loaded_in)
    expected = params if saved_in == loaded_in else transpose(params)
    for key in params:
        assert loaded[key].dtype == dtype and loaded[key].shape == expected[key].shape
        assert bits(loaded[key]) == bits(expected[key])
    if loaded_in == "colmajor":
        assert all(v.flags.f_contiguous for v in loaded.values())


def test_load_never_unpickles(tmp_path: Any) -> None:
    marker = tmp_path / "unpickled"
    np.savez(tmp_path / "objects.npz", W1=np.array([Boom(str(marker))], dtype=object),
             __convention__=np.array("rowmajor"))
    with pickle_guard(), pytest.raises(ValueError, match="Python objects.*never unpickles"):
        nnconv.load(tmp_path / "objects.npz", "rowmajor")
    with open(tmp_path / "plain.pkl", "wb") as file:
        pickle.dump({"W1": Boom(str(marker))}, file)
    with pickle_guard(), pytest.raises(ValueError, match="never unpickles"):
        nnconv.load(tmp_path / "plain.pkl", "rowmajor")
    assert not marker.exists()


class Boom:
    """Creates a file when unpickled."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (self.path, "w"))


@contextmanager
def pickle_guard() -> Iterator[None]:
    original = pickle.loads

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("load unpickled")

    pickle.loads = refuse  # type: ignore[assignment]
    try:
        yield
    finally:
        pickle.loads = original  # type: ignore[assignment]


def test_every_truncation_of_a_file_is_refused_clearly(tmp_path: Any) -> None:
    path = tmp_path / "p.npz"
    nnconv.save(path, R.init_params([3, 2], seed=0), "rowmajor")
    raw = path.read_bytes()
    cut = tmp_path / "cut.npz"
    for n in range(len(raw)):
        cut.write_bytes(raw[:n])
        with pytest.raises(ValueError, match="nnconv.load: .*cut.npz"):
            nnconv.load(cut, "colmajor")


@pytest.mark.parametrize("writer", [np.savez, np.savez_compressed])
def test_every_flipped_byte_loads_or_is_refused_clearly(tmp_path: Any, writer: Callable[..., None]) -> None:
    """Damaged headers raise many things inside zipfile and zlib (BadZipFile, NotImplementedError,
    zlib.error, ...): load turns every one into a ValueError; damaged data loads as it is."""
    path, damaged = tmp_path / "p.npz", tmp_path / "damaged.npz"
    writer(path, **R.init_params([3, 2], seed=0), __convention__=np.array("rowmajor"))
    raw = path.read_bytes()
    outcomes: Counter[str] = Counter()
    for n in range(len(raw)):
        damaged.write_bytes(raw[:n] + bytes([raw[n] ^ 0xFF]) + raw[n + 1:])
        try:
            loaded = nnconv.load(damaged, "colmajor")
        except ValueError as error:
            assert "nnconv.load" in str(error)
            outcomes["refused"] += 1
        else:  # a field that holds no data, such as a timestamp: the same bits
            assert sorted(loaded) == ["W1", "b1"]
            assert all(np.array_equal(loaded[k], R.init_params([3, 2], seed=0)[k].T) for k in loaded)
            outcomes["loaded"] += 1
    assert outcomes["refused"] > len(raw) // 2


def test_a_zip_with_other_members_is_refused(tmp_path: Any) -> None:
    with zipfile.ZipFile(tmp_path / "other.npz", "w") as archive:
        archive.writestr("readme.txt", "hello")
        archive.writestr("__convention__.npy", "not an array")
    with pytest.raises(ValueError, match="not NumPy arrays"):
        nnconv.load(tmp_path / "other.npz", "rowmajor")


@pytest.mark.parametrize("damage", ["flip a byte", "garbage", "text", "npy", "foreign npz",
                                    "bad convention", "bad shapes", "not a string"])
def test_corrupt_or_foreign_files_are_refused_clearly(tmp_path: Any, damage: str) -> None:
    path = tmp_path / "p.npz"
    params = R.init_params([3, 2], seed=0)
    nnconv.save(path, params, "rowmajor")
    raw = bytearray(path.read_bytes())
    if damage == "flip a byte":
        raw[raw.index(b"\x93NUMPY") + 130] ^= 0xFF  # in the data of the first array
        path.write_bytes(bytes(raw))
    elif damage == "garbage":
        path.write_bytes(os.urandom(300))
    elif damage == "text":
        path.write_text("W1,b1\n1,2\n")
    elif damage == "npy":
        np.save(tmp_path / "p.npy", np.ones((2, 2)))
        path = tmp_path / "p.npy"
    elif damage == "foreign npz":
        np.savez(path, **params)
    elif damage == "bad convention":
        np.savez(path, **params, __convention__=np.array("diagonal"))
    elif damage == "bad shapes":
        np.savez(path, W1=params["W1"], b1=params["b1"].T, __convention__=np.array("rowmajor"))
    else:
        np.savez(path, **params, __convention__=np.array([1, 2]))
    with pytest.raises(ValueError, match="nnconv.load"):  # a flipped data byte too: checksums are verified
        nnconv.load(path, "rowmajor")


def test_a_missing_file_is_file_not_found(tmp_path: Any) -> None:
    with pytest.raises(FileNotFoundError):
        nnconv.load(tmp_path / "missing.npz", "rowmajor")


def test_a_failed_save_leaves_the_old_file_intact(tmp_path: Any) -> None:
    path = tmp_path / "p.npz"
    params = R.init_params([3, 2], seed=0)
    nnconv.save(path, params, "rowmajor")
    before = path.read_bytes()
    with pytest.raises(ValueError):
        nnconv.save(path, {"W1": params["W1"]}, "rowmajor")
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["p.npz"]
