"""Checks for cs231n_two_layer_net: the toy model and toy data of the notebook, smaller."""
import numpy as np

from cs231n_two_layer_net import TwoLayerNet

input_size, hidden_size, num_classes, num_inputs = 4, 10, 3, 5


def init_toy_model():
    np.random.seed(0)
    return TwoLayerNet(input_size, hidden_size, num_classes, std=1e-1)


def init_toy_data():
    np.random.seed(1)
    X = 10 * np.random.randn(num_inputs, input_size)
    y = np.array([0, 1, 2, 2, 1])
    return X, y


net = init_toy_model()
X, y = init_toy_data()
scores = net.loss(X)
assert scores.shape == (num_inputs, num_classes)
loss, grads = net.loss(X, y, reg=0.05)

h = 1e-5
for name in ["W1", "b1", "W2", "b2"]:
    param = net.params[name]
    num = np.zeros_like(param)
    for ix in np.ndindex(*param.shape):
        old = param[ix]
        param[ix] = old + h
        pos = net.loss(X, y, reg=0.05)[0]
        param[ix] = old - h
        neg = net.loss(X, y, reg=0.05)[0]
        param[ix] = old
        num[ix] = (pos - neg) / (2 * h)
    assert np.max(np.abs(num - grads[name]) / np.maximum(1e-8, np.abs(num) + np.abs(grads[name]))) < 1e-6, name

np.random.seed(2)
stats = net.train(X, y, learning_rate=1e-1, reg=5e-6, num_iters=20, batch_size=3)
print("final training loss", stats["loss_history"][-1])
print(net.predict(X), net.top_k(X, k=2))

# a square case: N = D = H = C = 3
np.random.seed(3)
square = TwoLayerNet(3, 3, 3, std=1.0)
X3 = np.random.randn(3, 3)
y3 = np.array([2, 0, 1])
loss, grads = square.loss(X3, y3, reg=0.1)
print(square.predict(X3), square.top_k(X3, k=3))
print("cs231n_two_layer_net checks passed")
