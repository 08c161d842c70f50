"""The page "The conventions beyond transposition" shows each mapping working: every Python
block on it runs as shown, in a fresh namespace, and its asserts hold."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[1] / "docs" / "conventions-beyond.md"
FENCE = re.compile(r"^( *)```python\n(.*?)^\1```$", re.DOTALL | re.MULTILINE)
HEADING = re.compile(r"^## (.+)$", re.MULTILINE)
TAB = re.compile(r'^=== "(\w+)"$', re.MULTILINE)


def blocks() -> dict[str, str]:
    """The page's Python blocks, dedented, by section and convention tab."""
    text = PAGE.read_text(encoding="utf-8")
    found = {}
    for match in FENCE.finditer(text):
        before = text[:match.start()]
        section = HEADING.findall(before)[-1].split(":")[0]
        tab = TAB.findall(before)[-1]
        found[f"{section} ({tab})"] = textwrap.dedent(match.group(2))
    return found


BLOCKS = blocks()


def test_every_mapping_is_shown_in_both_conventions() -> None:
    sections = {name.rsplit(" (", 1)[0] for name in BLOCKS}
    assert len(sections) == 5
    assert all(f"{section} ({tab})" in BLOCKS for section in sections for tab in ("rowmajor", "colmajor"))


@pytest.mark.parametrize("name", list(BLOCKS))
def test_block_runs_and_its_asserts_hold(name: str) -> None:
    exec(compile(BLOCKS[name], f"{PAGE.name}: {name}", "exec"), {"__name__": "__main__"})
