"""Checks for dlai_regularization, in the manner of the assignment's test cases (examples in
columns: X (3, 5)), with one square case (5 examples, 5 hidden units)."""
import numpy as np

from dlai_regularization import (
    backward_propagation_with_dropout,
    backward_propagation_with_regularization,
    compute_cost,
    compute_cost_with_regularization,
    forward_propagation_with_dropout,
)


def make_parameters(n_x, n_1, n_2, seed):
    np.random.seed(seed)
    return {"W1": np.random.randn(n_1, n_x), "b1": np.random.randn(n_1, 1),
            "W2": np.random.randn(n_2, n_1), "b2": np.random.randn(n_2, 1),
            "W3": np.random.randn(1, n_2), "b3": np.random.randn(1, 1)}


def forward_no_dropout(X, p):
    Z1 = p["W1"] @ X + p["b1"]
    A1 = np.maximum(0, Z1)
    Z2 = p["W2"] @ A1 + p["b2"]
    A2 = np.maximum(0, Z2)
    Z3 = p["W3"] @ A2 + p["b3"]
    A3 = 1 / (1 + np.exp(-Z3))
    return A3, (Z1, A1, p["W1"], p["b1"], Z2, A2, p["W2"], p["b2"], Z3, A3, p["W3"], p["b3"])


for n_x, n_1, n_2, m in [(3, 2, 3, 5), (5, 5, 2, 5)]:
    parameters = make_parameters(n_x, n_1, n_2, seed=m + n_1)
    X = np.random.randn(n_x, m)
    Y = (np.random.rand(1, m) > 0.5).astype(float)
    A3, cache = forward_no_dropout(X, parameters)
    cost = compute_cost(A3, Y)
    reg_cost = compute_cost_with_regularization(A3, Y, parameters, lambd=0.1)
    grads = backward_propagation_with_regularization(X, Y, cache, lambd=0.7)
    eps = 1e-7
    num = np.zeros_like(parameters["W2"])
    for ix in np.ndindex(*num.shape):
        up = dict(parameters, W2=parameters["W2"].copy())
        down = dict(parameters, W2=parameters["W2"].copy())
        up["W2"][ix] += eps
        down["W2"][ix] -= eps
        num[ix] = (compute_cost_with_regularization(forward_no_dropout(X, up)[0], Y, up, 0.7)
                   - compute_cost_with_regularization(forward_no_dropout(X, down)[0], Y, down, 0.7)) / (2 * eps)
    assert np.linalg.norm(num - grads["dW2"]) / (np.linalg.norm(num) + np.linalg.norm(grads["dW2"])) < 1e-6

    A3, cache = forward_propagation_with_dropout(X, parameters, keep_prob=0.7)
    grads = backward_propagation_with_dropout(X, Y, cache, keep_prob=0.8)
    print(A3.shape, grads["dW1"].shape)
print("dlai_regularization checks passed")
