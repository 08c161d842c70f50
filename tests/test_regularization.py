"""L2 regularization, inverted dropout and the output gradient for any finite A[L].

Each is checked three ways: colmajor's outputs are rowmajor's, transposed, bit for bit
(hypothesis over shapes and dtypes, colmajor given transposed views or C-ordered copies);
the gradients agree with PyTorch's autograd in float64; and L2's with centred finite
differences.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from networks import data, targets
from test_exact import as_user_colmajor, equal_transposed, networks
from test_torch import TORCH_ACTIVATIONS, relative_error, torch_cost

import nnconv
from nnconv import colmajor as C
from nnconv import common, transpose
from nnconv import rowmajor as R
from nnconv.types import LayerCache

CONVENTIONS = {"rowmajor": (R, lambda a: a), "colmajor": (C, transpose)}


# ---------------------------------------------------------------------------------------------
# Bitwise transposes


@settings(max_examples=150)
@given(networks(), st.sampled_from([0.0, 0.7, 1e-3, 5.0]), st.sampled_from([1.0, 0.8, 0.5, 0.13]))
def test_l2_and_dropout_are_bitwise_transposes(net: dict[str, Any], l2: float, keep_prob: float) -> None:
    dims, m, loss, acts, dtype = net["dims"], net["m"], net["loss"], net["activations"], net["dtype"]
    rng = np.random.default_rng(net["seed"])
    X = rng.standard_normal((m, dims[0])).astype(dtype)
    Y = targets(rng, m, dims[-1], loss, dtype)
    P = R.init_params(dims, seed=net["seed"], dtype=dtype)
    to_col = lambda a: as_user_colmajor(a, net["contiguous"])  # noqa: E731
    Pc = {k: to_col(v) for k, v in P.items()}

    AL, caches = R.forward(X, P, acts)
    ALc, caches_c = C.forward(to_col(X), Pc, acts)
    J = R.cost(AL, Y, loss, params=P, l2=l2)
    assert type(J) is float and J == C.cost(ALc, to_col(Y), loss, params=Pc, l2=l2)
    if l2 == 0:
        assert J == R.cost(AL, Y, loss)
    grads = R.backward(AL, Y, caches, acts, loss, l2=l2)
    equal_transposed(grads, C.backward(ALc, to_col(Y), [LayerCache(*map(to_col, c)) for c in caches], acts, loss,
                                       l2=l2))
    assert all(g.dtype == dtype for g in grads.values())

    A = caches[-1].A_prev
    dropped, mask = R.dropout_forward(A, keep_prob, seed=net["seed"])
    dropped_c, mask_c = C.dropout_forward(to_col(A), keep_prob, seed=net["seed"])
    equal_transposed(dropped, dropped_c)
    assert mask.dtype == mask_c.dtype == np.bool_ and np.array_equal(mask.T, mask_c)
    assert dropped.dtype == dtype
    given_mask = rng.random(A.shape) < 0.5
    equal_transposed(R.dropout_forward(A, keep_prob, mask=given_mask)[0],
                     C.dropout_forward(to_col(A), keep_prob, mask=to_col(given_mask))[0])
    dA = rng.standard_normal(A.shape).astype(dtype)
    equal_transposed(R.dropout_backward(dA, mask, keep_prob), C.dropout_backward(to_col(dA), to_col(mask), keep_prob))


def test_the_mask_is_one_shared_draw() -> None:
    """Both conventions draw common.dropout_mask's (m, n) array; colmajor keeps its transpose."""
    A = np.ones((6, 4))
    _, mask = R.dropout_forward(A, 0.6, seed=11)
    _, mask_c = C.dropout_forward(A.T, 0.6, seed=11)
    expected = np.random.default_rng(11).random((6, 4)) < 0.6
    assert np.array_equal(mask, expected) and np.array_equal(mask_c, expected.T)
    assert np.array_equal(mask, common.dropout_mask(np.random.default_rng(11), 6, 4, 0.6))
    assert mask.flags.c_contiguous and mask_c.flags.f_contiguous  # each convention's canonical layout
    assert not np.array_equal(mask, R.dropout_forward(A, 0.6, seed=12)[1])


