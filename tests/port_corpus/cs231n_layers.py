"""Layer functions in the style of CS231n's assignment ``layers.py`` (rowmajor: one example per
row, ``w`` of shape (D, M), a 1-D bias ``b`` of shape (M,)). Each ``*_forward`` returns what its
``*_backward`` needs in a cache; the 1/N of the mean sits in the loss.

Failure classes exercised: 1 (1-D biases, also with square batches), 2 (fancy indexing by a
call: ``x[np.arange(N), y]``, ``probs[range(N), y]``), 4 (``bn_param.get("momentum", 0.9)``),
5 (a running mean re-assigned; ``mask`` None in one branch, an array in the other),
10 (``np.random.rand(*x.shape)``) and 12 (``np.zeros(D)`` in a default). ``flatten_rows`` is
called on 3-D image batches: no convention's transpose exists for it, so it must be refused.
"""
import numpy as np


def flatten_rows(x):
    """Reshape a batch of N images (N, d_1, ..., d_k) into rows (N, D)."""
    N = x.shape[0]
    return x.reshape(N, -1)


def affine_forward(x, w, b):
    """out = x w + b, x: (N, D), w: (D, M), b: (M,)."""
    out = x.dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """Gradients of the affine layer; dout: (N, M)."""
    x, w, b = cache
    dx = dout.dot(w.T)
    dw = x.T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    x = cache
    dx = dout * (x > 0)
    return dx


def affine_relu_forward(x, w, b):
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    return out, (fc_cache, relu_cache)


def affine_relu_backward(dout, cache):
    fc_cache, relu_cache = cache
    da = relu_backward(dout, relu_cache)
    return affine_backward(da, fc_cache)


def svm_loss(x, y):
    """Multiclass SVM loss; x: (N, C) scores, y: (N,) labels."""
    N = x.shape[0]
    correct_class_scores = x[np.arange(N), y]
    margins = np.maximum(0, x - correct_class_scores[:, np.newaxis] + 1.0)
    margins[np.arange(N), y] = 0
    loss = np.sum(margins) / N
    num_pos = np.sum(margins > 0, axis=1)
    dx = np.zeros_like(x)
    dx[margins > 0] = 1
    dx[np.arange(N), y] -= num_pos
    dx /= N
    return loss, dx


def softmax_loss(x, y):
    """Softmax cross-entropy loss; x: (N, C) scores, y: (N,) labels."""
    shifted = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted), axis=1, keepdims=True)
    log_probs = shifted - np.log(Z)
    probs = np.exp(log_probs)
    N = x.shape[0]
    loss = -np.sum(log_probs[range(N), y]) / N
    dx = probs.copy()
    dx[range(N), y] -= 1
    dx /= N
    return loss, dx


def dropout_forward(x, dropout_param):
    """Inverted dropout; dropout_param: {"p": keep probability, "mode": "train"|"test", "seed"}."""
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = None
    if mode == "train":
        mask = (np.random.rand(*x.shape) < p) / p
        out = x * mask
    else:
        out = x
    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)
    return out, cache


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    if dropout_param["mode"] == "train":
        return dout * mask
    return dout


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalization over the examples (rows); gamma, beta, running stats: (D,)."""
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    cache = None
    if mode == "train":
        sample_mean = x.mean(axis=0)
        sample_var = x.var(axis=0)
        xhat = (x - sample_mean) / np.sqrt(sample_var + eps)
        out = gamma * xhat + beta
        cache = (xhat, gamma, sample_var, eps)
        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
    elif mode == "test":
        xhat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * xhat + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    """Gradients of batch normalization, the simplified formula."""
    xhat, gamma, var, eps = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * xhat, axis=0)
    dxhat = dout * gamma
    dx = (N * dxhat - dxhat.sum(axis=0) - xhat * np.sum(dxhat * xhat, axis=0)) / (N * np.sqrt(var + eps))
    return dx, dgamma, dbeta
