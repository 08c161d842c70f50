"""Checks for dlai_gradient_checking: the assignment's test case, 3 examples in columns."""
import numpy as np

from dlai_gradient_checking import (
                                    backward_propagation_n,
                                    dictionary_to_vector,
                                    forward_propagation_n,
                                    gradient_check_n,
                                    gradients_to_vector,
                                    vector_to_dictionary,
)

np.random.seed(1)
x = np.random.randn(4, 3)
y = np.array([1, 1, 0]).reshape(1, 3)
parameters = {"W1": np.random.randn(5, 4), "b1": np.random.randn(5, 1),
              "W2": np.random.randn(3, 5), "b2": np.random.randn(3, 1),
              "W3": np.random.randn(1, 3), "b3": np.random.randn(1, 1)}

theta, keys = dictionary_to_vector(parameters)
assert len(keys) == 47
restored = vector_to_dictionary(theta)
assert all(np.array_equal(restored[k], parameters[k]) for k in parameters)

cost, cache = forward_propagation_n(x, y, parameters)
gradients = backward_propagation_n(x, y, cache)
grad = gradients_to_vector(gradients)
difference = gradient_check_n(parameters, gradients, x, y, 1e-7)
assert difference < 2e-7, difference

# 5 examples through 5 hidden units: a square first layer output
x5 = np.random.randn(4, 5)
y5 = np.array([[1, 0, 0, 1, 1]])
cost, cache = forward_propagation_n(x5, y5, parameters)
gradients = backward_propagation_n(x5, y5, cache)
print("difference", gradient_check_n(parameters, gradients, x5, y5))
print("dlai_gradient_checking checks passed")
