"""Helpers and a two-layer model in the style of deeplearning.ai's ``dnn_utils`` /
``dnn_app_utils`` (colmajor: one example per column, labels Y of shape (1, m)).

Failure classes exercised: 3 (scalar indices on a row vector: ``probas[0, i]``, ``p[0, i] = 1``),
8 (``assert dZ.shape == Z.shape``, ``assert W1.shape == (n_h, n_x)``), 9 (``(n_x, n_h, n_y) =
layers_dims`` unpacks a tuple; ``costs`` a list; ``len(costs)``), 5 (``A1`` from a tuple
unpacking), 10 (``np.where`` on a 2-D comparison: which of its index arrays are the examples)
and 12 (``np.zeros((1, m))`` where ``m`` is a scalar).
"""
import numpy as np


def sigmoid(Z):
    A = 1 / (1 + np.exp(-Z))
    cache = Z
    return A, cache


def relu(Z):
    A = np.maximum(0, Z)
    assert A.shape == Z.shape
    cache = Z
    return A, cache


def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    assert dZ.shape == Z.shape
    return dZ


def sigmoid_backward(dA, cache):
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    assert dZ.shape == Z.shape
    return dZ


def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    assert W1.shape == (n_h, n_x)
    assert b1.shape == (n_h, 1)
    assert W2.shape == (n_y, n_h)
    assert b2.shape == (n_y, 1)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3, print_cost=False):
    np.random.seed(1)
    grads = {}
    costs = []
    m = X.shape[1]
    (n_x, n_h, n_y) = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    W1, b1, W2, b2 = parameters["W1"], parameters["b1"], parameters["W2"], parameters["b2"]
    for i in range(0, num_iterations):
        A1, cache1 = relu(np.dot(W1, X) + b1)
        A2, cache2 = sigmoid(np.dot(W2, A1) + b2)
        cost = -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m
        dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dZ2 = sigmoid_backward(dA2, cache2)
        dW2 = np.dot(dZ2, A1.T) / m
        db2 = np.sum(dZ2, axis=1, keepdims=True) / m
        dA1 = np.dot(W2.T, dZ2)
        dZ1 = relu_backward(dA1, cache1)
        dW1 = np.dot(dZ1, X.T) / m
        db1 = np.sum(dZ1, axis=1, keepdims=True) / m
        grads["dW1"], grads["db1"], grads["dW2"], grads["db2"] = dW1, db1, dW2, db2
        W1 = W1 - learning_rate * dW1
        b1 = b1 - learning_rate * db1
        W2 = W2 - learning_rate * dW2
        b2 = b2 - learning_rate * db2
        if print_cost and i % 100 == 0:
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        costs.append(cost)
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return parameters, costs


def predict(X, y, parameters):
    m = X.shape[1]
    p = np.zeros((1, m))
    A1, _ = relu(np.dot(parameters["W1"], X) + parameters["b1"])
    probas, _ = sigmoid(np.dot(parameters["W2"], A1) + parameters["b2"])
    for i in range(0, probas.shape[1]):
        if probas[0, i] > 0.5:
            p[0, i] = 1
        else:
            p[0, i] = 0
    accuracy = np.sum((p == y) / m)
    return p, accuracy


def mislabeled_indices(p, y):
    """The indices of the examples that ``p`` labels wrongly."""
    a = p + y
    return np.asarray(np.where(a == 1))[1]
