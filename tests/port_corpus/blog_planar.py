"""A blog-post network for a planar data set, written the textbook's way (colmajor: X (2, m)
or (3, m) with one example per column, Y (1, m); layer objects hold ``self.W`` (n_out, n_in),
``self.b`` (n_out, 1) and cache ``self.Z``, ``self.A_prev``).

Failure classes exercised: 6 (``self.Z.shape[0]``, ``np.sum(self.Z > 0, axis=0)``,
``self.Z[i, j]``, ``self.A_prev.shape[1]``), 9 (``layers`` a list: ``len(layers)``,
``reversed(layers)``, ``layers[-1]``), the idiom ``x1, x2, x3 = X`` (unpacking the feature rows
of a colmajor array), 5 (``A`` re-assigned through the loop; ``grads`` a list),
8 (``assert A.shape == (1, m)``), 3 (``self.Z[i, j]``: two scalar indices) and 11 (methods).
"""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def make_features(X):
    """Three raw features per example, in rows, widened to five."""
    x1, x2, x3 = X
    return np.array([x1, x2, x3, x1 * x2, x3 ** 2])


class Layer:
    def __init__(self, n_in, n_out, activation="tanh"):
        self.W = np.random.randn(n_out, n_in) * np.sqrt(1.0 / n_in)
        self.b = np.zeros((n_out, 1))
        self.activation = activation

    def forward(self, A_prev):
        self.A_prev = A_prev
        self.Z = np.dot(self.W, A_prev) + self.b
        if self.activation == "tanh":
            self.A = np.tanh(self.Z)
        else:
            self.A = sigmoid(self.Z)
        return self.A

    def backward(self, dA):
        m = self.A_prev.shape[1]
        if self.activation == "tanh":
            dZ = dA * (1 - np.power(self.A, 2))
        else:
            dZ = dA * self.A * (1 - self.A)
        self.dW = np.dot(dZ, self.A_prev.T) / m
        self.db = np.sum(dZ, axis=1, keepdims=True) / m
        return np.dot(self.W.T, dZ)

    def n_units(self):
        return self.Z.shape[0]

    def unit_value(self, i, j):
        """The pre-activation of unit i on example j."""
        return self.Z[i, j]

    def active_fraction(self):
        """For each example, the fraction of units with a positive pre-activation."""
        return np.sum(self.Z > 0, axis=0) / self.Z.shape[0]


def train(X, Y, layers, learning_rate=1.0, epochs=10):
    m = X.shape[1]
    costs = []
    for epoch in range(epochs):
        A = X
        for layer in layers:
            A = layer.forward(A)
        assert A.shape == (1, m)
        cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
        costs.append(float(cost))
        dA = -(Y / A) + (1 - Y) / (1 - A)
        for layer in reversed(layers):
            dA = layer.backward(dA)
            layer.W = layer.W - learning_rate * layer.dW
            layer.b = layer.b - learning_rate * layer.db
    return costs


def predict(X, layers):
    A = X
    for i in range(len(layers)):
        A = layers[i].forward(A)
    return (A > 0.5).astype(int)


def accuracy(P, Y):
    return ((np.dot(Y, P.T) + np.dot(1 - Y, 1 - P.T)) / float(Y.size) * 100).item()
