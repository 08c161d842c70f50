"""The ``nnconv`` command line: ``demo``, ``train``, ``shapes`` and ``translate``."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence

import numpy as np

from . import datasets
from .aliases import convention
from .io import check_target, save
from .layout import same, transpose
from .types import Params


def bitwise_transposes(row: Params, col: Params) -> bool:
    """True when every array of ``col`` is the exact transpose of the one of ``row``."""
    return row.keys() == col.keys() and all(np.array_equal(row[k].T, col[k]) for k in row)


def accuracy(labels: np.ndarray, Y: np.ndarray, loss: str) -> float:
    """The fraction of rowmajor examples whose predicted label matches Y."""
    truth = np.argmax(Y, axis=1) if loss == "ce" else Y
    return float(np.mean(labels.reshape(truth.shape) == truth))


def train_both(args: argparse.Namespace, conventions: Sequence[str]) -> int:
    """Train on a shipped data set in each of ``conventions`` and report."""
    X, Y, loss = datasets.load(args.data)
    X_train, Y_train, X_test, Y_test = datasets.train_test_split(X, Y, seed=args.seed)
    layer_dims = [X.shape[1], *args.hidden, Y.shape[1]]
    hidden = args.activations * len(args.hidden) if len(args.activations) == 1 else args.activations
    if len(hidden) != len(args.hidden):
        raise ValueError(f"--activations takes one name for all {len(args.hidden)} hidden layers or one "
                         f"per hidden layer; got {len(args.activations)}")
    activations = [*hidden, "softmax" if loss == "ce" else "sigmoid"]
    if args.save:  # before training, which a bad path would otherwise throw away
        try:
            check_target(args.save, "--save")
        except OSError as error:
            raise ValueError(str(error)) from None
    print(f"data {args.data}: {len(X_train)} training and {len(X_test)} test examples; "
          f"layers {layer_dims}, activations {activations}, loss {loss}")
    trained: dict[str, Params] = {}
    for name in conventions:
        conv = convention(name)
        to = transpose if conv.NAME == "colmajor" else same
        params = conv.init_params(layer_dims, seed=args.seed)
        params, history = conv.fit(to(X_train), to(Y_train), params, activations, loss=loss,
                                   learning_rate=args.learning_rate, epochs=args.epochs,
                                   batch_size=args.batch_size, seed=args.seed, progress=True)
        labels = conv.predict(to(X_test), params, activations)
        print(f"{conv.NAME}: cost {history[0]:.4f} -> {history[-1]:.4f}, "
              f"test accuracy {accuracy(to(labels), Y_test, loss):.2%}")
        trained[conv.NAME] = params
        if args.save:
            save(args.save, params, conv)
            print(f"saved the {conv.NAME} parameters to {args.save}")
    if len(trained) == 2:
        exact = bitwise_transposes(trained["rowmajor"], trained["colmajor"])
        count = sum(v.size for v in trained["rowmajor"].values())
        verdict = "is" if exact else "is NOT"
        print(f"every one of the {count} parameters of the colmajor run {verdict} the bitwise "
              "transpose of the rowmajor run's")
        return 0 if exact else 1
    return 0


def demo(args: argparse.Namespace) -> int:
    """Train the same network on the digits in both conventions and compare them bit for bit."""
    return train_both(args, ["rowmajor", "colmajor"])


def train(args: argparse.Namespace) -> int:
    """Train a network on a shipped data set in one convention (or both)."""
    return train_both(args, ["rowmajor", "colmajor"] if args.convention == "both" else [args.convention])


def shapes(args: argparse.Namespace) -> int:
    """Print the shape of every quantity in both conventions, side by side."""
    dims, m = args.layer_dims, args.m
    if len(dims) < 2:
        raise ValueError(f"give the sizes n_0 n_1 ... n_L of the input and of every layer, at least two; "
                         f"got {' '.join(map(str, dims))}")
    L = len(dims) - 1
    rows = [("X = A[0]", (m, dims[0]), "examples"), ("Y", (m, dims[-1]), "labels")]
    for l in range(1, L + 1):
        n_prev, n = dims[l - 1], dims[l]
        rows += [(f"W[{l}]", (n_prev, n), "weights"), (f"b[{l}]", (1, n), "bias"),
                 (f"Z[{l}], A[{l}]", (m, n), "forward"), (f"dZ[{l}], dA[{l}]", (m, n), "backward"),
                 (f"dW[{l}]", (n_prev, n), "as W"), (f"db[{l}]", (1, n), "as b"),
                 (f"dA[{l - 1}]", (m, n_prev), "to layer below")]
    width = max(len(r[0]) for r in rows)
    print(f"layer_dims {dims}, m = {m}")
    print(f"{'quantity':{width}s}  {'rowmajor':>14s}  {'colmajor':>14s}")
    for label, (r, c), _ in rows:
        print(f"{label:{width}s}  {str((r, c)):>14s}  {str((c, r)):>14s}")
    return 0


def positive_int(text: str) -> int:
    """An argument that must be an integer of at least 1."""
    value = integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer; got {text}")
    return value


def non_negative_int(text: str) -> int:
    """An argument that must be an integer of at least 0."""
    value = integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer; got {text}")
    return value


def integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer; got {text!r}") from None


def positive_number(text: str) -> float:
    """An argument that must be a finite number above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number; got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number above 0; got {text}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``nnconv`` console script."""
    parser = argparse.ArgumentParser(prog="nnconv", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def training_options(p: argparse.ArgumentParser, epochs: int) -> None:
        p.add_argument("--data", choices=datasets.DATASETS, default="digits")
        p.add_argument("--hidden", type=positive_int, nargs="*", default=[32], metavar="N",
                       help="hidden layer sizes (default: 32)")
        p.add_argument("--activations", nargs="+", default=["relu"], metavar="NAME",
                       help="the hidden layers' activations: one for all, or one per layer (default: relu);"
                            " the output layer's follows from the data set (softmax or sigmoid)")
        p.add_argument("--epochs", type=positive_int, default=epochs)
        p.add_argument("--learning-rate", type=positive_number, default=0.5)
        p.add_argument("--batch-size", type=positive_int, default=32)
        p.add_argument("--seed", type=non_negative_int, default=0)
        p.add_argument("--save", metavar="FILE.npz", help="save the trained parameters")

    p = commands.add_parser("demo", help="train on the bundled digits in both conventions")
    training_options(p, epochs=20)
    p.set_defaults(run=demo, save=None)
    p = commands.add_parser("train", help="train a network on a bundled data set")
    training_options(p, epochs=20)
    p.add_argument("--convention", default="both",
                   help="rowmajor, colmajor, an alias such as deeplearning.ai, or both (default)")
    p.set_defaults(run=train)
    p = commands.add_parser("shapes", help="the shape of every quantity in both conventions")
    p.add_argument("layer_dims", type=positive_int, nargs="+", help="n_0 n_1 ... n_L")
    p.add_argument("--m", type=positive_int, default=128, help="examples per batch (default: 128)")
    p.set_defaults(run=shapes)
    from .port.command import add_parser as add_translate_parser

    add_translate_parser(commands)

    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except ValueError as error:  # a bad argument or input: the message says which
        print(f"nnconv {args.command}: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a file that cannot be read or written
        print(f"nnconv {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"nnconv {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a defect in nnconv: still a message, not a traceback
        print(f"nnconv {args.command}: unexpected {type(error).__name__}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
