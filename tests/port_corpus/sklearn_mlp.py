"""MLP internals in the style of scikit-learn's ``neural_network/_base.py`` and
``_multilayer_perceptron.py`` (rowmajor: ``coefs_[i]`` (fan_in, fan_out), ``intercepts_[i]``
1-D (fan_out,); activations computed in place; gradients divided by n_samples; the parameters
packed into one flat vector for L-BFGS).

Failure classes exercised: 1 (1-D intercepts added in place: ``activations[i + 1] +=
self.intercepts_[i]``), 10 (a user helper ``safe_sparse_dot`` in place of ``np.dot``;
``np.newaxis``), 12 (``X.max(axis=1)[:, np.newaxis]``: the message must name ``X``),
5 (``y_prob`` widened from one column to two; ``y_true`` re-assigned), 9 (``activations``,
``deltas``, ``coef_grads`` lists; ``len(activations)``; ``self._coef_indptr`` a list of
tuples), 6 (``self.coefs_``, ``self.intercepts_``) and 11 (methods).
"""
import numpy as np


def safe_sparse_dot(a, b):
    """Dot product of dense arrays (the sparse case is left out here)."""
    return a @ b


def inplace_identity(X):
    return None


def inplace_logistic(X):
    np.exp(-X, out=X)
    X += 1
    np.reciprocal(X, out=X)


def inplace_tanh(X):
    np.tanh(X, out=X)


def inplace_relu(X):
    np.maximum(X, 0, out=X)


def inplace_softmax(X):
    tmp = X - X.max(axis=1)[:, np.newaxis]
    np.exp(tmp, out=X)
    X /= X.sum(axis=1)[:, np.newaxis]


ACTIVATIONS = {"identity": inplace_identity, "tanh": inplace_tanh, "logistic": inplace_logistic,
               "relu": inplace_relu, "softmax": inplace_softmax}


def inplace_identity_derivative(Z, delta):
    return None


def inplace_logistic_derivative(Z, delta):
    delta *= Z
    delta *= 1 - Z


def inplace_tanh_derivative(Z, delta):
    delta *= 1 - Z ** 2


def inplace_relu_derivative(Z, delta):
    delta[Z == 0] = 0


DERIVATIVES = {"identity": inplace_identity_derivative, "tanh": inplace_tanh_derivative,
               "logistic": inplace_logistic_derivative, "relu": inplace_relu_derivative}


def squared_loss(y_true, y_pred):
    return ((y_true - y_pred) ** 2).mean() / 2


def log_loss(y_true, y_prob):
    eps = np.finfo(y_prob.dtype).eps
    y_prob = np.clip(y_prob, eps, 1 - eps)
    if y_prob.shape[1] == 1:
        y_prob = np.append(1 - y_prob, y_prob, axis=1)
    if y_true.shape[1] == 1:
        y_true = np.append(1 - y_true, y_true, axis=1)
    return -np.sum(y_true * np.log(y_prob)) / y_prob.shape[0]


def binary_log_loss(y_true, y_prob):
    eps = np.finfo(y_prob.dtype).eps
    y_prob = np.clip(y_prob, eps, 1 - eps)
    return -np.sum(y_true * np.log(y_prob) + (1 - y_true) * np.log(1 - y_prob)) / y_prob.shape[0]


LOSS_FUNCTIONS = {"squared_error": squared_loss, "log_loss": log_loss, "binary_log_loss": binary_log_loss}


