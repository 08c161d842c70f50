"""Gradients, costs and forward outputs agree with PyTorch autograd (float64), in both conventions."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from networks import OUTPUTS_FOR_LOSS, data

import nnconv
from nnconv import colmajor as C
from nnconv import rowmajor as R
from nnconv import transpose

TORCH_ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
    "linear": lambda z: z,
    "softmax": lambda z: torch.softmax(z, dim=1),
}


def torch_cost(AL: torch.Tensor, Y: torch.Tensor, loss: str) -> torch.Tensor:
    """The contract's cost J = (1/m) Σ_i Σ_j L_ij, written with torch operations."""
    m = AL.shape[0]
    if loss == "bce":
        return -(Y * torch.log(AL) + (1 - Y) * torch.log(1 - AL)).sum() / m
    if loss == "ce":
        return -(Y * torch.log(AL)).sum() / m
    return 0.5 * ((AL - Y) ** 2).sum() / m


def torch_gradients(X, Y, params, activations, loss):
    """Cost, A[L] and the gradients (rowmajor layout) from torch autograd."""
    tX = torch.tensor(X, requires_grad=True)
    tP = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    A = tX
    for l, act in enumerate(activations, start=1):
        A = TORCH_ACTIVATIONS[act](A @ tP[f"W{l}"] + tP[f"b{l}"])
    J = torch_cost(A, torch.tensor(Y), loss)
    J.backward()
    grads = {f"d{k}": v.grad.numpy() for k, v in tP.items()}
    grads["dA0"] = tX.grad.numpy()
    return J.item(), A.detach().numpy(), grads


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


CASES = [(hidden, output, loss) for loss, outputs in OUTPUTS_FOR_LOSS.items() for output in outputs
         for hidden in nnconv.ACTIVATIONS if hidden != "softmax" or output == "softmax"]

worst: list[float] = [0.0]


@pytest.mark.parametrize("convention", [R, C], ids=["rowmajor", "colmajor"])
@pytest.mark.parametrize(("hidden", "output", "loss"), CASES)
def test_gradients_match_torch_autograd(convention, hidden, output, loss) -> None:
    dims, activations = [5, 7, 6, 3], [hidden, hidden, output]
    X, Y = data(dims, 11, loss, seed=len(CASES))
    params = R.init_params(dims, seed=1)
    for l in range(1, 4):
        params[f"b{l}"] = np.random.default_rng(l).standard_normal((1, dims[l])) * 0.1
    J_torch, AL_torch, grads_torch = torch_gradients(X, Y, params, activations, loss)

    to = transpose if convention is C else (lambda a: a)
    AL, caches = convention.forward(to(X), to(params), activations)
    grads = to(convention.backward(AL, to(Y), caches, activations, loss))
    assert relative_error(to(AL), AL_torch) <= 1e-12
    assert abs(convention.cost(AL, to(Y), loss) - J_torch) <= 1e-12 * abs(J_torch)
    assert grads.keys() == grads_torch.keys() | {"dA1", "dA2"}
    m = X.shape[0]
    for key, expected in grads_torch.items():
        if key == "dA0":  # dA carries no 1/m: dA[l-1] = dZ[l] W[l]ᵀ = m ∂J/∂A[l-1]
            expected = m * expected
        error = relative_error(grads[key], expected)
        worst[0] = max(worst[0], error)
        assert error <= 1e-10, (key, error)


@pytest.mark.parametrize("convention", [R, C], ids=["rowmajor", "colmajor"])
@pytest.mark.parametrize(("output", "loss"), sorted(nnconv.functions.FUSED))
def test_fused_output_gradient_agrees_with_the_unfused_path(convention, output, loss) -> None:
    """dZ[L] = A[L] − Y equals loss_backward followed by activation_backward."""
    dims = [4, 5, 3]
    X, Y = data(dims, 9, loss, seed=2)
    to = transpose if convention is C else (lambda a: a)
    AL, caches = convention.forward(to(X), to(R.init_params(dims, seed=0)), ["tanh", output])
    fused = convention.backward(AL, to(Y), caches, ["tanh", output], loss)
    dZ = convention.activation_backward(convention.loss_backward(AL, to(Y), loss), caches[-1].Z, output)
    assert np.allclose(dZ, AL - to(Y), rtol=1e-12, atol=1e-15)
    dA_prev, dW, db = convention.linear_backward(dZ, caches[-1].A_prev, caches[-1].W)
    assert np.allclose(fused["dW2"], dW, rtol=1e-12, atol=1e-15)
    assert np.allclose(fused["db2"], db, rtol=1e-12, atol=1e-15)
    assert np.allclose(fused["dA1"], dA_prev, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("activation", "axis"), itertools.product(nnconv.ACTIVATIONS, [1]))
def test_activation_backward_is_torchs_vector_jacobian_product(activation, axis) -> None:
    rng = np.random.default_rng(0)
    Z, dA = rng.standard_normal((6, 4)), rng.standard_normal((6, 4))
    tZ = torch.tensor(Z, requires_grad=True)
    TORCH_ACTIVATIONS[activation](tZ).backward(torch.tensor(dA))
    assert relative_error(R.activation_backward(dA, Z, activation), tZ.grad.numpy()) <= 1e-14
    assert relative_error(C.activation_backward(dA.T, Z.T, activation).T, tZ.grad.numpy()) <= 1e-14
