"""Checks for nnfs_optimizers: a regression-style loop with dropout, both optimizers,
regularization terms checked numerically."""
import numpy as np

from nnfs_optimizers import Layer_Dense, Layer_Dropout, Optimizer_Adam, Optimizer_SGD, regularization_loss

np.random.seed(0)
X = np.random.randn(6, 3)
targets = np.random.randn(6, 2)

for optimizer in [Optimizer_SGD(learning_rate=0.1, decay=1e-3, momentum=0.9),
                  Optimizer_SGD(learning_rate=0.05),
                  Optimizer_Adam(learning_rate=0.02, decay=5e-7)]:
    dense1 = Layer_Dense(3, 4, weight_regularizer_l2=5e-4, bias_regularizer_l2=5e-4)
    dropout1 = Layer_Dropout(0.25)
    dense2 = Layer_Dense(4, 2, weight_regularizer_l1=1e-3, bias_regularizer_l1=1e-3)
    for epoch in range(3):
        dense1.forward(X)
        dropout1.forward(dense1.output)
        dense2.forward(dropout1.output)
        loss = np.mean((dense2.output - targets) ** 2) + regularization_loss(dense1) + regularization_loss(dense2)
        dense2.backward(2 * (dense2.output - targets) / dense2.output.size)
        dropout1.backward(dense2.dinputs)
        dense1.backward(dropout1.dinputs)
        optimizer.pre_update_params()
        optimizer.update_params(dense1)
        optimizer.update_params(dense2)
        optimizer.post_update_params()
    print(type(optimizer).__name__, loss)

# the L2 term of the weight gradient, numerically: 4 samples into 4 neurons (square)
layer = Layer_Dense(4, 4, weight_regularizer_l2=0.3)
layer.forward(np.random.randn(4, 4))
layer.backward(np.zeros((4, 4)))
h = 1e-6
old = layer.weights[1, 2]
layer.weights[1, 2] = old + h
up = regularization_loss(layer)
layer.weights[1, 2] = old - h
down = regularization_loss(layer)
layer.weights[1, 2] = old
assert abs((up - down) / (2 * h) - layer.dweights[1, 2]) < 1e-6
print("nnfs_optimizers checks passed")
