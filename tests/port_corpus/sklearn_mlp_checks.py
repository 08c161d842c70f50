"""Checks for sklearn_mlp: losses on one- and two-column outputs, the packed gradient checked
by finite differences as scikit-learn's own tests do, a square batch."""
import numpy as np

from sklearn_mlp import ACTIVATIONS, DERIVATIVES, SmallMLP, binary_log_loss, log_loss, squared_loss

rng = np.random.RandomState(42)
X = rng.randn(5, 3)
y_labels = np.array([0, 2, 1, 2, 0])
Y = np.eye(3)[y_labels]

for name in ["identity", "logistic", "tanh", "relu", "softmax"]:
    Z = rng.randn(4, 3)
    ACTIVATIONS[name](Z)
    if name in DERIVATIVES:
        delta = rng.randn(4, 3)
        DERIVATIVES[name](Z, delta)

print(squared_loss(Y, rng.rand(5, 3)), log_loss(Y, np.full((5, 3), 1 / 3)))
p = rng.rand(5, 1)
t = (rng.rand(5, 1) > 0.5).astype(float)
print(log_loss(t, p), binary_log_loss(t, p))

for activation in ["relu", "tanh", "logistic"]:
    mlp = SmallMLP([3, 4, 3], activation=activation, alpha=0.1, random_state=1)
    loss, coef_grads, intercept_grads = mlp.loss_and_grads(X, Y)
    theta = mlp._pack(mlp.coefs_, mlp.intercepts_)
    grad = mlp._pack(coef_grads, intercept_grads)
    numgrad = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        for sign in (1, -1):
            shifted = theta.copy()
            shifted[i] += sign * 1e-5
            mlp._unpack(shifted)
            numgrad[i] += sign * mlp.loss_and_grads(X, Y)[0] / 2e-5
    mlp._unpack(theta)
    assert np.allclose(numgrad, grad, rtol=1e-5, atol=1e-8), activation

# binary output with a logistic unit, a square batch: 3 samples, 3 features, 3 hidden units
binary = SmallMLP([3, 3, 1], activation="tanh", out_activation="logistic", random_state=2)
X3 = rng.randn(3, 3)
loss, coef_grads, intercept_grads = binary.loss_and_grads(X3, np.array([[1.0], [0.0], [1.0]]))
print(loss, binary.predict_proba(X3).ravel())
print("sklearn_mlp checks passed")
