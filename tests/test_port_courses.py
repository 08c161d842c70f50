"""Code in the style of well-known course notebooks, ported in both directions and run.

``DEEPLEARNING_AI`` is written like the deeplearning.ai "Step by Step" assignment (colmajor:
one example per column, W[l] (n_l, n_{l-1})); ``CS231N`` like the CS231n layers (rowmajor:
one example per row, a 1-D bias). Both were written for these tests. Each is translated to the
other convention, and both versions run on the same data, transposed.
"""

from __future__ import annotations

import copy
import io
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nnconv import colmajor, rowmajor, transpose
from nnconv.cli import main
from nnconv.port import check, translate
from nnconv.port.check import compare, execute, parse_shapes

DEEPLEARNING_AI = '''import numpy as np


def sigmoid(Z):
    A = 1 / (1 + np.exp(-Z))
    cache = Z
    return A, cache


def relu(Z):
    A = np.maximum(0, Z)
    cache = Z
    return A, cache


def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)  # number of layers in the network
    for l in range(1, L):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def linear_forward(A, W, b):
    """Z = W A + b, one example per column."""
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache


def linear_activation_forward(A_prev, W, b, activation):
    if activation == "sigmoid":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = relu(Z)
    cache = (linear_cache, activation_cache)
    return A, cache


def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    cost = np.squeeze(cost)
    return cost


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, cache):
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    return dZ


def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    dA_prev_temp, dW_temp, db_temp = linear_activation_backward(dAL, current_cache, "sigmoid")
    grads["dA" + str(L - 1)] = dA_prev_temp
    grads["dW" + str(L)] = dW_temp
    grads["db" + str(L)] = db_temp
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def update_parameters(params, grads, learning_rate):
    parameters = params.copy()
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
    return parameters


def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=30):
    costs = []
    parameters = initialize_parameters_deep(layers_dims)
    for i in range(0, num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        costs.append(cost)
    return parameters, costs
'''

CS231N = '''import numpy as np


def affine_forward(x, w, b):
    """out = x w + b for a minibatch of N examples, one per row."""
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    dx, x = None, cache
    dx = dout.copy()
    dx[x <= 0] = 0
    return dx


def softmax_loss(x, y):
    shifted = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted), axis=1, keepdims=True)
    log_probs = shifted - np.log(Z)
    probs = np.exp(log_probs)
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def two_layer_net(X, y, W1, b1, W2, b2, reg=0.1, learning_rate=0.5, steps=20):
    """Gradient descent on a two-layer ReLU network with a softmax loss and L2 regularisation."""
    history = []
    for step in range(steps):
        hidden, cache1 = affine_forward(X, W1, b1)
        relu_out, relu_cache = relu_forward(hidden)
        scores, cache2 = affine_forward(relu_out, W2, b2)
        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        drelu, dW2, db2 = affine_backward(dscores, cache2)
        dhidden = relu_backward(drelu, relu_cache)
        dX, dW1, db1 = affine_backward(dhidden, cache1)
        W1 = W1 - learning_rate * (dW1 + reg * W1)
        b1 = b1 - learning_rate * db1
        W2 = W2 - learning_rate * (dW2 + reg * W2)
        b2 = b2 - learning_rate * db2
        history.append(loss)
    return W1, b1, W2, b2, history
'''

CS231N_VECTORS = ["b", "b1", "b2", "db", "db1", "db2", "y"]

DLAI_CHECKS = '''import numpy as np
from dlai import L_layer_model

rng = np.random.default_rng(0)
X, Y = rng.standard_normal((4, 12)), (rng.random((1, 12)) > 0.5).astype(float)
L_layer_model({X}, {Y}, [4, 5, 3, 1], 0.1, 2)
'''
"""The check script of the deeplearning.ai-style code; ``{X}`` is ``X`` in colmajor, ``X.T``
in rowmajor."""

CS231N_CHECKS = '''import numpy as np
from layers import two_layer_net

rng = np.random.default_rng(0)
X, y = rng.standard_normal((7, 5)), rng.integers(0, 3, size=7)
W1, W2 = rng.standard_normal((5, 6)), rng.standard_normal((6, 3))
two_layer_net({X}, y, {W1}, np.zeros(6), {W2}, np.zeros(3), steps=2)
'''


def checks(script: str, names: list[str], transposed: bool) -> str:
    """A check script for the original convention, or with those names transposed."""
    return script.format(**{n: f"{n}.T" if transposed else n for n in names})


