"""A neural network exercise in the style of the Python ports of Andrew Ng's Machine Learning
course, exercise 4 (rows hold the examples, X (m, n); the weights are stored (out, in + 1) with
the bias in column 0 and applied as ``a1 @ Theta1.T``; all weights unrolled into one vector
``nn_params`` in MATLAB's column order).

Failure classes exercised: the idiom ``np.c_[np.ones(X.shape[0]), X]`` (a bias column
prepended), 10 (``np.reshape(..., order="F")`` and ``ravel(order="F")``: unrolling by
columns; ``np.random.rand(L_out, 1 + L_in)``), 2 (``np.eye(num_labels)[y]``: rows picked by
a label array), 3 (``Theta1[:, 1:]``: the bias column dropped), 1 (``y`` 1-D labels,
``y.size``) and 12 (``lambda_`` a scalar keyword).
"""
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_gradient(z):
    g = sigmoid(z)
    return g * (1 - g)


def rand_initialize_weights(L_in, L_out, epsilon_init=0.12):
    return np.random.rand(L_out, 1 + L_in) * 2 * epsilon_init - epsilon_init


def unroll(Theta1, Theta2):
    return np.concatenate([Theta1.ravel(order="F"), Theta2.ravel(order="F")])


def nn_cost_function(nn_params, input_layer_size, hidden_layer_size, num_labels, X, y, lambda_=0.0):
    Theta1 = np.reshape(nn_params[:hidden_layer_size * (input_layer_size + 1)],
                        (hidden_layer_size, input_layer_size + 1), order="F")
    Theta2 = np.reshape(nn_params[hidden_layer_size * (input_layer_size + 1):],
                        (num_labels, hidden_layer_size + 1), order="F")
    m = y.size
    a1 = np.c_[np.ones(X.shape[0]), X]
    z2 = a1 @ Theta1.T
    a2 = np.c_[np.ones(z2.shape[0]), sigmoid(z2)]
    a3 = sigmoid(a2 @ Theta2.T)
    y_matrix = np.eye(num_labels)[y]
    reg = (lambda_ / (2 * m)) * (np.sum(np.square(Theta1[:, 1:])) + np.sum(np.square(Theta2[:, 1:])))
    J = (-1 / m) * np.sum(np.log(a3) * y_matrix + np.log(1 - a3) * (1 - y_matrix)) + reg
    delta_3 = a3 - y_matrix
    delta_2 = delta_3.dot(Theta2)[:, 1:] * sigmoid_gradient(z2)
    Delta1 = delta_2.T.dot(a1)
    Delta2 = delta_3.T.dot(a2)
    Theta1_grad = (1 / m) * Delta1
    Theta1_grad[:, 1:] = Theta1_grad[:, 1:] + (lambda_ / m) * Theta1[:, 1:]
    Theta2_grad = (1 / m) * Delta2
    Theta2_grad[:, 1:] = Theta2_grad[:, 1:] + (lambda_ / m) * Theta2[:, 1:]
    grad = unroll(Theta1_grad, Theta2_grad)
    return J, grad


def predict(Theta1, Theta2, X):
    m = X.shape[0]
    h1 = sigmoid(np.dot(np.concatenate([np.ones((m, 1)), X], axis=1), Theta1.T))
    h2 = sigmoid(np.dot(np.concatenate([np.ones((m, 1)), h1], axis=1), Theta2.T))
    p = np.argmax(h2, axis=1)
    return p
