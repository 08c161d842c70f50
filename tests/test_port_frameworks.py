"""Trained weights between nnconv and PyTorch, scikit-learn and Keras: predictions agree,
round trips are bit-exact, and the arrays come out in each convention's canonical layout."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

import nnconv
from nnconv import colmajor, rowmajor, transpose
from nnconv.port import from_keras, from_sklearn, from_torch, to_keras, to_torch

CONVENTIONS = ["rowmajor", "colmajor"]
ACTIVATIONS = ["relu", "tanh", "leaky_relu", "sigmoid", "linear", "softmax"]


def assert_canonical(params: dict[str, np.ndarray], name: str) -> None:
    """Rowmajor arrays in C order, colmajor ones in Fortran order, each owning its memory."""
    for key, value in params.items():
        assert value.flags.c_contiguous if name == "rowmajor" else value.flags.f_contiguous, key
        assert value.base is None or not isinstance(value.base, np.ndarray), key


def forward(params: dict[str, np.ndarray], name: str, X: np.ndarray, activations: list[str]) -> np.ndarray:
    """nnconv's forward pass on rowmajor X, returned rowmajor."""
    conv = nnconv.convention(name)
    AL, _ = conv.forward(X if name == "rowmajor" else X.T, params, activations)
    return AL if name == "rowmajor" else AL.T


def torch_mlp(dims: list[int], activations: list[str], dtype: torch.dtype, seed: int = 0) -> torch.nn.Sequential:
    torch.manual_seed(seed)
    modules: list[torch.nn.Module] = []
    table = {"relu": torch.nn.ReLU(), "tanh": torch.nn.Tanh(), "sigmoid": torch.nn.Sigmoid(),
             "leaky_relu": torch.nn.LeakyReLU(0.01), "softmax": torch.nn.Softmax(dim=1)}
    for n_in, n_out, activation in zip(dims[:-1], dims[1:], activations):
        modules.append(torch.nn.Linear(n_in, n_out, dtype=dtype))
        if activation != "linear":
            modules.append(table[activation])
    return torch.nn.Sequential(*modules)