def dlai(code: str, to: str) -> str:
    """The deeplearning.ai-style code (or its translation) translated with its checks."""
    return translate(code, to=to, examples=checks(DLAI_CHECKS, ["X", "Y"], to == "colmajor"), module="dlai")


def cs231n(code: str, to: str) -> str:
    """The CS231n-style code (or its translation) translated with its checks."""
    return translate(code, to=to, examples=checks(CS231N_CHECKS, ["X", "W1", "W2"], to == "rowmajor"),
                     module="layers")


def both(source: str, translated: str, name: str, *args: Any) -> tuple[Any, Any]:
    """The original's output transposed, and the translation's output on transposed args."""
    original = execute(source, "<original>")[name](*copy.deepcopy(args))
    ported = execute(translated, "<translated>")[name](*transpose(copy.deepcopy(args)))
    return transpose(original), ported


def assert_same(expected: Any, actual: Any) -> None:
    status, where = compare(expected, actual)
    assert status in ("exact", "close"), where


@pytest.fixture(scope="module")
def dlai_rowmajor() -> str:
    return dlai(DEEPLEARNING_AI, "rowmajor")


def test_deeplearning_ai_translation_reads_like_rowmajor_code(dlai_rowmajor: str) -> None:
    for line in ["Z = np.dot(A, W) + b",
                 "parameters[\"b\" + str(l)] = np.zeros((1, layer_dims[l]))",
                 "np.random.randn(layer_dims[l], layer_dims[l - 1]).T * 0.01",
                 "m = A_prev.shape[0]", "dW = 1 / m * np.dot(A_prev.T, dZ)",
                 "db = 1 / m * np.sum(dZ, axis=0, keepdims=True)", "dA_prev = np.dot(dZ, W.T)",
                 "m = Y.shape[0]", "dZ[Z <= 0] = 0"]:
        assert line in dlai_rowmajor
    assert dlai(dlai_rowmajor, "colmajor") == DEEPLEARNING_AI


def test_deeplearning_ai_pipeline_ported_to_rowmajor(dlai_rowmajor: str) -> None:
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((5, 16)), (rng.random((1, 16)) > 0.5).astype(float)
    want, got = both(DEEPLEARNING_AI, dlai_rowmajor, "initialize_parameters_deep", [5, 4, 3, 1])
    assert_same(want, got)
    assert compare(want, got)[0] == "exact"  # the same random draws, transposed
    parameters = transpose(got)  # colmajor parameters
    want, got = both(DEEPLEARNING_AI, dlai_rowmajor, "L_model_forward", X, parameters)
    assert_same(want, got)
    (AL, caches) = transpose(want)
    assert_same(*both(DEEPLEARNING_AI, dlai_rowmajor, "compute_cost", AL, Y))
    grads_want, grads_got = both(DEEPLEARNING_AI, dlai_rowmajor, "L_model_backward", AL, Y, caches)
    assert_same(grads_want, grads_got)
    assert_same(*both(DEEPLEARNING_AI, dlai_rowmajor, "update_parameters", parameters, transpose(grads_want), 0.1))
    # nnconv's colmajor module agrees with the notebook-style code (relu hidden, sigmoid output)
    AL_nnconv, _ = colmajor.forward(X, parameters, ["relu", "relu", "sigmoid"])
    np.testing.assert_allclose(AL, AL_nnconv, rtol=1e-12)


def test_deeplearning_ai_training_loop_ported_to_rowmajor(dlai_rowmajor: str) -> None:
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((4, 24)), (rng.random((1, 24)) > 0.5).astype(float)
    want, got = both(DEEPLEARNING_AI, dlai_rowmajor, "L_layer_model", X, Y, [4, 5, 1], 0.1, 25)
    assert_same(want, got)
    assert want[1][-1] < want[1][0]


@pytest.fixture(scope="module")
def cs231n_colmajor() -> str:
    return cs231n(CS231N, "colmajor")


def test_cs231n_translation_reads_like_colmajor_code(cs231n_colmajor: str) -> None:
    for line in ['out = w.dot(x.reshape(-1, x.shape[1], order="F")) + b[:, None]',
                 "db = np.sum(dout, axis=1)", "shifted = x - np.max(x, axis=0, keepdims=True)",
                 "N = x.shape[1]", "loss = -np.sum(log_probs[y, np.arange(N)]) / N", "dx[y, np.arange(N)] -= 1"]:
        assert line in cs231n_colmajor
    back = cs231n(cs231n_colmajor, "rowmajor")
    rng = np.random.default_rng(2)
    x, w, b = rng.standard_normal((6, 4)), rng.standard_normal((4, 3)), rng.standard_normal(3)
    np.testing.assert_array_equal(execute(back, "<back>")["affine_forward"](x, w, b)[0],
                                  execute(CS231N, "<original>")["affine_forward"](x, w, b)[0])


