"""Checks for dlai_dnn_utils: test cases with examples in columns, m = 5 and a square m = n_h."""
import numpy as np

from dlai_dnn_utils import (
                            initialize_parameters,
                            mislabeled_indices,
                            predict,
                            relu,
                            relu_backward,
                            sigmoid,
                            sigmoid_backward,
                            two_layer_model,
)

np.random.seed(1)
Z = np.random.randn(3, 5)
A, cache = sigmoid(Z)
dZ = sigmoid_backward(np.random.randn(3, 5), cache)
A, cache = relu(Z)
dZ = relu_backward(np.random.randn(3, 5), cache)

params = initialize_parameters(4, 3, 1)

np.random.seed(2)
X = np.random.randn(4, 5)
Y = (np.sum(X, axis=0, keepdims=True) > 0).astype(float)
parameters, costs = two_layer_model(X, Y, (4, 3, 1), learning_rate=0.5, num_iterations=4)
assert len(costs) == 4
p, accuracy = predict(X, Y, parameters)
print("accuracy", accuracy, "mislabeled", mislabeled_indices(p, Y))

# square: 3 examples, 3 features, 3 hidden units
X3 = np.random.randn(3, 3)
Y3 = np.array([[1.0, 0.0, 1.0]])
parameters, costs = two_layer_model(X3, Y3, (3, 3, 1), learning_rate=0.1, num_iterations=2)
p, accuracy = predict(X3, Y3, parameters)
print(mislabeled_indices(p, Y3))
print("dlai_dnn_utils checks passed")