def test_dropout_is_inverted_and_keeps_the_expected_value() -> None:
    """Kept units are scaled by 1/keep_prob, dropped ones are 0, and the mean stays put."""
    A = np.full((400, 250), 3.0)
    dropped, mask = R.dropout_forward(A, 0.8, seed=0)
    assert set(np.unique(dropped)) == {0.0, 3.0 / 0.8}
    assert np.array_equal(dropped != 0, mask)
    assert abs(mask.mean() - 0.8) < 0.005 and abs(dropped.mean() - 3.0) < 0.02
    same, all_kept = R.dropout_forward(A, 1.0, seed=0)
    assert all_kept.all() and np.array_equal(same, A)
    given = np.zeros((400, 250), dtype=bool)
    assert not R.dropout_forward(A, 0.8, mask=given)[0].any()


# ---------------------------------------------------------------------------------------------
# PyTorch


def relu_net(seed: int = 0) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], list[str]]:
    dims = [5, 7, 6, 3]
    X, Y = data(dims, 11, "bce", seed=seed)
    params = R.init_params(dims, seed=seed + 1)
    for l in range(1, 4):
        params[f"b{l}"] = np.random.default_rng(l).standard_normal((1, dims[l])) * 0.1
    return X, Y, params, ["relu", "tanh", "sigmoid"]


@pytest.mark.parametrize("name", ["rowmajor", "colmajor"])
@pytest.mark.parametrize("l2", [0.0, 0.1, 3.0])
def test_l2_gradients_match_torch_autograd(name: str, l2: float) -> None:
    """backward(l2=λ) is the gradient of cost(params=, l2=λ), the cost plus (λ/2m) Σ‖W‖²."""
    X, Y, params, acts = relu_net()
    tP = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    A = torch.tensor(X)
    for l, act in enumerate(acts, start=1):
        A = TORCH_ACTIVATIONS[act](A @ tP[f"W{l}"] + tP[f"b{l}"])
    m = X.shape[0]
    J = torch_cost(A, torch.tensor(Y), "bce") + l2 / (2 * m) * sum((tP[f"W{l}"] ** 2).sum() for l in (1, 2, 3))
    J.backward()

    nn, to = CONVENTIONS[name]
    AL, caches = nn.forward(to(X), to(params), acts)
    assert abs(nn.cost(AL, to(Y), "bce", params=to(params), l2=l2) - J.item()) <= 1e-12 * J.item()
    grads = to(nn.backward(AL, to(Y), caches, acts, "bce", l2=l2))
    for key, value in tP.items():
        assert relative_error(grads[f"d{key}"], value.grad.numpy()) <= 1e-10, key


@pytest.mark.parametrize("name", ["rowmajor", "colmajor"])
@pytest.mark.parametrize("keep_prob", [0.5, 0.8, 1.0])
def test_dropout_matches_torch(name: str, keep_prob: float) -> None:
    """Given the units torch.nn.functional.dropout kept, nnconv computes torch's output and its
    autograd gradient; and the backward is autograd of multiplying by the mask."""
    nn, to = CONVENTIONS[name]
    rng = np.random.default_rng(3)
    A, dA = rng.standard_normal((40, 30)) + 5, rng.standard_normal((40, 30))  # no A is 0
    tA = torch.tensor(A, requires_grad=True)
    torch.manual_seed(0)
    out = torch.nn.functional.dropout(tA, p=1 - keep_prob, training=True)
    out.backward(torch.tensor(dA))
    mask = (out != 0).numpy()
    dropped, same_mask = nn.dropout_forward(to(A), keep_prob, mask=to(mask))
    assert same_mask is not None and np.array_equal(to(same_mask), mask)
    assert relative_error(to(dropped), out.detach().numpy()) <= 1e-15
    assert relative_error(to(nn.dropout_backward(to(dA), to(mask), keep_prob)), tA.grad.numpy()) <= 1e-15

    tA.grad = None
    (tA * torch.tensor(mask) / keep_prob).backward(torch.tensor(dA))
    assert np.array_equal(to(nn.dropout_backward(to(dA), to(mask), keep_prob)), tA.grad.numpy())


# ---------------------------------------------------------------------------------------------
# Finite differences


@pytest.mark.parametrize("name", ["rowmajor", "colmajor"])
@pytest.mark.parametrize(("acts", "loss"), [(["tanh", "sigmoid"], "bce"), (["sigmoid", "softmax"], "ce"),
                                            (["tanh", "linear"], "mse")])
