"""Checks for numpyml_layers: a layer called on two batches before one backward with a list
of gradients, a softmax checked numerically, and minibatch training of a small classifier."""
import numpy as np

from numpyml_layers import FullyConnected, Softmax, cross_entropy, cross_entropy_grad, minibatch

np.random.seed(12345)

# two forward calls (5 and 3 examples), then one backward with both gradients
layer = FullyConnected(4, act_fn="relu")
X1, X2 = np.random.randn(5, 3), np.random.randn(3, 3)
Y1, Y2 = layer.forward(X1), layer.forward(X2)
dX1, dX2 = layer.backward([np.random.randn(5, 4), np.random.randn(3, 4)])
dW = layer.gradients["W"].copy()
layer.update(0.1)

# one forward, one backward with an array: a square batch (4 examples, 4 units)
square = FullyConnected(4, act_fn="affine")
Xs = np.random.randn(4, 4)
Ys = square.forward(Xs)
dXs = square.backward(np.ones((4, 4)))
assert np.allclose(square.gradients["b"], 4.0)

softmax = Softmax()
Z = np.random.randn(6, 3)
P = softmax.forward(Z)
dY = np.random.randn(6, 3)
dZ = softmax.backward(dY)
h = 1e-6
num = np.zeros_like(Z)
for ix in np.ndindex(*Z.shape):
    up, down = Z.copy(), Z.copy()
    up[ix] += h
    down[ix] -= h
    num[ix] = np.sum(dY * (Softmax().forward(up) - Softmax().forward(down))) / (2 * h)
assert np.allclose(num, dZ, atol=1e-7)

# minibatch training: 7 examples, batches of 3
X = np.random.randn(7, 3)
labels = (X[:, 0] > 0).astype(int)
Y = np.eye(2)[labels]
hidden, output, softmax = FullyConnected(5), FullyConnected(2, act_fn="affine"), Softmax()
for epoch in range(2):
    batches, n_batches = minibatch(X, batchsize=3)
    for ix in batches:
        probs = softmax.forward(output.forward(hidden.forward(X[ix])))
        loss = cross_entropy(Y[ix], probs)
        dZ = cross_entropy_grad(Y[ix], probs)
        hidden.backward(output.backward(dZ))
        output.update(0.1)
        hidden.update(0.1)
print("loss", loss, "batches", n_batches)
print("numpyml_layers checks passed")
