"""Checks for dlai_step_by_step, like the assignment's test cases: seeded inputs, shapes (n, m)
with m examples per column; one case with as many examples as units (m = n_l)."""
import numpy as np

from dlai_step_by_step import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters_deep,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    update_parameters,
)


def linear_forward_test_case():
    np.random.seed(1)
    A = np.random.randn(3, 2)
    W = np.random.randn(1, 3)
    b = np.random.randn(1, 1)
    return A, W, b


def L_model_forward_test_case():
    np.random.seed(6)
    X = np.random.randn(5, 4)
    W1, b1 = np.random.randn(4, 5), np.random.randn(4, 1)
    W2, b2 = np.random.randn(3, 4), np.random.randn(3, 1)
    W3, b3 = np.random.randn(1, 3), np.random.randn(1, 1)
    return X, {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}


parameters = initialize_parameters_deep([5, 4, 3])
A, W, b = linear_forward_test_case()
Z, linear_cache = linear_forward(A, W, b)

np.random.seed(2)
A_prev, W, b = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)
A, cache = linear_activation_forward(A_prev, W, b, activation="sigmoid")
A, cache = linear_activation_forward(A_prev, W, b, activation="relu")

# square: 4 examples through a layer of 4 units
np.random.seed(4)
A_sq, W_sq, b_sq = np.random.randn(3, 4), np.random.randn(4, 3), np.random.randn(4, 1)
Z_sq, cache_sq = linear_forward(A_sq, W_sq, b_sq)
dA_prev, dW, db = linear_backward(np.random.randn(4, 4), cache_sq)

X, parameters = L_model_forward_test_case()
AL, caches = L_model_forward(X, parameters)
Y = np.array([[1, 1, 0, 1]])
cost = compute_cost(AL, Y)
grads = L_model_backward(AL, Y, caches)
dA, dW, db = linear_activation_backward(np.random.randn(1, 4), caches[-1], "sigmoid")

# the gradient of the cost, checked numerically for W1
eps = 1e-7
num = np.zeros_like(parameters["W1"])
for ix in np.ndindex(*num.shape):
    plus = {k: v.copy() for k, v in parameters.items()}
    minus = {k: v.copy() for k, v in parameters.items()}
    plus["W1"][ix] += eps
    minus["W1"][ix] -= eps
    num[ix] = (compute_cost(L_model_forward(X, plus)[0], Y) - compute_cost(L_model_forward(X, minus)[0], Y)) / (2 * eps)
assert np.linalg.norm(num - grads["dW1"]) / (np.linalg.norm(num) + np.linalg.norm(grads["dW1"])) < 1e-6

parameters = update_parameters(parameters, grads, 0.1)

# a short training run on 6 examples of 3 features
np.random.seed(7)
X = np.random.randn(3, 6)
Y = (X[0:1, :] > 0).astype(float)
params = initialize_parameters_deep([3, 4, 1])
for i in range(5):
    AL, caches = L_model_forward(X, params)
    cost = compute_cost(AL, Y)
    params = update_parameters(params, L_model_backward(AL, Y, caches), 0.5)
print("cost after 5 steps", cost)
print("dlai_step_by_step checks passed")
