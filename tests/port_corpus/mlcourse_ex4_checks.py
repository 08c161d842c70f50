"""Checks for mlcourse_ex4: the exercise's debug-size network (3 inputs, 5 hidden units,
3 labels, 5 examples) with a numerical gradient, as ``checkNNGradients`` does; then 4 examples
through 4 hidden units and 4 labels (square)."""
import numpy as np

from mlcourse_ex4 import nn_cost_function, predict, rand_initialize_weights, unroll


def debug_initialize_weights(fan_out, fan_in):
    return np.sin(np.arange(1, 1 + (1 + fan_in) * fan_out)).reshape(1 + fan_in, fan_out).T / 10.0


input_layer_size, hidden_layer_size, num_labels, m = 3, 5, 3, 5
Theta1 = debug_initialize_weights(hidden_layer_size, input_layer_size)
Theta2 = debug_initialize_weights(num_labels, hidden_layer_size)
X = debug_initialize_weights(m, input_layer_size - 1)
y = np.arange(1, 1 + m) % num_labels
nn_params = unroll(Theta1, Theta2)

for lambda_ in (0.0, 3.0):
    J, grad = nn_cost_function(nn_params, input_layer_size, hidden_layer_size, num_labels, X, y, lambda_)
    numgrad = np.zeros_like(nn_params)
    perturb = np.diag(1e-4 * np.ones(nn_params.shape))
    for i in range(nn_params.size):
        loss1, _ = nn_cost_function(nn_params - perturb[:, i], input_layer_size, hidden_layer_size,
                                    num_labels, X, y, lambda_)
        loss2, _ = nn_cost_function(nn_params + perturb[:, i], input_layer_size, hidden_layer_size,
                                    num_labels, X, y, lambda_)
        numgrad[i] = (loss2 - loss1) / (2e-4)
    assert np.linalg.norm(numgrad - grad) / np.linalg.norm(numgrad + grad) < 1e-9
print(predict(Theta1, Theta2, X))

np.random.seed(0)
T1 = rand_initialize_weights(3, 4)
T2 = rand_initialize_weights(4, 4)
X4 = np.random.randn(4, 3)
y4 = np.array([3, 0, 2, 1])
J, grad = nn_cost_function(unroll(T1, T2), 3, 4, 4, X4, y4, lambda_=1.0)
print(J, predict(T1, T2, X4))
print("mlcourse_ex4 checks passed")
