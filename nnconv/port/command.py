"""``nnconv translate FILE|- --to CONVENTION [--check] [--shapes ...]``: the command line of
:func:`nnconv.port.translate` and :func:`nnconv.port.check`."""

from __future__ import annotations

import argparse
import ast
import sys
from typing import Any


def names(text: str) -> list[str]:
    """``"a,b=[1,2]"`` as ``["a", "b=[1,2]"]``: split at the commas outside brackets."""
    items, depth, current = [], 0, ""
    for char in text:
        depth += (char in "([{") - (char in ")]}")
        if char == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    return [n.strip() for n in items if n.strip()]


def parse_values(text: str) -> dict[str, Any]:
    """``"reg=0.1,activation=relu"`` as ``{"reg": 0.1, "activation": "relu"}``: Python
    literals, and bare words as strings."""
    values: dict[str, Any] = {}
    for item in names(text):
        name, _, value = item.partition("=")
        try:
            values[name.strip()] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            values[name.strip()] = value.strip()
    return values


def add_parser(commands: Any) -> None:
    """Add the ``translate`` subcommand to the ``nnconv`` parser's subcommands."""
    p = commands.add_parser("translate", help="port NumPy code to the other convention",
                            description="Rewrite NumPy code for the other convention: every 2-D array "
                                        "then holds its transpose. Prints the translation.")
    p.add_argument("file", help="a Python file, or - for standard input")
    p.add_argument("--to", required=True, help="rowmajor, colmajor or an alias such as deeplearning.ai")
    p.add_argument("--check", action="store_true",
                   help="run each function and its translation on random inputs and compare")
    p.add_argument("--shapes", default="", metavar="NAME=AxB,...",
                   help="shapes of the original's inputs for --check (NAME=N for 1-D, NAME=N:intK for "
                        "integer labels below K); others are inferred")
    p.add_argument("--values", default="", metavar="NAME=VALUE,...",
                   help="fixed inputs for --check, such as activation=relu,reg=0.1")
    p.add_argument("--scalars", default="", metavar="NAME,...", help="names that hold numbers")
    p.add_argument("--vectors", default="", metavar="NAME,...", help="names that hold 1-D arrays")
    p.add_argument("--seed", type=int, default=0, help="seed of the random inputs for --check")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the translation; with ``--check``, then print one verdict per function (as
    comments) and return 1 if any differs."""
    from . import check, translate
    from .check import parse_shapes

    if args.file == "-":
        source = sys.stdin.read()
    else:
        try:
            with open(args.file, encoding="utf-8") as f:
                source = f.read()
        except OSError as error:
            raise ValueError(f"cannot read {args.file}: {error.strerror}") from error
    scalars, vectors = names(args.scalars), names(args.vectors)
    translated = translate(source, to=args.to, scalars=scalars, vectors=vectors)
    print(translated, end="")
    if not args.check:
        return 0
    results = check(source, translated, to=args.to, shapes=parse_shapes(args.shapes),
                    values=parse_values(args.values), scalars=scalars, vectors=vectors, seed=args.seed)
    print("\n# nnconv translate --check: each function and its translation on random inputs")
    for result in results:
        print(f"# {result}")
    return 1 if any(r.status in ("differ", "error") for r in results) else 0