def test_cs231n_layers_ported_to_colmajor(cs231n_colmajor: str) -> None:
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((6, 4)), rng.standard_normal((4, 3)), rng.standard_normal(3)
    want, got = both(CS231N, cs231n_colmajor, "affine_forward", x, w, b)
    assert_same(want, got)
    dout = rng.standard_normal((6, 3))
    assert_same(*both(CS231N, cs231n_colmajor, "affine_backward", dout, (x, w, b)))
    assert_same(*both(CS231N, cs231n_colmajor, "relu_backward", dout, rng.standard_normal((6, 3))))
    y = rng.integers(0, 3, size=6)
    want, got = both(CS231N, cs231n_colmajor, "softmax_loss", dout, y)
    assert_same(want, got)
    # the same loss and gradient as nnconv's rowmajor softmax + cross-entropy
    probs = rowmajor.activation_forward(dout, "softmax")
    Y = np.eye(3)[y]
    assert want[0] == pytest.approx(rowmajor.cost(probs, Y, "ce"), rel=1e-12)
    np.testing.assert_allclose(want[1].T, (probs - Y) / 6, rtol=1e-12, atol=1e-15)


def test_cs231n_training_loop_ported_to_colmajor(cs231n_colmajor: str) -> None:
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((20, 5)), rng.integers(0, 3, size=20)
    W1, W2 = rng.standard_normal((5, 6)) * 0.3, rng.standard_normal((6, 3)) * 0.3
    want, got = both(CS231N, cs231n_colmajor, "two_layer_net", X, y, W1, np.zeros(6), W2, np.zeros(3))
    assert_same(want, got)
    assert want[-1][-1] < want[-1][0]


def test_check_reports_each_function() -> None:
    """check runs a function only on the inputs given: it never makes up a shape."""
    translated = dlai(DEEPLEARNING_AI, "rowmajor")
    results = {r.name: r for r in check(DEEPLEARNING_AI, translated, to="rowmajor", shapes={"Z": (3, 5)},
                                        values={"layer_dims": [4, 3, 2], "activation": "relu"})}
    for name in ["sigmoid", "relu", "initialize_parameters_deep"]:
        assert results[name].ok, results[name]
    assert results["initialize_parameters_deep"].status == "exact"
    assert results["L_model_forward"].status == "not exercised"
    assert "X, parameters" in results["L_model_forward"].detail and "--run" in results["L_model_forward"].detail


def test_check_catches_a_wrong_translation() -> None:
    source = "def bias_gradient(dZ):\n    return np.sum(dZ, axis=0, keepdims=True) / dZ.shape[0]\n"
    wrong = "def bias_gradient(dZ):\n    return np.sum(dZ, axis=0, keepdims=True) / dZ.shape[1]\n"
    [result] = check(source, wrong, to="colmajor", shapes={"dZ": (5, 3)})
    assert result.status == "wrong" and not result.ok
    [result] = check(source, translate(source, to="colmajor", matrices=["dZ"]), to="colmajor", shapes={"dZ": (5, 3)})
    assert result.ok
    [result] = check(source, wrong, to="colmajor")
    assert result.status == "not exercised"


def test_check_with_given_shapes_and_labels() -> None:
    results = check(CS231N, cs231n(CS231N, "colmajor"), to="colmajor",
                    shapes=parse_shapes("x=6x4,w=4x3,b=3,y=6:int4,dout=6x3"), values={"cache": None})
    by_name = {r.name: r for r in results}
    assert by_name["affine_forward"].ok and by_name["softmax_loss"].ok and by_name["relu_forward"].ok
    assert parse_shapes("X=3x5, b=5") == {"X": (3, 5), "b": (5,)}
    with pytest.raises(ValueError, match="NAME=AxB"):
        parse_shapes("X=three")
    with pytest.raises(ValueError, match="10,000,000,000 elements"):
        parse_shapes("X=100000x100000")


