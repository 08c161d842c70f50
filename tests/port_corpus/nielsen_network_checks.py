"""Checks for nielsen_network: a tiny data set of column vectors, as the book's loader gives."""
import random

import numpy as np

from nielsen_network import Network, sigmoid, sigmoid_prime


def one_hot(j, n):
    e = np.zeros((n, 1))
    e[j] = 1.0
    return e


np.random.seed(0)
random.seed(0)
inputs = [np.random.randn(4, 1) for _ in range(7)]
labels = [int(x[0, 0] + x[1, 0] > 0) + int(x[2, 0] > 0) for x in inputs]
training_data = [(x, one_hot(j, 3)) for x, j in zip(inputs, labels)]
test_data = [(x, j) for x, j in zip(inputs, labels)]

print(sigmoid(np.array([[0.0], [1.0]])), sigmoid_prime(np.array([[0.5, -0.5]])))

net = Network([4, 5, 3])
out = net.feedforward(inputs[0])
nabla_b, nabla_w = net.backprop(inputs[1], training_data[1][1])

# the gradient of the quadratic cost, checked numerically on one weight matrix
x, y = training_data[2]
nabla_b, nabla_w = net.backprop(x, y)
h = 1e-6
w = net.weights[0]
for ix in [(0, 0), (4, 3), (2, 1)]:
    old = w[ix]
    w[ix] = old + h
    up = 0.5 * np.sum((net.feedforward(x) - y) ** 2)
    w[ix] = old - h
    down = 0.5 * np.sum((net.feedforward(x) - y) ** 2)
    w[ix] = old
    assert abs((up - down) / (2 * h) - nabla_w[0][ix]) < 1e-7

net.update_mini_batch(training_data[:3], 3.0)
net.SGD(training_data, epochs=2, mini_batch_size=3, eta=3.0, test_data=test_data)
print("correct", net.evaluate(test_data))

# a square network: 3 inputs, 3 hidden, 3 outputs
np.random.seed(1)
square = Network([3, 3, 3])
xs = np.random.randn(3, 1)
nabla_b, nabla_w = square.backprop(xs, one_hot(2, 3))
print(square.cost_derivative(square.feedforward(xs), one_hot(2, 3)))
print("nielsen_network checks passed")
