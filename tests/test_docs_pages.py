"""What the site's pages state about the code stays true: a highlighted line of an included
source section is the line the page names, and the worked example's numbers and pictures are
what nnconv and the scripts under docs/scripts compute now."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
HIGHLIGHTED = re.compile(
    r'title="(?P<file>nnconv/[\w/]+\.py) — (?P<section>\w+), the (?P<name>\w+) line" hl_lines="(?P<line>\d+)" \}\n'
    r'\s*--8<-- "(?P=file):(?P=section)"')


def section(path: Path, name: str) -> list[str]:
    """The lines between ``# --8<-- [start:name]`` and ``[end:name]``, other markers left out."""
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if f"[start:{name}]" in line)
    end = next(i for i, line in enumerate(lines) if f"[end:{name}]" in line)
    return textwrap.dedent("\n".join(x for x in lines[start + 1:end] if "--8<--" not in x)).splitlines()


def test_highlighted_lines_are_the_lines_the_titles_name() -> None:
    """A code block titled "…, the dW line" with hl_lines="1" highlights the line that computes dW."""
    found = 0
    for page in sorted(DOCS.glob("*.md")):
        for match in HIGHLIGHTED.finditer(page.read_text()):
            lines = section(ROOT / match["file"], match["section"])
            line = lines[int(match["line"]) - 1].strip()
            assert re.match(rf"{match['name']}\b.* = ", line), (
                f"{page.name}: line {match['line']} of {match['file']}:{match['section']} is {line!r}, "
                f"not the {match['name']} line")
            found += 1
    assert found >= 8, "the pages' highlighted lines"

