"""Checks for blog_planar: a flower-like planar set of 7 examples (columns), a 3-unit square
case, and the layer's inspection methods."""
import numpy as np

from blog_planar import Layer, accuracy, make_features, predict, train

np.random.seed(1)
m = 7
t = np.linspace(0, 2 * np.pi, m)
X_raw = np.array([np.sin(2 * t) * np.cos(t), np.sin(2 * t) * np.sin(t), np.random.randn(m) * 0.1])
Y = (np.sin(3 * t) > 0).astype(float).reshape(1, m)
X = make_features(X_raw)
assert X.shape == (5, m)

layers = [Layer(5, 4), Layer(4, 1, activation="sigmoid")]
costs = train(X, Y, layers, learning_rate=1.2, epochs=8)
assert costs[-1] < costs[0]
P = predict(X, layers)
print("accuracy", accuracy(P, Y))
hidden = layers[0]
print(hidden.n_units(), hidden.unit_value(3, 5), hidden.active_fraction())

# square: 3 features, 3 examples, 3 hidden units
np.random.seed(2)
X3 = make_features(np.random.randn(3, 3))[:3]
Y3 = np.array([[1.0, 0.0, 1.0]])
layers = [Layer(3, 3), Layer(3, 1, activation="sigmoid")]
print(train(X3, Y3, layers, epochs=2), layers[0].unit_value(0, 2), layers[0].active_fraction())
print("blog_planar checks passed")