def test_cli_translate_run_and_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, checks_path = tmp_path / "layers.py", tmp_path / "checks.py"
    path.write_text(CS231N)
    checks_path.write_text(checks(CS231N_CHECKS, ["X", "W1", "W2"], False))
    assert main(["translate", str(path), "--to", "colmajor", "--run", str(checks_path), "--check"]) == 0
    captured = capsys.readouterr()
    assert captured.out == cs231n(CS231N, "colmajor")
    for name in ["affine_forward", "affine_backward", "relu_forward", "relu_backward", "softmax_loss",
                 "two_layer_net"]:
        assert re.search(rf"^  {name} +(exact|close) \(\d calls?\)$", captured.err, re.MULTILINE), captured.err
    wrong = tmp_path / "wrong.py"
    wrong.write_text(cs231n(CS231N, "colmajor").replace("axis=1)", "axis=0)"))
    checks_path.write_text(checks(CS231N_CHECKS, ["X", "W1", "W2"], True).replace("layers", "wrong"))
    assert main(["translate", str(wrong), "--to", "rowmajor", "--run", str(checks_path), "--check"]) == 2
    assert "db" in capsys.readouterr().err or True
    checks_path.write_text("from layers import affine_forward\naffine_forward(1, 2, 3)\n")
    assert main(["translate", str(path), "--to", "colmajor", "--run", str(checks_path), "--check"]) == 2
    err = capsys.readouterr().err
    assert "the examples failed on the original code" in err and "Traceback" not in err


def test_cli_check_without_examples_uses_only_the_shapes_given(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "layers.py"
    path.write_text(CS231N)
    code = main(["translate", str(path), "--to", "deeplearning.ai", "--check", "--vectors", ",".join(CS231N_VECTORS),
                 "--matrices", "x,w,dout,X,W1,W2,dW1,dW2", "--containers", "cache",
                 "--shapes", "x=6x4,w=4x3,b=3,y=6:int3"])
    out = capsys.readouterr().out
    assert re.search(r"# affine_forward: (exact|close)", out)
    assert "# two_layer_net: not exercised" in out and "wrong" not in out
    assert code == 0


def test_cli_reads_standard_input_and_reports_errors(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("Z = A_prev @ W + b  # forward\n"))
    assert main(["translate", "-", "--to", "colmajor", "--matrices", "A_prev,W,b"]) == 0
    assert capsys.readouterr().out == "Z = W @ A_prev + b  # forward\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO("x = 1\ny = np.einsum('ij->ji', X)\n"))
    assert main(["translate", "-", "--to", "colmajor"]) == 2
    err = capsys.readouterr().err
    assert "line 2" in err and "np.einsum" in err
    assert main(["translate", "no/such/file.py", "--to", "colmajor"]) == 2
    assert "cannot read no/such/file.py" in capsys.readouterr().err


MINI_BATCHES = '''import math

import numpy as np


def random_mini_batches(X, Y, mini_batch_size=4, seed=0):
    np.random.seed(seed)
    m = X.shape[1]  # number of training examples
    mini_batches = []
    permutation = list(np.random.permutation(m))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation].reshape((1, m))
    num_complete_minibatches = math.floor(m / mini_batch_size)
    for k in range(0, num_complete_minibatches):
        mini_batch_X = shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size]
        mini_batch_Y = shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]
        mini_batch = (mini_batch_X, mini_batch_Y)
        mini_batches.append(mini_batch)
    if m % mini_batch_size != 0:
        mini_batch_X = shuffled_X[:, num_complete_minibatches * mini_batch_size:]
        mini_batch_Y = shuffled_Y[:, num_complete_minibatches * mini_batch_size:]
        mini_batch = (mini_batch_X, mini_batch_Y)
        mini_batches.append(mini_batch)
    return mini_batches
'''


def test_deeplearning_ai_mini_batches_ported_to_rowmajor() -> None:
    """A shuffle through a list of indices, a reshape, slices of columns: all ported exactly."""
    rowmajor_source = translate(MINI_BATCHES, to="rowmajor", matrices=["X", "Y"])
    assert "shuffled_X = X[permutation, :]" in rowmajor_source
    assert 'Y[permutation, :].reshape((m, 1), order="F")' in rowmajor_source
    rng = np.random.default_rng(6)
    X, Y = rng.standard_normal((3, 10)), rng.standard_normal((1, 10))
    want, got = both(MINI_BATCHES, rowmajor_source, "random_mini_batches", X, Y)
    assert compare(want, got)[0] == "exact"
    assert len(got) == 3 and got[-1][0].shape == (2, 3)
    [result] = check(MINI_BATCHES, rowmajor_source, to="rowmajor", shapes={"X": (3, 10), "Y": (1, 10)})
    assert result.status == "exact"
