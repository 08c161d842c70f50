"""The porting guide's code: every rowmajor | colmajor pair of translation examples is the
translator's output, and the worked training loop runs the same in both conventions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nnconv import datasets, transpose
from nnconv.port import translate, verify
from nnconv.port.check import compare, execute

PAGE = Path(__file__).resolve().parent.parent / "docs" / "porting.md"
PAIR = re.compile(r'=== "rowmajor"\n\n    ```python\n(.*?)    ```\n\n=== "colmajor"\n\n    ```python\n(.*?)    ```',
                  re.DOTALL)


def pairs() -> list[tuple[str, str]]:
    """The (rowmajor, colmajor) code of each pair of tabs, dedented."""
    def dedent(code: str) -> str:
        return "".join(line[4:] if line.strip() else line.lstrip(" ") for line in code.splitlines(keepends=True))
    return [(dedent(row), dedent(col)) for row, col in PAIR.findall(PAGE.read_text(encoding="utf-8"))]


def translation_pairs() -> list[tuple[str, str]]:
    return [(row, col) for row, col in pairs() if "nnconv" not in row]


def test_the_page_has_its_examples() -> None:
    assert len(translation_pairs()) >= 6
    assert any("def train(" in row for row, _ in translation_pairs())


TRAIN_CHECKS = """import numpy as np
from loop import train

rng = np.random.default_rng(0)
X, Y = rng.random((12, 4)), np.eye(3)[rng.integers(0, 3, size=12)]
train({X}, {Y}, [4, 5, 3], 0.5, 2, 5)
"""


def kinds(row: str, to: str) -> dict[str, Any]:
    """What the page's snippets say in their text: which names hold what. The training loop
    is translated with a check script that runs it."""
    if "def train(" in row:
        names = {"X": "X.T", "Y": "Y.T"} if to == "rowmajor" else {"X": "X", "Y": "Y"}
        return {"examples": "import numpy as np\n" + TRAIN_CHECKS.format(**names), "module": "loop"}
    matrices = ["Z", "Y", "A", "A_prev", "W", "dZ", "x", "w", "dout", "X"]
    return {"matrices": matrices + ([] if "dout" in row else ["b"]), "vectors": ["b"] if "dout" in row else [],
            "scalars": ["keep_prob", "m", "start", "batch_size"]}


def blocks() -> list[str]:
    """The page's Python blocks outside the tabs."""
    return re.findall(r"^```python\n(.*?)^```", PAGE.read_text(encoding="utf-8"), re.DOTALL | re.MULTILINE)


def walk_through_checks() -> str:
    [checks] = [b for b in blocks() if b.startswith("# checks.py")]
    return checks


@pytest.mark.parametrize("row, col", translation_pairs())
def test_each_example_is_the_translators_output(row: str, col: str) -> None:
    if "def affine_forward" in row:  # the walk-through: a whole file, ported with its checks
        examples = walk_through_checks()
        assert translate(row, to="colmajor", examples=examples, module="layers") == col
        verdicts = verify(row, col, to="colmajor", examples=examples, module="layers")
        assert all(v.status in ("exact", "close") for v in verdicts.values()), verdicts
        hints = {"vectors": ["b", "y"], "matrices": ["x", "w", "dout", "da", "h"], "containers": ["cache"],
                 "scalars": ["hidden_dim", "num_classes"]}
        assert translate(row, to="colmajor", **hints) == col  # the hints the page gives
        return
    assert translate(row, to="colmajor", **kinds(row, "colmajor")) == col
    back = translate(col, to="rowmajor", **kinds(row, "rowmajor"))
    def unmarked(code: str) -> str:
        return "".join(line for line in code.splitlines(keepends=True) if "# nnconv:" not in line)
    assert unmarked(translate(back, to="colmajor", **kinds(row, "colmajor"))) == unmarked(col)


def test_the_walk_throughs_python_block_runs() -> None:
    [block] = [b for b in blocks() if "verify(" in b]
    exec(compile(block, "<porting.md>", "exec"), {})  # noqa: S102 - the page's own example


def test_the_worked_training_loop_runs_the_same_in_both_conventions() -> None:
    [(row, col)] = [(r, c) for r, c in translation_pairs() if "def train(" in r]
    X, Y, _ = datasets.load("digits")
    X, Y = X[:160], Y[:160]
    dims = [X.shape[1], 16, Y.shape[1]]
    row_params, row_costs = execute("import numpy as np\n" + row, "<rowmajor>")["train"](X, Y, dims, 0.5, 4)
    col_params, col_costs = execute("import numpy as np\n" + col, "<colmajor>")["train"](X.T, Y.T, dims, 0.5, 4)
    assert compare(transpose(row_params), col_params)[0] in ("exact", "close")
    np.testing.assert_allclose(row_costs, col_costs, rtol=1e-10)
    assert row_costs[-1] < row_costs[0]
