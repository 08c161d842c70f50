"""``nnconv translate FILE|- --to CONVENTION [--run CHECKS.py] [--check] [--shapes ...]``: the
command line of :func:`nnconv.port.translate`, :func:`nnconv.port.verify` and
:func:`nnconv.port.check`."""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
import tokenize
from pathlib import Path
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
                                        "then holds its transpose. Prints the translation. The kind of "
                                        "every name comes from running your checks (--run), from hints, "
                                        "or from rules that leave no doubt; nothing is guessed.")
    p.add_argument("file", help="a Python file, or - for standard input")
    p.add_argument("--to", required=True, help="rowmajor, colmajor or an alias such as deeplearning.ai")
    p.add_argument("--run", dest="checks", metavar="CHECKS.py",
                   help="a script that imports FILE (by its name without .py) and calls it on example "
                        "inputs: kinds are recorded from it, and every call it makes is verified on "
                        "the translation (a table on standard error)")
    p.add_argument("--check", action="store_true",
                   help="exit 1 unless every verdict is exact or close; without --run, run each function "
                        "on the inputs given by --shapes and --values only")
    p.add_argument("--shapes", default="", metavar="NAME=AxB,...",
                   help="shapes of the original's inputs for --check without --run (NAME=N for 1-D, "
                        "NAME=N:intK for integer labels below K)")
    p.add_argument("--values", default="", metavar="NAME=VALUE,...",
                   help="fixed inputs for --check, such as activation=relu,reg=0.1")
    p.add_argument("--scalars", default="", metavar="NAME,...", help="names that hold numbers")
    p.add_argument("--vectors", default="", metavar="NAME,...", help="names that hold 1-D arrays")
    p.add_argument("--matrices", default="", metavar="NAME,...", help="names that hold 2-D arrays")
    p.add_argument("--containers", default="", metavar="NAME,...",
                   help="names that hold lists, tuples or dicts (a name may be scoped: affine_forward.b)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random inputs for --check")
    p.set_defaults(run=run)


def read_source(path: str) -> str:
    """The text of a Python file in the encoding it declares (PEP 263), UTF-8 by default."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror}") from error
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read {path}: {error}") from None


def run(args: argparse.Namespace) -> int:
    """Print the translation; with ``--run``, the verdict per function on standard error;
    with ``--check``, return 1 if any verdict is neither exact nor close. Every failure is a
    ValueError with a message, never a traceback."""
    try:
        return translate_file(args)
    except ValueError:
        raise
    except RecursionError:
        raise ValueError("the code is nested too deeply to translate") from None
    except MemoryError:
        raise ValueError("out of memory: give smaller example inputs") from None
    except Exception as error:  # noqa: BLE001 - the command line reports, it does not crash
        raise ValueError(f"{type(error).__name__}: {error}") from None


def translate_file(args: argparse.Namespace) -> int:
    from . import check, translate, verify
    from .check import parse_shapes
    from .rewrite import REFUSED

    if args.checks is not None and args.file == "-":
        raise ValueError("--run needs a FILE: the checks import it by its name")
    source = sys.stdin.read() if args.file == "-" else read_source(args.file)
    hints = {"scalars": names(args.scalars), "vectors": names(args.vectors), "matrices": names(args.matrices),
             "containers": names(args.containers)}
    module = Path(args.file).stem
    examples = read_source(args.checks) if args.checks is not None else None
    translated = translate(source, to=args.to, examples=examples, module=module, scalars=hints["scalars"],
                           vectors=hints["vectors"], matrices=hints["matrices"], containers=hints["containers"])
    print(translated, end="")
    if examples is not None:
        verdicts = verify(source, translated, to=args.to, examples=examples, module=module)
        width = max((len(name) for name in verdicts), default=0)
        print(f"nnconv translate: each call {Path(args.checks).name} makes, made again on the translation",
              file=sys.stderr)
        for name, verdict in verdicts.items():
            print(f"  {name:<{width}}  {verdict}", file=sys.stderr)
        failed = any(v.status in ("wrong", "failed") for v in verdicts.values())
        return 1 if args.check and failed else 0
    for reason in re.findall(rf"raise NotImplementedError\(['\"]{re.escape(REFUSED)}: (.*)['\"]\)", translated):
        print(f"nnconv translate: not translated: {reason}", file=sys.stderr)
    if not args.check:
        return 0
    results = check(source, translated, to=args.to, shapes=parse_shapes(args.shapes),
                    values=parse_values(args.values), scalars=hints["scalars"], vectors=hints["vectors"],
                    seed=args.seed)
    print("\n# nnconv translate --check: each function and its translation on the inputs given")
    for result in results:
        print(f"# {result}")
    return 1 if any(r.status in ("wrong", "failed") or r.original_crashed for r in results) else 0
