"""The worked example of docs/training.md: a 64-32-10 network trained on nnconv's digits with a
hand-written gradient-descent loop, once in each convention.

Run from the repository root: ``python docs/scripts/digits_cost_curve.py``. It writes the cost
curve to docs/img/digits-cost.png and the numbers the page quotes to
docs/scripts/digits_cost_curve.out (the page includes that file; tests/test_docs.py checks that
it is still what this script computes). It needs matplotlib (the ``docs`` extra) only to draw.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# --8<-- [start:setup]
import numpy as np

from nnconv import colmajor, datasets, rowmajor, transpose

LAYER_DIMS = [64, 32, 10]
ACTIVATIONS = ["relu", "softmax"]
EPOCHS, LEARNING_RATE, BATCH_SIZE, SEED = 30, 0.5, 32, 0
# --8<-- [end:setup]
HERE = Path(__file__).resolve().parent


# --8<-- [start:rowmajor_loop]
def train_rowmajor(X, Y):
    """Mini-batch gradient descent on X (m, 64), Y (m, 10): one example per row."""
    nn, activations = rowmajor, ACTIVATIONS
    params = nn.init_params(LAYER_DIMS, seed=SEED)  # W1 (64, 32), b1 (1, 32), W2 (32, 10), b2 (1, 10)
    rng = np.random.default_rng(SEED)
    m = X.shape[0]                                  # examples are rows
    history = []
    for _ in range(EPOCHS):
        order = rng.permutation(m)
        total = 0.0
        for start in range(0, m, BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            X_batch, Y_batch = X[batch], Y[batch]   # (b, 64), (b, 10)
            AL, caches = nn.forward(X_batch, params, activations)
            total += nn.cost(AL, Y_batch, "ce") * len(batch)
            grads = nn.backward(AL, Y_batch, caches, activations, "ce")
            params = nn.update(params, grads, LEARNING_RATE)
        history.append(total / m)                   # the mean cost of the epoch
    return params, history
# --8<-- [end:rowmajor_loop]


# --8<-- [start:colmajor_loop]
def train_colmajor(X, Y):
    """Mini-batch gradient descent on X (64, m), Y (10, m): one example per column."""
    nn, activations = colmajor, ACTIVATIONS
    params = nn.init_params(LAYER_DIMS, seed=SEED)  # W1 (32, 64), b1 (32, 1), W2 (10, 32), b2 (10, 1)
    rng = np.random.default_rng(SEED)
    m = X.shape[1]                                  # examples are columns
    history = []
    for _ in range(EPOCHS):
        order = rng.permutation(m)
        total = 0.0
        for start in range(0, m, BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            X_batch, Y_batch = X[:, batch], Y[:, batch]  # (64, b), (10, b)
            AL, caches = nn.forward(X_batch, params, activations)
            total += nn.cost(AL, Y_batch, "ce") * len(batch)
            grads = nn.backward(AL, Y_batch, caches, activations, "ce")
            params = nn.update(params, grads, LEARNING_RATE)
        history.append(total / m)                   # the mean cost of the epoch
    return params, history
# --8<-- [end:colmajor_loop]


def accuracy(labels: Any, Y_onehot: Any) -> float:
    """The fraction of examples whose predicted class is the labelled one (rowmajor Y)."""
    return float(np.mean(labels == Y_onehot.argmax(axis=1)))


def train_both() -> dict[str, Any]:
    """Train in both conventions on the same split; return parameters, histories and accuracies."""
    X, Y, loss = datasets.load("digits")
    X_train, Y_train, X_test, Y_test = datasets.train_test_split(X, Y, seed=SEED)
    row, row_history = train_rowmajor(X_train, Y_train)
    col, col_history = train_colmajor(X_train.T, Y_train.T)
    return {
        "row": row, "col": col, "history": row_history, "col_history": col_history,
        "m_train": len(X_train), "m_test": len(X_test),
        "train_accuracy": accuracy(rowmajor.predict(X_train, row, ACTIVATIONS), Y_train),
        "test_accuracy": accuracy(rowmajor.predict(X_test, row, ACTIVATIONS), Y_test),
        "col_test_accuracy": accuracy(colmajor.predict(X_test.T, col, ACTIVATIONS), Y_test),
    }


def report(result: dict[str, Any]) -> str:
    """The numbers the Training page quotes, as this script prints them."""
    history, row, col = result["history"], result["row"], result["col"]
    transposed = transpose(row)
    exact = sum(int(np.array_equal(transposed[k], col[k])) for k in row)
    same_history = result["history"] == result["col_history"]
    count = sum(v.size for v in row.values())
    return (
        f"digits: {result['m_train']} training and {result['m_test']} test examples; "
        f"layers {LAYER_DIMS}, activations {ACTIVATIONS}, loss ce\n"
        f"{EPOCHS} epochs, learning rate {LEARNING_RATE}, batch size {BATCH_SIZE}, seed {SEED}\n"
        f"cost: epoch 1 {history[0]:.4f}, epoch 10 {history[9]:.4f}, epoch {EPOCHS} {history[-1]:.4f}\n"
        f"accuracy: training {result['train_accuracy']:.2%}, test {result['test_accuracy']:.2%} "
        f"(colmajor: test {result['col_test_accuracy']:.2%})\n"
        f"bitwise transposes: {exact} of {len(row)} parameter arrays ({count} numbers); "
        f"cost histories identical: {same_history}\n"
    )


def plot(result: dict[str, Any], path: Path) -> None:
    """Draw the cost per epoch of both runs (they coincide) to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = np.arange(1, EPOCHS + 1)
    fig, ax = plt.subplots(figsize=(7, 3.6), dpi=110)
    ax.plot(epochs, result["history"], lw=2.5, color="#3f51b5", label="rowmajor")
    ax.plot(epochs, result["col_history"], ls="none", marker="o", ms=4, color="#ff7043",
            label="colmajor (the same numbers)")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost J (cross-entropy, mean over the epoch)")
    ax.set_title(f"digits, layers {LAYER_DIMS}, relu + softmax: test accuracy "
                 f"{result['test_accuracy']:.1%}", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def main() -> None:
    result = train_both()
    text = report(result)
    print(text, end="")
    (HERE / "digits_cost_curve.out").write_text(text)
    plot(result, HERE.parent / "img" / "digits-cost.png")


if __name__ == "__main__":
    main()
