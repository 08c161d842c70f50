"""Checks for mlfs_network: a digits-like task in rows, as the library's demo trains it."""
import numpy as np

from mlfs_network import (
                          Activation,
                          CrossEntropy,
                          Dense,
                          Dropout,
                          NeuralNetwork,
                          SquareLoss,
                          StochasticGradientDescent,
                          accuracy_score,
                          batch_iterator,
                          shuffle_data,
                          to_categorical,
)

np.random.seed(1)
X = np.random.randn(10, 4)
y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0).astype(int)
Y = to_categorical(y, n_col=3)
X, Y = shuffle_data(X, Y, seed=3)
print([xb.shape for xb, yb in batch_iterator(X, Y, batch_size=4)])

model = NeuralNetwork(optimizer=StochasticGradientDescent(learning_rate=0.1, momentum=0.5), loss=CrossEntropy)
model.add(Dense(5, input_shape=(4,)))
model.add(Activation("relu"))
model.add(Dropout(0.25))
model.add(Dense(3))
model.add(Activation("softmax"))
print(model.summary())
errors = model.fit(X, Y, n_epochs=3, batch_size=4)
y_pred = np.argmax(model.predict(X), axis=1)
print("errors", errors, "accuracy", accuracy_score(np.argmax(Y, axis=1), y_pred))

# a regression network on a square batch: 3 samples, 3 features, 3 outputs
regression = NeuralNetwork(optimizer=StochasticGradientDescent(learning_rate=0.05), loss=SquareLoss)
regression.add(Dense(3, input_shape=(3,)))
regression.add(Activation("sigmoid"))
regression.add(Dense(3))
X3 = np.random.randn(3, 3)
loss, acc = regression.train_on_batch(X3, np.random.randn(3, 3))
print(loss, regression.predict(X3))
print(to_categorical(np.array([2, 0, 1])))
print("mlfs_network checks passed")
