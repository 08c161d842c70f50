"""The README's two ten-line examples run, print the same numbers and give exact transposes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import nnconv

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_examples_agree_bit_for_bit(capsys) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert len(blocks) == 2
    results = []
    for block in blocks:
        namespace: dict[str, object] = {}
        exec(block, namespace)
        results.append(namespace)
    row, col = results
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == printed[1]
    assert float(printed[0].split()[1]) > 0.9  # the network learns the XOR of the signs
    assert row["params"].keys() == col["params"].keys()
    for key, value in nnconv.transpose(row["params"]).items():
        assert np.array_equal(value, col["params"][key])
