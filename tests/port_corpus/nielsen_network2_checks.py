"""Checks for nielsen_network2: training data with one-hot columns, test data with labels."""
import numpy as np

from nielsen_network2 import CrossEntropyCost, Network, QuadraticCost, vectorized_result

np.random.seed(2)
xs = [np.random.randn(5, 1) for _ in range(6)]
labels = [int(np.argmax(x[:3, 0])) for x in xs]
training_data = [(x, vectorized_result(j, 3)) for x, j in zip(xs, labels)]
test_data = list(zip(xs, labels))

e = vectorized_result(4)
assert e.shape == (10, 1) and e[4, 0] == 1.0

for cost in (CrossEntropyCost, QuadraticCost):
    net = Network([5, 4, 3], cost=cost)
    nabla_b, nabla_w = net.backprop(*training_data[0])
    before = net.total_cost(training_data, lmbda=0.1)
    for epoch in range(3):
        net.update_mini_batch(training_data[:4], eta=0.5, lmbda=0.1, n=len(training_data))
        net.update_mini_batch(training_data[4:], eta=0.5, lmbda=0.1, n=len(training_data))
    after = net.total_cost(training_data, lmbda=0.1)
    print(cost.__name__, before, after, net.total_cost(test_data, lmbda=0.1, convert=True))
    print(net.accuracy(training_data, convert=True), net.accuracy(test_data))
    saved = net.to_dict()
    assert np.array_equal(np.array(saved["weights"][0]), net.weights[0])

a, y = np.array([[0.2], [0.7], [0.1]]), vectorized_result(1, 3)
print(CrossEntropyCost.fn(a, y), QuadraticCost.fn(a, y), CrossEntropyCost.delta(None, a, y))

# square: 3 inputs, 3 hidden, 3 outputs
np.random.seed(5)
square = Network([3, 3, 3])
print(square.feedforward(np.random.randn(3, 1)).ravel())
print("nielsen_network2 checks passed")
