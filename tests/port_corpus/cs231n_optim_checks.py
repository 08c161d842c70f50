"""Checks for cs231n_optim: the notebook's linspace inputs (non-square), then a few steps."""
import numpy as np

from cs231n_optim import adam, rmsprop, sgd, sgd_momentum

N, D = 4, 5
w = np.linspace(-0.4, 0.6, num=N * D).reshape(N, D)
dw = np.linspace(-0.6, 0.4, num=N * D).reshape(N, D)
v = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)

next_w, _ = sgd(w.copy(), dw)
next_w, config = sgd_momentum(w, dw, {"learning_rate": 1e-3, "velocity": v})
assert np.allclose(config["velocity"], 0.9 * v - 1e-3 * dw)
next_w, config = sgd_momentum(next_w, dw, config)

cache = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)
next_w, config = rmsprop(w, dw, {"learning_rate": 1e-2, "cache": cache})
next_w, _ = rmsprop(w, dw)

m = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)
config = {"learning_rate": 1e-2, "m": m, "v": v, "t": 5}
next_w, config = adam(w, dw, config)
assert config["t"] == 6

rng = np.random.default_rng(0)
w = rng.standard_normal((3, 2))
config = None
for step in range(3):
    w, config = adam(w, 2 * w, config)
print("cs231n_optim checks passed")