@pytest.mark.parametrize("l2", [0.1, 2.0])
def test_gradient_check_with_l2(name: str, acts: list[str], loss: str, l2: float) -> None:
    dims = [4, 5, 3]
    X, Y = data(dims, 6, loss, seed=3)
    params = R.init_params(dims, method="xavier", seed=4)
    params["b1"] = np.full((1, 5), 0.1)
    _, to = CONVENTIONS[name]
    assert nnconv.gradient_check(name, to(X), to(Y), to(params), acts, loss, l2=l2) < 1e-7


def test_gradient_check_with_l2_detects_a_missing_penalty_gradient(monkeypatch: pytest.MonkeyPatch) -> None:
    """The finite differences see the (λ/2m) Σ‖W‖² term that a backward without it leaves out."""
    dims = [4, 5, 3]
    X, Y = data(dims, 6, "bce", seed=3)
    params = R.init_params(dims, method="xavier", seed=4)
    correct = R.backward
    monkeypatch.setattr(R, "backward", lambda AL, Y, caches, acts, loss, *, l2: correct(AL, Y, caches, acts, loss))
    assert nnconv.gradient_check("rowmajor", X, Y, params, ["tanh", "sigmoid"], "bce", l2=5.0) > 1e-2
    assert nnconv.gradient_check("rowmajor", X, Y, params, ["tanh", "sigmoid"], "bce") < 1e-7


# ---------------------------------------------------------------------------------------------
# The output gradient for any finite A[L]


def l_model_backward_case() -> tuple[np.ndarray, ...]:
    """The arrays of deeplearning.ai's L_model_backward test case, drawn as the course's public
    testCases file draws them: NumPy's legacy generator seeded with 3, in this order. AL comes
    from randn (1.789 and 0.437), and the caches' Z are drawn independently of A."""
    r = np.random.RandomState(3)
    AL, Y = r.randn(1, 2), np.array([[1.0, 0.0]])
    A1, W1, b1, Z1 = r.randn(4, 2), r.randn(3, 4), r.randn(3, 1), r.randn(3, 2)
    A2, W2, b2, Z2 = r.randn(3, 2), r.randn(1, 3), r.randn(1, 1), r.randn(1, 2)
    return AL, Y, A1, W1, b1, Z1, A2, W2, b2, Z2


# The expected output of exercise L_model_backward in deeplearning.ai's "Building your Deep Neural
# Network: Step by Step" (Neural Networks and Deep Learning, week 4), as printed in the notebook.
PUBLISHED = {
    "dA0": [[0.0, 0.52257901], [0.0, -0.3269206], [0.0, -0.32070404], [0.0, -0.74079187]],
    "dA1": [[0.12913162, -0.44014127], [-0.14175655, 0.48317296], [0.01663708, -0.05670698]],
    "dW1": [[0.41010002, 0.07807203, 0.13798444, 0.10502167], [0.0, 0.0, 0.0, 0.0],
            [0.05283652, 0.01005865, 0.01777766, 0.0135308]],
    "dW2": [[-0.39202432, -0.13325855, -0.04601089]],
    "db1": [[-0.22007063], [0.0], [-0.02835349]],
    "db2": [[0.15187861]],
}


@pytest.mark.parametrize("name", ["colmajor", "rowmajor"])
def test_the_course_L_model_backward_case_with_AL_from_randn(name: str) -> None:
    """The course's backward chain, dA[L] → sigmoid → linear → relu → linear, computed with
    nnconv's functions from an AL outside [0, 1], gives the published numbers (printed to 8
    decimals)."""
    AL, Y, A1, W1, b1, Z1, A2, W2, b2, Z2 = l_model_backward_case()
    nn, to = CONVENTIONS[name]
    back = transpose if name == "rowmajor" else (lambda a: a)  # the course's arrays are colmajor
    dAL = nn.loss_backward(back(AL), back(Y))
    assert np.allclose(back(dAL), -(Y / AL - (1 - Y) / (1 - AL)), rtol=1e-15, atol=0)
    dZ2 = nn.activation_backward(dAL, back(Z2), "sigmoid")
    dA1, dW2, db2 = nn.linear_backward(dZ2, back(A2), back(W2))
    dZ1 = nn.activation_backward(dA1, back(Z1), "relu")
    dA0, dW1, db1 = nn.linear_backward(dZ1, back(A1), back(W1))
    got = {"dA0": dA0, "dA1": dA1, "dW1": dW1, "dW2": dW2, "db1": db1, "db2": db2}
    for key, expected in PUBLISHED.items():
        np.testing.assert_allclose(back(got[key]), expected, rtol=0, atol=5e-9, err_msg=key)