@pytest.mark.parametrize("name", CONVENTIONS)
@pytest.mark.parametrize("activations", [["relu", "tanh", "softmax"], ["leaky_relu", "sigmoid", "linear"]])
def test_from_torch_reproduces_the_module(name: str, activations: list[str]) -> None:
    dims = [7, 6, 5, 3]
    module = torch_mlp(dims, activations, torch.float64)
    params = from_torch(module, name)
    assert_canonical(params, name)
    W1 = params["W1"]
    assert W1.shape == ((7, 6) if name == "rowmajor" else (6, 7))
    assert params["b1"].shape == ((1, 6) if name == "rowmajor" else (6, 1))
    X = np.random.default_rng(0).standard_normal((11, 7))
    with torch.no_grad():
        expected = module(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(forward(params, name, X, activations), expected, rtol=1e-12, atol=1e-300)


def test_from_torch_is_the_same_in_both_conventions_and_copies() -> None:
    module = torch_mlp([4, 3, 2], ["relu", "sigmoid"], torch.float64)
    row, col = from_torch(module, "rowmajor"), from_torch(module, "deeplearning.ai")
    assert all(np.array_equal(row[k].T, col[k]) for k in row)
    row["W1"][0, 0] = 123.0
    assert module[0].weight[0, 0].item() != 123.0


def test_from_torch_keeps_float32_and_reads_linear_layers_without_bias() -> None:
    module = torch.nn.Sequential(torch.nn.Linear(3, 2, bias=False), torch.nn.Tanh(), torch.nn.Linear(2, 1))
    params = from_torch(module, rowmajor)
    assert params["W1"].dtype == np.float32
    np.testing.assert_array_equal(params["b1"], np.zeros((1, 2), np.float32))
    with pytest.raises(ValueError, match="no nn.Linear"):
        from_torch(torch.nn.ReLU(), "rowmajor")


@pytest.mark.parametrize("name", CONVENTIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_torch_round_trips_are_bit_exact(name: str, dtype: type) -> None:
    conv = nnconv.convention(name)
    params = conv.init_params([5, 4, 3], seed=1, dtype=dtype)
    params = {k: v + (0.25 if k.startswith("b") else 0) for k, v in params.items()}
    module = to_torch(params, name, ["relu", "softmax"])
    back = from_torch(module, name)
    assert back.keys() == params.keys()
    assert all(np.array_equal(back[k], params[k]) and back[k].dtype == params[k].dtype for k in params)
    again = to_torch(back, name, ["relu", "softmax"])
    for a, b in zip(module.parameters(), again.parameters()):
        assert torch.equal(a, b)


@pytest.mark.parametrize("name", CONVENTIONS)
def test_to_torch_computes_the_same_network(name: str) -> None:
    conv = nnconv.convention(name)
    activations = ["leaky_relu", "tanh", "relu", "linear", "sigmoid", "softmax"]
    dims = [6, 5, 5, 4, 4, 3, 3]
    params = conv.init_params(dims, seed=2)
    module = to_torch(params, conv, activations)
    assert [type(m).__name__ for m in module] == [
        "Linear", "LeakyReLU", "Linear", "Tanh", "Linear", "ReLU", "Linear", "Linear", "Sigmoid", "Linear", "Softmax"]
    assert module[1].negative_slope == 0.01 and module[-1].dim == 1
    X = np.random.default_rng(3).standard_normal((9, 6))
    with torch.no_grad():
        out = module(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(out, forward(params, name, X, activations), rtol=1e-12)


def test_to_torch_rejects_mismatched_activations_and_bad_params() -> None:
    params = rowmajor.init_params([3, 2], seed=0)
    with pytest.raises(ValueError, match="1 layers but 2 activations"):
        to_torch(params, "rowmajor", ["relu", "relu"])
    with pytest.raises(ValueError, match="unknown activation"):
        to_torch(params, "rowmajor", ["swish"])
    with pytest.raises(ValueError, match="not colmajor shapes"):
        to_torch(params, "colmajor", ["relu"])  # rowmajor arrays handed over as colmajor



def one_hot(labels: np.ndarray, classes: int) -> np.ndarray:
    return np.eye(classes)[labels]


@pytest.mark.parametrize("name", CONVENTIONS)
@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
def test_to_torch_logits_leaves_out_the_output_activation(name: str, output: str) -> None:
    conv = nnconv.convention(name)
    params = conv.init_params([5, 4, 3], seed=4)
    activations = ["tanh", output]
    X = np.random.default_rng(5).standard_normal((7, 5))
    module = to_torch(params, name, activations, logits=True)
    assert [type(m).__name__ for m in module] == ["Linear", "Tanh", "Linear"]
    AL, caches = conv.forward(X if name == "rowmajor" else X.T, params, activations)
    ZL = caches[-1].Z if name == "rowmajor" else caches[-1].Z.T
    with torch.no_grad():
        np.testing.assert_allclose(module(torch.from_numpy(X)).numpy(), ZL, rtol=1e-12)
        probabilities = to_torch(params, name, activations)(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(probabilities, AL if name == "rowmajor" else AL.T, rtol=1e-12)


def test_to_torch_logits_keeps_a_linear_output_and_rejects_the_others() -> None:
    params = rowmajor.init_params([3, 2, 2], seed=0)
    linear = to_torch(params, "rowmajor", ["relu", "linear"], logits=True)
    assert [type(m).__name__ for m in linear] == ["Linear", "ReLU", "Linear"]
    with pytest.raises(ValueError, match="output activation is 'tanh'"):
        to_torch(params, "rowmajor", ["relu", "tanh"], logits=True)


@pytest.mark.parametrize("name", CONVENTIONS)
def test_torch_grads_after_a_mean_loss_are_nnconv_gradients(name: str) -> None:
    """CrossEntropyLoss (mean) on logits: weight.grad is colmajor's dW, rowmajor's dWᵀ, 1/m included;
    BCEWithLogitsLoss (mean) likewise for one output unit."""
    conv = nnconv.convention(name)
    rng = np.random.default_rng(6)
    X = rng.standard_normal((9, 5))
    for dims, output, loss, Y, criterion in (
        ([5, 4, 3], "softmax", "ce", one_hot(rng.integers(0, 3, 9), 3), torch.nn.CrossEntropyLoss()),
        ([5, 4, 1], "sigmoid", "bce", rng.integers(0, 2, (9, 1)).astype(float), torch.nn.BCEWithLogitsLoss()),
    ):
        params = conv.init_params(dims, seed=7)
        activations = ["relu", output]
        to = (lambda a: a) if name == "rowmajor" else (lambda a: a.T)
        AL, caches = conv.forward(to(X), params, activations)
        grads = conv.backward(AL, to(Y), caches, activations, loss)
        module = to_torch(params, name, activations, logits=True)
        J = criterion(module(torch.from_numpy(X)), torch.from_numpy(Y))
        J.backward()
        assert J.item() == pytest.approx(conv.cost(AL, to(Y), loss), rel=1e-12)
        for l, linear in enumerate((module[0], module[2]), start=1):
            dW, db = grads[f"dW{l}"], grads[f"db{l}"]
            weight_grad = dW if name == "colmajor" else dW.T  # (out, in) either way
            np.testing.assert_allclose(linear.weight.grad.numpy(), weight_grad, rtol=1e-10, atol=1e-15)
            np.testing.assert_allclose(linear.bias.grad.numpy(), db.ravel(), rtol=1e-10, atol=1e-15)


def test_cross_entropy_on_the_default_module_applies_softmax_twice() -> None:
    """Why logits=True exists: the default module's output is already a softmax."""
    params = rowmajor.init_params([4, 3], seed=8)
    X = torch.from_numpy(np.random.default_rng(9).standard_normal((6, 4)))
    target = torch.tensor([0, 1, 2, 0, 1, 2])
    twice = torch.nn.CrossEntropyLoss()(to_torch(params, "rowmajor", ["softmax"])(X), target)
    once = torch.nn.CrossEntropyLoss()(to_torch(params, "rowmajor", ["softmax"], logits=True)(X), target)
    AL, _ = rowmajor.forward(X.numpy(), params, ["softmax"])
    assert once.item() == pytest.approx(rowmajor.cost(AL, np.eye(3)[target.numpy()], "ce"), rel=1e-12)
    assert abs(twice.item() - once.item()) > 1e-3


@pytest.mark.parametrize("name", CONVENTIONS)
def test_sgd_steps_in_torch_equal_nnconv_fit(name: str) -> None:
    """k full-batch SGD steps of torch.optim.SGD with CrossEntropyLoss (mean) on the logits module
    give the parameters of nnconv's fit with softmax + ce, to rounding, and from_torch brings
    them back in the convention's shapes."""
    conv = nnconv.convention(name)
    rng = np.random.default_rng(10)
    X, labels = rng.standard_normal((40, 6)), rng.integers(0, 4, 40)
    Y = one_hot(labels, 4)
    activations, k, learning_rate = ["relu", "tanh", "softmax"], 25, 0.3
    params = conv.init_params([6, 8, 5, 4], seed=11)
    to = (lambda a: a) if name == "rowmajor" else (lambda a: a.T)
    fitted_params, history = conv.fit(to(X), to(Y), params, activations, loss="ce",
                                      learning_rate=learning_rate, epochs=k)
    module = to_torch(params, name, activations, logits=True)
    optimizer = torch.optim.SGD(module.parameters(), lr=learning_rate)
    criterion = torch.nn.CrossEntropyLoss()
    costs = []
    for _ in range(k):
        optimizer.zero_grad()
        J = criterion(module(torch.from_numpy(X)), torch.from_numpy(labels))
        J.backward()
        optimizer.step()
        costs.append(J.item())
    np.testing.assert_allclose(costs, history, rtol=1e-10)
    trained = from_torch(module, name)
    assert_canonical(trained, name)
    for key in params:
        assert trained[key].shape == params[key].shape
        np.testing.assert_allclose(trained[key], fitted_params[key], rtol=1e-10, atol=1e-14)


def fitted(estimator, X, y):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


@pytest.mark.parametrize("name", CONVENTIONS)
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
def test_from_sklearn_binary_classifier(name: str, activation: str) -> None:
    rng = np.random.default_rng(4)
    X = rng.standard_normal((60, 5))
    y = (X[:, 0] + X[:, 1] ** 2 > 0.5).astype(int)
    clf = fitted(MLPClassifier(hidden_layer_sizes=(6, 4), activation=activation, max_iter=50, random_state=0), X, y)
    params, activations = from_sklearn(clf, name)
    hidden = {"logistic": "sigmoid", "identity": "linear"}.get(activation, activation)
    assert activations == [hidden, hidden, "sigmoid"]
    assert_canonical(params, name)
    AL = forward(params, name, X, activations)
    np.testing.assert_allclose(AL[:, 0], clf.predict_proba(X)[:, 1], rtol=1e-12)
    np.testing.assert_array_equal((AL[:, 0] > 0.5).astype(int), clf.predict(X))


@pytest.mark.parametrize("name", CONVENTIONS)
def test_from_sklearn_multiclass_classifier(name: str) -> None:
    rng = np.random.default_rng(5)
    X = rng.standard_normal((80, 4))
    y = np.argmax(X[:, :3], axis=1)
    clf = fitted(MLPClassifier(hidden_layer_sizes=(7,), max_iter=60, random_state=0), X, y)
    params, activations = from_sklearn(clf, name)
    assert activations == ["relu", "softmax"]
    AL = forward(params, name, X, activations)
    np.testing.assert_allclose(AL, clf.predict_proba(X), rtol=1e-12)
    labels = nnconv.convention(name).predict(X if name == "rowmajor" else X.T, params, activations)
    np.testing.assert_array_equal(labels, clf.predict(X))


@pytest.mark.parametrize("name", CONVENTIONS)
@pytest.mark.parametrize("outputs", [1, 2])
def test_from_sklearn_regressor(name: str, outputs: int) -> None:
    rng = np.random.default_rng(6)
    X = rng.standard_normal((50, 3))
    Y = np.stack([X @ [1.0, -2.0, 0.5], np.sin(X[:, 0])], axis=1)[:, :outputs]
    reg = MLPRegressor(hidden_layer_sizes=(5, 5), activation="tanh", max_iter=40, random_state=0)
    reg = fitted(reg, X, Y[:, 0] if outputs == 1 else Y)
    params, activations = from_sklearn(reg, name)
    assert activations == ["tanh", "tanh", "linear"]
    AL = forward(params, name, X, activations)
    np.testing.assert_allclose(AL[:, 0] if outputs == 1 else AL, reg.predict(X), rtol=1e-12)


def test_from_sklearn_rejects_an_unfitted_estimator_and_other_output_activations() -> None:
    with pytest.raises(ValueError, match="not a fitted"):
        from_sklearn(MLPClassifier(), "rowmajor")
    X = np.random.default_rng(9).standard_normal((20, 2))
    poisson = fitted(MLPRegressor(loss="poisson", hidden_layer_sizes=(3,), max_iter=5, random_state=0), X, np.ones(20))
    with pytest.raises(ValueError, match="unknown activation 'exp'"):
        from_sklearn(poisson, "rowmajor")


def keras_dense(x: np.ndarray, weights: list[np.ndarray], activations: list[str]) -> np.ndarray:
    """Keras's Dense layers computed in NumPy: activation(dot(x, kernel) + bias)."""
    for kernel, bias, activation in zip(weights[::2], weights[1::2], activations):
        x = np.dot(x, kernel) + bias
        if activation == "relu":
            x = np.maximum(x, 0)
        elif activation == "softmax":
            e = np.exp(x - x.max(axis=-1, keepdims=True))
            x = e / e.sum(axis=-1, keepdims=True)
    return x


@pytest.mark.parametrize("name", CONVENTIONS)
def test_keras_weights(name: str) -> None:
    rng = np.random.default_rng(7)
    weights = [rng.standard_normal((6, 4)), rng.standard_normal(4), rng.standard_normal((4, 3)), rng.standard_normal(3)]
    params = from_keras(weights, name)
    assert_canonical(params, name)
    X = rng.standard_normal((10, 6))
    activations = ["relu", "softmax"]
    np.testing.assert_allclose(forward(params, name, X, activations), keras_dense(X, weights, activations), rtol=1e-12)
    back = to_keras(params, name)
    assert [w.shape for w in back] == [(6, 4), (4,), (4, 3), (3,)]
    assert all(np.array_equal(a, b) for a, b in zip(back, weights))
    assert all(w.flags.c_contiguous for w in back)
    again = from_keras(back, name)
    assert all(np.array_equal(again[k], params[k]) for k in params)


def test_keras_and_torch_layouts_through_nnconv() -> None:
    """Keras kernel (in, out) and PyTorch weight (out, in): one is the other's transpose."""
    params = colmajor.init_params([3, 5, 2], seed=8)
    module = to_torch(from_keras(to_keras(params, "colmajor"), "pytorch"), "pytorch", ["relu", "linear"])
    for kernel, linear in zip(to_keras(params, "colmajor")[::2], [module[0], module[2]]):
        assert np.array_equal(kernel, linear.weight.detach().numpy().T)
    pairs = zip(to_keras(params, "colmajor"), to_keras(transpose(params), "rowmajor"))
    assert all(np.array_equal(a, b) for a, b in pairs)


def test_from_keras_rejects_bad_lists() -> None:
    with pytest.raises(ValueError, match="kernel1, bias1"):
        from_keras([np.ones((2, 3))], "rowmajor")
    with pytest.raises(ValueError, match="layer 1"):
        from_keras([np.ones((2, 3)), np.ones((1, 3))], "rowmajor")


def test_importing_nnconv_and_port_imports_no_framework() -> None:
    code = ("import sys, nnconv, nnconv.port, nnconv.cli\n"
            "print(sorted(m for m in ('torch', 'sklearn', 'libcst', 'tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
