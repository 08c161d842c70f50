"""Checks for cs231n_fc_net: the notebook's initial-loss and gradient checks, small sizes."""
import numpy as np

from cs231n_fc_net import FullyConnectedNet, affine_relu, affine_relu_back


def rel_error(x, y):
    return np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))


def numeric_gradient(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for ix in np.ndindex(*x.shape):
        old = x[ix]
        x[ix] = old + h
        pos = f()
        x[ix] = old - h
        neg = f()
        x[ix] = old
        grad[ix] = (pos - neg) / (2 * h)
    return grad


np.random.seed(231)
x, w, b = np.random.randn(3, 5), np.random.randn(5, 3), np.random.randn(3)
out, cache = affine_relu(x, w, b)
dx, dw, db = affine_relu_back(np.random.randn(3, 3), cache)

N, D, C = 3, 7, 4
X = np.random.randn(N, D)
y = np.random.randint(C, size=(N,))
for reg in [0.0, 3.14]:
    np.random.seed(0)
    model = FullyConnectedNet([5, 6], input_dim=D, num_classes=C, reg=reg, weight_scale=5e-2)
    loss, grads = model.loss(X, y)
    for name in sorted(grads):
        num = numeric_gradient(lambda: model.loss(X, y)[0], model.params[name])
        assert rel_error(num, grads[name]) < 1e-4, (name, rel_error(num, grads[name]))

scores = model.loss(X)
print(scores.shape)

# a square batch: N = C = 4, one hidden layer of 4 units
model = FullyConnectedNet([4], input_dim=4, num_classes=4, reg=0.1, weight_scale=1e-1)
X4 = np.random.randn(4, 4)
y4 = np.array([0, 3, 1, 3])
loss, grads = model.loss(X4, y4)
scores = model.loss(X4)

# dropout with a seed
model = FullyConnectedNet([6, 5], input_dim=D, num_classes=C, dropout_keep_ratio=0.5, seed=123)
loss, grads = model.loss(X, y)
scores = model.loss(X)
print("cs231n_fc_net checks passed")