class SmallMLP:
    """The forward pass, backpropagation and packing of ``BaseMultilayerPerceptron``."""

    def __init__(self, layer_units, activation="relu", out_activation="softmax", loss="log_loss",
                 alpha=1e-4, random_state=0):
        self.activation = activation
        self.out_activation_ = out_activation
        self.loss = loss
        self.alpha = alpha
        self.n_layers_ = len(layer_units)
        rng = np.random.RandomState(random_state)
        self.coefs_, self.intercepts_ = [], []
        for i in range(self.n_layers_ - 1):
            fan_in, fan_out = layer_units[i], layer_units[i + 1]
            bound = np.sqrt(6 / (fan_in + fan_out))
            self.coefs_.append(rng.uniform(-bound, bound, (fan_in, fan_out)))
            self.intercepts_.append(rng.uniform(-bound, bound, fan_out))
        self._coef_indptr, self._intercept_indptr = [], []
        start = 0
        for i in range(self.n_layers_ - 1):
            n_fan_in, n_fan_out = layer_units[i], layer_units[i + 1]
            end = start + n_fan_in * n_fan_out
            self._coef_indptr.append((start, end, (n_fan_in, n_fan_out)))
            start = end
        for i in range(self.n_layers_ - 1):
            end = start + layer_units[i + 1]
            self._intercept_indptr.append((start, end))
            start = end

    def _forward_pass(self, activations):
        hidden_activation = ACTIVATIONS[self.activation]
        for i in range(self.n_layers_ - 1):
            activations[i + 1] = safe_sparse_dot(activations[i], self.coefs_[i])
            activations[i + 1] += self.intercepts_[i]
            if (i + 1) != (self.n_layers_ - 1):
                hidden_activation(activations[i + 1])
        output_activation = ACTIVATIONS[self.out_activation_]
        output_activation(activations[i + 1])
        return activations

    def _compute_loss_grad(self, layer, n_samples, activations, deltas, coef_grads, intercept_grads):
        coef_grads[layer] = safe_sparse_dot(activations[layer].T, deltas[layer])
        coef_grads[layer] += self.alpha * self.coefs_[layer]
        coef_grads[layer] /= n_samples
        intercept_grads[layer] = np.mean(deltas[layer], 0)

    def _backprop(self, X, y, activations, deltas, coef_grads, intercept_grads):
        n_samples = X.shape[0]
        activations = self._forward_pass(activations)
        loss_func_name = self.loss
        if loss_func_name == "log_loss" and self.out_activation_ == "logistic":
            loss_func_name = "binary_log_loss"
        loss = LOSS_FUNCTIONS[loss_func_name](y, activations[-1])
        values = 0
        for s in self.coefs_:
            s = s.ravel()
            values += np.dot(s, s)
        loss += (0.5 * self.alpha) * values / n_samples
        last = self.n_layers_ - 2
        deltas[last] = activations[-1] - y
        self._compute_loss_grad(last, n_samples, activations, deltas, coef_grads, intercept_grads)
        inplace_derivative = DERIVATIVES[self.activation]
        for i in range(self.n_layers_ - 2, 0, -1):
            deltas[i - 1] = safe_sparse_dot(deltas[i], self.coefs_[i].T)
            inplace_derivative(activations[i], deltas[i - 1])
            self._compute_loss_grad(i - 1, n_samples, activations, deltas, coef_grads, intercept_grads)
        return loss, coef_grads, intercept_grads

    def loss_and_grads(self, X, y):
        activations = [X] + [None] * (len(self.coefs_))
        deltas = [None] * (len(activations) - 1)
        coef_grads = [np.empty_like(c) for c in self.coefs_]
        intercept_grads = [np.empty_like(b) for b in self.intercepts_]
        return self._backprop(X, y, activations, deltas, coef_grads, intercept_grads)

    def _pack(self, coefs_, intercepts_):
        return np.hstack([layer.ravel() for layer in coefs_ + intercepts_])

    def _unpack(self, packed_parameters):
        for i in range(self.n_layers_ - 1):
            start, end, shape = self._coef_indptr[i]
            self.coefs_[i] = np.reshape(packed_parameters[start:end], shape)
            start, end = self._intercept_indptr[i]
            self.intercepts_[i] = packed_parameters[start:end]

    def predict_proba(self, X):
        activations = [X] + [None] * (self.n_layers_ - 1)
        return self._forward_pass(activations)[-1]