@pytest.mark.parametrize("name", ["colmajor", "rowmajor"])
def test_backward_takes_the_course_case_and_starts_from_the_fused_gradient(name: str) -> None:
    """backward accepts the same AL; it starts from dZ[L] = A[L] − Y, which equals the course's
    chain through σ'(Z[L]) only when A[L] = σ(Z[L]), not for these independently drawn arrays."""
    AL, Y, A1, W1, b1, Z1, A2, W2, b2, Z2 = l_model_backward_case()
    nn, _ = CONVENTIONS[name]
    to = transpose if name == "rowmajor" else (lambda a: a)
    caches = [LayerCache(to(A1), to(W1), to(b1), to(Z1)), LayerCache(to(A2), to(W2), to(b2), to(Z2))]
    grads = nn.backward(to(AL), to(Y), caches, ["relu", "sigmoid"], "bce")
    expected = nn.linear_backward(to(AL - Y), to(A2), to(W2))
    for got, value in zip((grads["dA1"], grads["dW2"], grads["db2"]), expected):
        assert np.array_equal(got, value)
    assert not np.allclose(to(grads["dW2"]), PUBLISHED["dW2"], atol=1e-3)


@pytest.mark.parametrize("name", ["rowmajor", "colmajor"])
@pytest.mark.parametrize(("output", "loss"), [("softmax", "bce"), ("sigmoid", "ce"), ("sigmoid", "mse")])
def test_unfused_backward_takes_any_finite_AL(name: str, output: str, loss: str) -> None:
    """The formula, whatever the range of AL: dA[L] from loss_backward, then the activation's
    derivative through A[L] as given, as torch's autograd computes it from those leaves."""
    nn, to = CONVENTIONS[name]
    rng = np.random.default_rng(5)
    AL = rng.standard_normal((6, 3)) * 2
    Y = targets(rng, 6, 3, loss, np.float64)
    X, Z = rng.standard_normal((6, 4)), rng.standard_normal((6, 3))
    W, b = rng.standard_normal((4, 3)), rng.standard_normal((1, 3))
    if loss != "mse":  # the cost's logarithm still needs AL in [0, 1]
        with pytest.raises(ValueError, match=rf"{name}.cost: loss '{loss}' needs AL in \[0, 1\]"):
            nn.cost(to(AL), to(Y), loss)
    grads = to(nn.backward(to(AL), to(Y), [LayerCache(to(X), to(W), to(b), to(Z))], [output], loss))

    tA = torch.tensor(AL, requires_grad=True)
    tY = torch.tensor(Y)
    per_example = {"bce": -(tY * torch.log(tA.abs()) + (1 - tY) * torch.log((1 - tA).abs())),
                   "ce": -(tY * torch.log(tA.abs())), "mse": 0.5 * (tA - tY) ** 2}[loss]
    per_example.sum().backward()  # d/da log|a| = 1/a: the formula's dA[L] for any a ≠ 0
    dAL = tA.grad.numpy()
    assert relative_error(to(nn.loss_backward(to(AL), to(Y), loss)), dAL) <= 1e-15
    if output == "sigmoid":
        dZ = dAL * AL * (1 - AL)
    else:
        dZ = AL * (dAL - (dAL * AL).sum(axis=1, keepdims=True))
    assert relative_error(grads["dW1"], X.T @ dZ / 6) <= 1e-13


def test_saturated_outputs_inside_0_1_are_still_clipped() -> None:
    """Inside [0, 1] nothing changed: an output of exactly 0 or 1 gives a finite derivative."""
    AL, Y = np.array([[0.0, 1.0, 0.5]]), np.array([[1.0, 0.0, 1.0]])
    dAL = R.loss_backward(AL, Y, "bce")
    eps = np.finfo(np.float64).eps
    assert np.array_equal(dAL, -(Y / np.clip(AL, eps, 1 - eps) - (1 - Y) / (1 - np.clip(AL, eps, 1 - eps))))


