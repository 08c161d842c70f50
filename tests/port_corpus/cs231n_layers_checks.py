"""Checks for cs231n_layers: seeded inputs as in the assignment notebook, numeric gradients."""
import numpy as np

from cs231n_layers import (
    affine_backward,
    affine_forward,
    affine_relu_backward,
    affine_relu_forward,
    batchnorm_backward,
    batchnorm_forward,
    dropout_backward,
    dropout_forward,
    flatten_rows,
    relu_backward,
    relu_forward,
    softmax_loss,
    svm_loss,
)


def rel_error(x, y):
    return np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))


def numeric_gradient(f, x, df, h=1e-5):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        pos = f(x).copy()
        x[ix] = old - h
        neg = f(x).copy()
        x[ix] = old
        grad[ix] = np.sum((pos - neg) * df) / (2 * h)
        it.iternext()
    return grad


rng = np.random.RandomState(231)

# flatten_rows: image batches (3-D), as the assignment feeds affine layers
images = rng.randn(2, 3, 4)
print(flatten_rows(images).shape)

# affine: N=5, D=4, M=3 (non-square), then N=M=3 (a square batch with a 1-D bias)
for N, D, M in [(5, 4, 3), (3, 4, 3)]:
    x, w, b = rng.randn(N, D), rng.randn(D, M), rng.randn(M)
    out, cache = affine_forward(x, w, b)
    dout = rng.randn(N, M)
    dx, dw, db = affine_backward(dout, cache)
    assert rel_error(dx, numeric_gradient(lambda v: affine_forward(v, w, b)[0], x, dout)) < 1e-7
    assert rel_error(dw, numeric_gradient(lambda v: affine_forward(x, v, b)[0], w, dout)) < 1e-7
    assert rel_error(db, numeric_gradient(lambda v: affine_forward(x, w, v)[0], b, dout)) < 1e-7

x = rng.randn(4, 6)
out, cache = relu_forward(x)
dx = relu_backward(rng.randn(4, 6), cache)

x, w, b = rng.randn(2, 5), rng.randn(5, 4), rng.randn(4)
out, cache = affine_relu_forward(x, w, b)
dx, dw, db = affine_relu_backward(rng.randn(2, 4), cache)

# losses: N=6 examples, C=4 classes; then a square case N=C=4
for N, C in [(6, 4), (4, 4)]:
    x = 0.1 * rng.randn(N, C)
    y = rng.randint(C, size=N)
    loss, dx = svm_loss(x, y)
    assert rel_error(dx, numeric_gradient(lambda v: np.array(svm_loss(v, y)[0]), x, 1.0)) < 1e-6
    loss, dx = softmax_loss(x, y)
    assert abs(loss - np.log(C)) < 0.5
    assert rel_error(dx, numeric_gradient(lambda v: np.array(softmax_loss(v, y)[0]), x, 1.0)) < 1e-6

# dropout, train and test mode
x = rng.randn(5, 3) + 10
for mode in ["train", "test"]:
    param = {"mode": mode, "p": 0.6, "seed": 123}
    out, cache = dropout_forward(x, param)
    dx = dropout_backward(rng.randn(5, 3), cache)
    print(mode, out.mean())

# batch norm: a few training steps, then the test mode with the running averages
N, D = 6, 3
gamma, beta = rng.randn(D), rng.randn(D)
bn_param = {"mode": "train"}
for _ in range(3):
    x = 2 * rng.randn(N, D) + 5
    out, cache = batchnorm_forward(x, gamma, beta, bn_param)
dout = rng.randn(N, D)
dx, dgamma, dbeta = batchnorm_backward(dout, cache)
num = numeric_gradient(lambda v: batchnorm_forward(v, gamma, beta, {"mode": "train"})[0], x, dout)
assert rel_error(dx, num) < 1e-6
bn_param["mode"] = "test"
out, _ = batchnorm_forward(2 * rng.randn(4, D) + 5, gamma, beta, bn_param)
bn_square = {"mode": "train", "momentum": 0.5, "eps": 1e-3}
out, cache = batchnorm_forward(rng.randn(3, 3), np.ones(3), np.zeros(3), bn_square)
dx, dgamma, dbeta = batchnorm_backward(rng.randn(3, 3), cache)
print("cs231n_layers checks passed")
