"""A fully-connected network class in the style of CS231n's ``classifiers/fc_net.py``
(rowmajor; parameters in ``self.params`` keyed ``"W1"``, ``"b1"``…, 1-D biases of shape (M,)).

Failure classes exercised: 1 (1-D biases from ``np.zeros(dim)``, class 12's message),
2 (``scores[np.arange(N), y]``), 4 (``self.dropout_param.get``), 5 (``loss`` returns an array
when ``y is None`` and a tuple otherwise), 6 (arrays held in ``self.params``), 9 (a list of
hidden sizes: ``len(hidden_dims)``, ``[input_dim] + hidden_dims + [num_classes]``) and
11 (methods of a class).
"""
import numpy as np


def affine_relu(x, w, b):
    a = x.dot(w) + b
    out = np.maximum(a, 0)
    return out, (x, w, a)


def affine_relu_back(dout, cache):
    x, w, a = cache
    da = dout * (a > 0)
    return da.dot(w.T), x.T.dot(da), da.sum(axis=0)


class FullyConnectedNet(object):
    """affine - relu - [dropout] x (L - 1) - affine - softmax."""

    def __init__(self, hidden_dims, input_dim=12, num_classes=4, dropout_keep_ratio=1,
                 reg=0.0, weight_scale=1e-2, dtype=np.float64, seed=None):
        self.use_dropout = dropout_keep_ratio != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}
        dims = [input_dim] + hidden_dims + [num_classes]
        for i in range(self.num_layers):
            self.params["W%d" % (i + 1)] = weight_scale * np.random.randn(dims[i], dims[i + 1])
            self.params["b%d" % (i + 1)] = np.zeros(dims[i + 1])
        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout_keep_ratio}
            if seed is not None:
                self.dropout_param["seed"] = seed
        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """Scores (N, C) when y is None; else (loss, grads)."""
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"
        if self.use_dropout:
            self.dropout_param["mode"] = mode
        caches, masks = [], []
        out = X
        for i in range(1, self.num_layers):
            out, cache = affine_relu(out, self.params["W%d" % i], self.params["b%d" % i])
            caches.append(cache)
            if self.use_dropout and mode == "train":
                if "seed" in self.dropout_param:
                    np.random.seed(self.dropout_param.get("seed"))
                p = self.dropout_param.get("p", 0.5)
                mask = (np.random.rand(*out.shape) < p) / p
                out = out * mask
                masks.append(mask)
        L = self.num_layers
        scores = out.dot(self.params["W%d" % L]) + self.params["b%d" % L]
        if mode == "test":
            return scores

        N = X.shape[0]
        shifted = scores - scores.max(axis=1, keepdims=True)
        probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        loss = -np.log(probs[np.arange(N), y]).sum() / N
        grads = {}
        dscores = probs
        dscores[np.arange(N), y] -= 1
        dscores /= N
        for i in range(1, L + 1):
            W = self.params["W%d" % i]
            loss += 0.5 * self.reg * np.sum(W * W)
        grads["W%d" % L] = out.T.dot(dscores) + self.reg * self.params["W%d" % L]
        grads["b%d" % L] = dscores.sum(axis=0)
        dout = dscores.dot(self.params["W%d" % L].T)
        for i in reversed(range(1, L)):
            if self.use_dropout:
                dout = dout * masks[i - 1]
            dout, dw, db = affine_relu_back(dout, caches[i - 1])
            grads["W%d" % i] = dw + self.reg * self.params["W%d" % i]
            grads["b%d" % i] = db
        return loss, grads
