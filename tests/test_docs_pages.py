"""What the site's pages state about the code stays true: a highlighted line of an included
source section is the line the page names, and the worked example's numbers and pictures are
what nnconv and the scripts under docs/scripts compute now."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
HIGHLIGHTED = re.compile(
    r'^(?P<indent> *)``` \{ \.python title="[^"]* — (?P<section>\w+), the (?P<names>\w+(?: and \w+)*) lines?" '
    r'hl_lines="(?P<lines>\d+(?: \d+)*)" \}\n(?P<body>.*?)^(?P=indent)```', re.M | re.S)
INCLUDE = re.compile(r'^--8<-- "(?P<file>[^":]+):(?P<section>\w+)"$')


def section(path: Path, name: str) -> list[str]:
    """The lines between ``# --8<-- [start:name]`` and ``[end:name]``, other markers left out,
    dedented, as pymdownx.snippets includes them."""
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if f"[start:{name}]" in line)
    end = next(i for i, line in enumerate(lines) if f"[end:{name}]" in line)
    return textwrap.dedent("\n".join(x for x in lines[start + 1:end] if "--8<--" not in x)).splitlines()


def shown(body: str) -> list[str]:
    """The lines of a code block as the site shows them: each ``--8<--`` include expanded."""
    lines: list[str] = []
    for line in textwrap.dedent(body).splitlines():
        include = INCLUDE.match(line.strip())
        lines += section(ROOT / include["file"], include["section"]) if include else [line]
    return lines


def test_highlighted_lines_are_the_lines_the_titles_name() -> None:
    """A code block titled "…, the dW line" with hl_lines="1" highlights the line that computes dW
    ("the dW and db lines" with hl_lines="1 2": each in turn), counted in the block as shown."""
    found = 0
    for page in sorted(DOCS.glob("*.md")):
        for match in HIGHLIGHTED.finditer(page.read_text()):
            lines = shown(match["body"])
            for number, name in zip(match["lines"].split(), match["names"].split(" and "), strict=True):
                line = lines[int(number) - 1].strip()
                assert re.match(rf"{name}\b.* = ", line), (
                    f"{page.name}: line {number} of the {match['section']} block is {line!r}, not the {name} line")
                found += 1
    assert found >= 10, "the pages' highlighted lines"


def test_printed_output_is_what_the_block_above_prints() -> None:
    """An ``Output`` block on a page is what the Python block just above it prints now."""
    found = 0
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text()
        for match in re.finditer(r'^``` \{ \.text title="Output[^"]*" \}\n(.*?)^```', text, re.S | re.M):
            blocks = list(re.finditer(r"^( *)```python\n(.*?)^\1```", text[:match.start()], re.S | re.M))
            code = textwrap.dedent(blocks[-1][2])
            result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                    cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
            assert result.returncode == 0, result.stderr
            assert result.stdout == match[1], f"{page.name}: the output shown is not what the code prints"
            found += 1
    assert found >= 1


def test_worked_example_numbers_and_pictures_are_what_nnconv_computes_now() -> None:
    """docs/scripts/worked_example.py recomputes every array of the Worked example page in both
    conventions (checking they are bitwise transposes and what forward and backward give) and
    writes the Markdown the page includes and the two pictures: the committed files are its output."""
    sys.path.insert(0, str(DOCS / "scripts"))
    try:
        import worked_example as script
    finally:
        sys.path.pop(0)
    files = script.outputs()
    assert set(files) == {script.MARKDOWN, *script.PICTURES.values()}
    for path, text in files.items():
        assert path.read_text() == text, f"{path.relative_to(ROOT)} is stale: run python {script.__file__}"
    assert '--8<-- "docs/scripts/worked_example.md"' in (DOCS / "worked-example.md").read_text()
    assert files[script.MARKDOWN].count("begin{pmatrix}") == 2 * (10 + 9 + 4)
