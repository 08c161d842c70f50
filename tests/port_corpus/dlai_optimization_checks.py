"""Checks for dlai_optimization: the assignment's style of test cases, examples in columns."""
import numpy as np

from dlai_optimization import (
    initialize_adam,
    initialize_velocity,
    random_mini_batches,
    update_parameters_with_adam,
    update_parameters_with_gd,
    update_parameters_with_momentum,
)


def parameters_case(seed):
    np.random.seed(seed)
    parameters = {"W1": np.random.randn(2, 3), "b1": np.random.randn(2, 1),
                  "W2": np.random.randn(3, 2), "b2": np.random.randn(3, 1)}
    grads = {"dW1": np.random.randn(2, 3), "db1": np.random.randn(2, 1),
             "dW2": np.random.randn(3, 2), "db2": np.random.randn(3, 1)}
    return parameters, grads


np.random.seed(1)
X = np.random.randn(4, 11)
Y = (np.random.randn(1, 11) < 0.5).astype(float)
mini_batches = random_mini_batches(X, Y, mini_batch_size=4, seed=2)
assert [mb[0].shape[1] for mb in mini_batches] == [4, 4, 3]
mini_batches = random_mini_batches(X[:, :8], Y[:, :8], mini_batch_size=4, seed=3)

parameters, grads = parameters_case(2)
parameters = update_parameters_with_gd(parameters, grads, 0.01)

parameters, grads = parameters_case(3)
v = initialize_velocity(parameters)
for _ in range(2):
    parameters, v = update_parameters_with_momentum(parameters, grads, v, beta=0.9, learning_rate=0.01)

parameters, grads = parameters_case(4)
v, s = initialize_adam(parameters)
for t in (1, 2):
    parameters, v, s, v_corrected, s_corrected = update_parameters_with_adam(parameters, grads, v, s, t=t)
print("dlai_optimization checks passed")
