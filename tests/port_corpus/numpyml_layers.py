"""Layers in the style of the numpy-ml library (rowmajor: X (n_ex, n_in); each layer keeps
``self.parameters`` and ``self.gradients`` dicts, the inputs of every forward call in a list
``self.X`` and derived values in ``self.derived_variables``; ``backward`` takes one gradient or
a list of them; gradients accumulate until ``update``).

Failure classes exercised: 6 (``self.parameters["W"]``, ``self.gradients[k] += …``, arrays
in lists on attributes: ``self.X``, ``self.derived_variables["Z"]``), 9 (``len(X) == 1``,
``zip(dLdy, X)`` over two lists, ``dX[0]``), 5 (``dLdy`` an array or a list; ``backward``
returns an array or a list; ``self.n_in`` None, then a number), 10 (an axis held in an
attribute, ``axis=self.dim``; ``np.random.shuffle`` of an index array; a generator built
inside a function) and 11 (methods).
"""
import numpy as np


class ReLU:
    def fn(self, z):
        return np.clip(z, 0, np.inf)

    def grad(self, x):
        return (x > 0).astype(int)


class Affine:
    def fn(self, z):
        return z

    def grad(self, x):
        return np.ones_like(x)


class FullyConnected:
    def __init__(self, n_out, act_fn="relu"):
        self.n_in = None
        self.n_out = n_out
        self.act_fn = ReLU() if act_fn == "relu" else Affine()
        self.parameters = {"W": None, "b": None}
        self.is_initialized = False
        self.trainable = True

    def _init_params(self):
        limit = np.sqrt(6 / (self.n_in + self.n_out))
        W = np.random.uniform(-limit, limit, size=(self.n_in, self.n_out))
        b = np.zeros((1, self.n_out))
        self.parameters = {"W": W, "b": b}
        self.gradients = {"W": np.zeros_like(W), "b": np.zeros_like(b)}
        self.derived_variables = {"Z": []}
        self.X = []
        self.is_initialized = True

    def forward(self, X, retain_derived=True):
        if not self.is_initialized:
            self.n_in = X.shape[1]
            self._init_params()
        Y, Z = self._fwd(X)
        if retain_derived:
            self.X.append(X)
            self.derived_variables["Z"].append(Z)
        return Y

    def _fwd(self, X):
        W = self.parameters["W"]
        b = self.parameters["b"]
        Z = X @ W + b
        Y = self.act_fn.fn(Z)
        return Y, Z

    def backward(self, dLdy, retain_grads=True):
        assert self.trainable, "Layer is frozen"
        if not isinstance(dLdy, list):
            dLdy = [dLdy]
        dX = []
        X = self.X
        for dy, x in zip(dLdy, X):
            dx, dw, db = self._bwd(dy, x)
            dX.append(dx)
            if retain_grads:
                self.gradients["W"] += dw
                self.gradients["b"] += db
        return dX[0] if len(X) == 1 else dX

    def _bwd(self, dLdy, X):
        W = self.parameters["W"]
        b = self.parameters["b"]
        Z = X @ W + b
        dZ = dLdy * self.act_fn.grad(Z)
        dX = dZ @ W.T
        dW = X.T @ dZ
        dB = dZ.sum(axis=0, keepdims=True)
        return dX, dW, dB

    def flush_gradients(self):
        self.X = []
        for k in self.derived_variables:
            self.derived_variables[k] = []
        for k, v in self.gradients.items():
            self.gradients[k] = np.zeros_like(v)

    def update(self, lr):
        for k, v in self.gradients.items():
            if k in self.parameters:
                self.parameters[k] = self.parameters[k] - lr * v
        self.flush_gradients()


class Softmax:
    def __init__(self, dim=-1):
        self.dim = dim
        self.X = []

    def forward(self, X):
        self.X.append(X)
        e_X = np.exp(X - np.max(X, axis=self.dim, keepdims=True))
        return e_X / e_X.sum(axis=self.dim, keepdims=True)

    def backward(self, dLdy):
        dX = []
        for dy, x in zip([dLdy], self.X[-1:]):
            y = self.forward(x)
            self.X.pop()
            dX.append(y * (dy - np.sum(dy * y, axis=self.dim, keepdims=True)))
        return dX[0]


def cross_entropy(y, y_pred):
    eps = np.finfo(float).eps
    return -np.sum(y * np.log(y_pred + eps))


def cross_entropy_grad(y, y_pred):
    return y_pred - y


def minibatch(X, batchsize=256, shuffle=True):
    N = X.shape[0]
    ix = np.arange(N)
    n_batches = int(np.ceil(N / batchsize))
    if shuffle:
        np.random.shuffle(ix)

    def mb_generator():
        for i in range(n_batches):
            yield ix[i * batchsize:(i + 1) * batchsize]

    return mb_generator(), n_batches
