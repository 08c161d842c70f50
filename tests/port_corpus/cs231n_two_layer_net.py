"""A two-layer net in the style of CS231n's ``classifiers/neural_net.py`` (rowmajor;
``W1`` (D, H), ``b1`` (H,), ``W2`` (H, C), ``b2`` (C,)), trained by minibatch SGD.

Failure classes exercised: 1 (1-D biases; ``np.zeros(hidden_size)`` is class 12's message
case), 2 (``probs[range(N), y]``), 5 (``y`` None in one branch, labels in the other; the
method returns scores or a tuple), 6 (``self.params``), 9 (``loss_history`` list),
10 (``np.random.choice`` for a minibatch, ``np.argsort`` for top-k) and 11 (methods).
"""
import numpy as np


class TwoLayerNet(object):
    def __init__(self, input_size, hidden_size, output_size, std=1e-4):
        self.params = {}
        self.params["W1"] = std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)

    def loss(self, X, y=None, reg=0.0):
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        N, D = X.shape

        hidden = np.maximum(0, X.dot(W1) + b1)
        scores = hidden.dot(W2) + b2
        if y is None:
            return scores

        scores -= np.max(scores, axis=1, keepdims=True)
        exp_scores = np.exp(scores)
        probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
        loss = np.sum(-np.log(probs[range(N), y])) / N
        loss += reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

        grads = {}
        dscores = probs
        dscores[range(N), y] -= 1
        dscores /= N
        grads["W2"] = np.dot(hidden.T, dscores) + 2 * reg * W2
        grads["b2"] = np.sum(dscores, axis=0)
        dhidden = np.dot(dscores, W2.T)
        dhidden[hidden <= 0] = 0
        grads["W1"] = np.dot(X.T, dhidden) + 2 * reg * W1
        grads["b1"] = np.sum(dhidden, axis=0)
        return loss, grads

    def train(self, X, y, learning_rate=1e-3, reg=5e-6, num_iters=10, batch_size=4, verbose=False):
        num_train = X.shape[0]
        loss_history = []
        for it in range(num_iters):
            batch_indices = np.random.choice(num_train, batch_size, replace=True)
            X_batch = X[batch_indices]
            y_batch = y[batch_indices]
            loss, grads = self.loss(X_batch, y=y_batch, reg=reg)
            loss_history.append(loss)
            for param in self.params:
                self.params[param] -= learning_rate * grads[param]
            if verbose and it % 100 == 0:
                print("iteration %d / %d: loss %f" % (it, num_iters, loss))
        return {"loss_history": loss_history}

    def predict(self, X):
        hidden = np.maximum(0, X.dot(self.params["W1"]) + self.params["b1"])
        scores = hidden.dot(self.params["W2"]) + self.params["b2"]
        y_pred = np.argmax(scores, axis=1)
        return y_pred

    def top_k(self, X, k=2):
        """The k best classes of each example, best first: (N, k)."""
        scores = self.loss(X)
        order = np.argsort(scores, axis=1)
        return order[:, ::-1][:, :k]
