"""Checks for nnfs_layers: a small spiral-like data set in rows, the book's forward and
backward chain, the combined softmax-loss gradient against the separate one."""
import numpy as np

from nnfs_layers import (
    Activation_ReLU,
    Activation_Sigmoid,
    Activation_Softmax,
    Activation_Softmax_Loss_CategoricalCrossentropy,
    Layer_Dense,
    Loss_BinaryCrossentropy,
    Loss_CategoricalCrossentropy,
    accuracy,
)


def spiral_data(samples, classes):
    X = np.zeros((samples * classes, 2))
    y = np.zeros(samples * classes, dtype="uint8")
    for class_number in range(classes):
        ix = range(samples * class_number, samples * (class_number + 1))
        r = np.linspace(0.0, 1, samples)
        t = np.linspace(class_number * 4, (class_number + 1) * 4, samples) + np.random.randn(samples) * 0.2
        X[ix] = np.c_[r * np.sin(t * 2.5), r * np.cos(t * 2.5)]
        y[ix] = class_number
    return X, y


np.random.seed(0)
X, y = spiral_data(samples=3, classes=3)

dense1 = Layer_Dense(2, 4)
activation1 = Activation_ReLU()
dense2 = Layer_Dense(4, 3)
loss_activation = Activation_Softmax_Loss_CategoricalCrossentropy()

dense1.forward(X)
activation1.forward(dense1.output)
dense2.forward(activation1.output)
loss = loss_activation.forward(dense2.output, y)
print("loss", loss, "acc", accuracy(loss_activation.output, y))
loss_activation.backward(loss_activation.output, y)
dense2.backward(loss_activation.dinputs)
activation1.backward(dense2.dinputs)
dense1.backward(activation1.dinputs)

# the separate softmax and loss backward give the same gradient
softmax_outputs = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
class_targets = np.array([0, 1, 1])
combined = Activation_Softmax_Loss_CategoricalCrossentropy()
combined.backward(softmax_outputs, class_targets)
activation = Activation_Softmax()
activation.output = softmax_outputs
loss_function = Loss_CategoricalCrossentropy()
loss_function.backward(softmax_outputs, class_targets)
activation.backward(loss_function.dinputs)
assert np.allclose(combined.dinputs, activation.dinputs)

# one-hot targets (2-D) through the same losses: 4 samples, 3 classes
one_hot = np.eye(3)[np.array([2, 0, 1, 1])]
scores = np.random.randn(4, 3)
softmax = Activation_Softmax()
softmax.forward(scores)
print(loss_function.calculate(softmax.output, one_hot), accuracy(softmax.output, one_hot))
loss_function.backward(softmax.output, one_hot)
softmax.backward(loss_function.dinputs)
combined.forward(scores, one_hot)
combined.backward(combined.output, one_hot)

# binary cross-entropy on a sigmoid output: 5 samples, 2 outputs
sigmoid = Activation_Sigmoid()
sigmoid.forward(np.random.randn(5, 2))
targets = (np.random.rand(5, 2) > 0.5).astype(float)
bce = Loss_BinaryCrossentropy()
print(bce.calculate(sigmoid.output, targets))
bce.backward(sigmoid.output, targets)
sigmoid.backward(bce.dinputs)
print("nnfs_layers checks passed")
