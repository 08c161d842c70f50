"""A blog-post network "from scratch" (rowmajor: the input matrix holds one example per row;
two weight matrices without biases on the object, drawn with ``np.random.rand``), with the
per-example helpers such posts show next to it.

Failure classes exercised: 7 (row loops: ``for x, y in zip(X, Y)``, ``for i, x in
enumerate(X)``, ``[np.dot(x, y) for x, y in zip(X, Y)]``), 6 (``self.weights1``,
``self.output``, ``self.input.shape[1]``), 10 (``np.random.rand(self.input.shape[1], 4)``),
5 (``x`` a row, then reshaped to a (1, n) matrix; ``w`` re-assigned in a loop), 12 (``X[i]``
a row where one index is given) and 11 (methods).
"""
import numpy as np


def sigmoid(x):
    return 1.0 / (1 + np.exp(-x))


def sigmoid_derivative(x):
    return x * (1.0 - x)


class NeuralNetwork:
    def __init__(self, x, y):
        self.input = x
        self.weights1 = np.random.rand(self.input.shape[1], 4)
        self.weights2 = np.random.rand(4, 1)
        self.y = y
        self.output = np.zeros(self.y.shape)

    def feedforward(self):
        self.layer1 = sigmoid(np.dot(self.input, self.weights1))
        self.output = sigmoid(np.dot(self.layer1, self.weights2))

    def backprop(self):
        d_weights2 = np.dot(self.layer1.T, (2 * (self.y - self.output) * sigmoid_derivative(self.output)))
        d_weights1 = np.dot(self.input.T, (np.dot(2 * (self.y - self.output) * sigmoid_derivative(self.output),
                                                  self.weights2.T) * sigmoid_derivative(self.layer1)))
        self.weights1 += d_weights1
        self.weights2 += d_weights2

    def loss(self):
        return np.sum((self.y - self.output) ** 2)


def row_dots(X, Y):
    """The dot product of each example with its target: one number per row."""
    return np.array([np.dot(x, y) for x, y in zip(X, Y)])


def perceptron_sgd(X, Y, eta=1.0, epochs=5):
    """The perceptron rule, one example at a time; Y holds +1/-1 per row."""
    w = np.zeros(len(X[0]))
    for epoch in range(epochs):
        for i, x in enumerate(X):
            if (np.dot(X[i], w) * Y[i]) <= 0:
                w = w + eta * X[i] * Y[i]
    return w


def sgd_per_example(X, Y, W, b, lr=0.1):
    """Linear regression trained one row at a time; W (n_in, n_out), b (1, n_out)."""
    losses = []
    for x, y in zip(X, Y):
        x = x.reshape(1, -1)
        y = y.reshape(1, -1)
        err = x @ W + b - y
        W = W - lr * x.T @ err
        b = b - lr * err
        losses.append(float(np.sum(err ** 2)))
    return W, b, losses