# ---------------------------------------------------------------------------------------------
# Bad inputs


def fails(call: Any, error: type[Exception], *phrases: str) -> None:
    with pytest.raises(error) as info:
        call()
    for phrase in phrases:
        assert phrase in str(info.value), (phrase, str(info.value))


@pytest.mark.parametrize("name", ["rowmajor", "colmajor"])
def test_bad_l2_and_dropout_inputs_are_refused_clearly(name: str) -> None:
    nn, to = CONVENTIONS[name]
    other = "colmajor" if name == "rowmajor" else "rowmajor"
    X, Y, params, acts = relu_net()
    AL, caches = nn.forward(to(X), to(params), acts)
    A = to(np.random.default_rng(0).standard_normal((5, 3)))
    fails(lambda: nn.cost(AL, to(Y), l2=0.1), ValueError, f"{name}.cost", "l2=0.1", "pass params=params")
    fails(lambda: nn.cost(AL, to(Y), params=to(params), l2=-1), ValueError, f"{name}.cost", "l2 must be")
    fails(lambda: nn.cost(AL, to(Y), params=transpose(to(params)), l2=1), nnconv.ShapeError,
          f"{name}.cost", f"This looks like {other} parameters")
    fails(lambda: nn.backward(AL, to(Y), caches, acts, l2=float("nan")), ValueError, f"{name}.backward", "l2")
    for keep_prob in (0, -0.5, 1.5, float("nan"), True, "0.5"):
        fails(lambda: nn.dropout_forward(A, keep_prob), ValueError, f"{name}.dropout_forward", "keep_prob",
              "(0, 1]", "1 - p")
        fails(lambda: nn.dropout_backward(A, np.ones(A.shape, bool), keep_prob), ValueError,
              f"{name}.dropout_backward", "keep_prob")
    fails(lambda: nn.dropout_forward(A, 0.5, mask=np.ones(A.shape)), ValueError,
          f"{name}.dropout_forward", "mask has dtype float64", "boolean", "mask.astype(bool)")
    fails(lambda: nn.dropout_forward(A, 0.5, mask=np.ones(A.shape[::-1], bool)), nnconv.ShapeError,
          f"{name}.dropout_forward", f"mask has shape {A.shape[::-1]}", f"A has shape {A.shape}", "pass mask.T",
          f"nnconv.{other}")
    fails(lambda: nn.dropout_forward(A, 0.5, mask=np.ones((2, 2), bool)), nnconv.ShapeError, "mask has shape (2, 2)")
    fails(lambda: nn.dropout_backward(A, np.ones(A.shape[::-1], bool), 0.5), nnconv.ShapeError,
          f"{name}.dropout_backward", "dA has shape", "pass mask.T")
    fails(lambda: nn.dropout_forward(A, 0.5, seed=1, mask=np.ones(A.shape, bool)), ValueError, "not both")
    fails(lambda: nn.dropout_forward(A, 0.5, seed=-1), ValueError, "seed")
    fails(lambda: nn.dropout_forward(A[0], 0.5), nnconv.ShapeError, f"{name}.dropout_forward", "2-D")


# ---------------------------------------------------------------------------------------------
# The pages


@pytest.mark.parametrize("page", ["regularization.md", "normalization.md"])
def test_the_pages_examples_print_what_they_show(page: str) -> None:
    """Every Python block of the page runs on its own and prints the Output block below it."""
    root = Path(__file__).resolve().parents[1]
    text = (root / "docs" / page).read_text()
    blocks = list(re.finditer(r"^( *)```python\n(.*?)^\1```", text, re.S | re.M))
    outputs = list(re.finditer(r'^( *)``` \{ \.text title="Output" \}\n(.*?)^\1```', text, re.S | re.M))
    assert len(blocks) == len(outputs) >= 2
    for block, output in zip(blocks, outputs):
        assert block.end() < output.start()
        result = subprocess.run([sys.executable, "-c", textwrap.dedent(block[2])], capture_output=True, text=True,
                                cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, timeout=300)
        assert result.returncode == 0, result.stderr
        assert result.stdout == textwrap.dedent(output[2]), (page, result.stdout)
