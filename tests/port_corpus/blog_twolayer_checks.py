"""Checks for blog_twolayer: the post's XOR-like table (4 examples of 3 inputs), then the
per-example helpers on 5 rows and on a square 3 x 3 case."""
import numpy as np

from blog_twolayer import NeuralNetwork, perceptron_sgd, row_dots, sgd_per_example

np.random.seed(0)
X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
y = np.array([[0], [1], [1], [0]], dtype=float)
nn = NeuralNetwork(X, y)
losses = []
for i in range(20):
    nn.feedforward()
    nn.backprop()
    losses.append(nn.loss())
assert losses[-1] < losses[0]
print(nn.output.ravel())

A = np.random.randn(5, 2)
B = np.random.randn(5, 2)
print(row_dots(A, B))
print(row_dots(np.random.randn(3, 3), np.random.randn(3, 3)))

Xp = np.array([[-2, 4, -1], [4, 1, -1], [1, 6, -1], [2, 4, -1], [6, 2, -1]], dtype=float)
Yp = np.array([-1, -1, 1, 1, 1], dtype=float)
w = perceptron_sgd(Xp, Yp, epochs=20)
assert np.all(np.sign(Xp @ w) == Yp)

W, b, losses = sgd_per_example(np.random.randn(5, 3), np.random.randn(5, 2), np.zeros((3, 2)), np.zeros((1, 2)))
W, b, losses = sgd_per_example(np.random.randn(3, 3), np.random.randn(3, 3), np.zeros((3, 3)), np.zeros((1, 3)))
print(losses)
print("blog_twolayer checks passed")
