"""A Griffe extension for the API reference: nnconv's docstrings use two pieces of
reStructuredText that Markdown does not know, and this turns them into Markdown.

- Sphinx roles such as ``:func:`matmul``` or ``:class:`~nnconv.types.LayerCache``` become
  optional cross-references: a link where the target is documented on the site, plain code
  where it is not (a leading ``~`` shows the last name only). A bare name is looked up in the
  enclosing object, module and package.
- Simple tables (columns under runs of ``=``) become pipe tables; a cell that is an equation or a
  shape (``Z[l] = A[l-1] W[l] + b[l]``, ``(n_{l-1}, n_l)``) becomes math.
- In the text, shapes such as ``(m, n_{l-1})``, symbols such as ``n_{l-1}`` and roots such as
  ``√(2/n_{l-1})`` become math (``\\( … \\)``, typeset by the site's KaTeX like the pages' own).
- Layer indices such as ``g[l](Z[l])`` outside code spans and math are escaped, so that Markdown
  does not read ``[l](Z[l])`` as a link.

Loaded by mkdocs.yml (``plugins.mkdocstrings...options.extensions``); used at build time only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import griffe

ROLE = re.compile(r":(?:mod|func|class|meth|attr|data|obj):`(~?)([\w.]+)`")
BORDER = re.compile(r"^ *=+( +=+)+ *$")
INDEX = re.compile(r"(?<=\w)\[([^\]\s`]*)\]")
CODE_SPAN = re.compile(r"(``.*?``|`[^`]*`|\\\(.*?\\\))")
"""Code spans and the math made here: the parts of a docstring left as they are."""

SIZE = r"(?:\d+|[a-zA-Z](?:_(?:\{[^{}\s]*\}|\w))?)"
SHAPE = re.compile(rf"\({SIZE}(?:, {SIZE})+\)")
SYMBOL = re.compile(r"(?<![\w\\])[a-zA-Z]_(?:\{[^{}\s]*\}|[a-zA-Z0-9])(?![\w{])")
ROOT = re.compile(r"√\(([^()]*)\)")
EQUATION = re.compile(r"=|\w\[[^\]]*\]|^\(.*\)$")
"""A table cell that is math: an equation, a symbol with a layer index, a shape."""
TEX = [  # pseudo-math as the docstrings write it, and as TeX
    (re.compile(r"(\w)\[([^\]]*)\]ᵀ"), r"\1^{[\2]\\top}"),
    (re.compile(r"(\w)\[([^\]]*)\]'"), r"\1^{[\2]\\prime}"),
    (re.compile(r"(\w)\[([^\]]*)\]"), r"\1^{[\2]}"),
    (re.compile(r"(\w)ᵀ"), r"\1^\\top"),
    (re.compile(r"\((\d+)/(\w+)\)"), r"\\tfrac{\1}{\2}"),
    (re.compile(r"Σ_(\w+)"), r"\\sum_{\\text{\1}}"),
    (re.compile(r"∘"), r"\\circ"),
    (re.compile(r"−"), "-"),
]


def to_tex(text: str) -> str:
    """``dZ[l] = dA[l] ∘ g[l]'(Z[l])`` -> ``dZ^{[l]} = dA^{[l]} \\circ g^{[l]\\prime}(Z^{[l]})``."""
    for pattern, tex in TEX:
        text = pattern.sub(tex, text)
    return text


def math_in_text(text: str) -> str:
    """Shapes, subscripted symbols and square roots outside code spans become inline math."""
    def part(text: str) -> str:
        text = SHAPE.sub(lambda m: rf"\({m[0]}\)", text)
        text = ROOT.sub(lambda m: rf"\(\sqrt{{{m[1]}}}\)", text)
        pieces = CODE_SPAN.split(text)  # the math just made stays as it is
        return "".join(p if i % 2 else SYMBOL.sub(lambda m: rf"\({m[0]}\)", p) for i, p in enumerate(pieces))

    parts = CODE_SPAN.split(text)
    return "".join(p if i % 2 else part(p) for i, p in enumerate(parts))


def escape_indices(text: str) -> str:
    """``g[l](Z[l])`` -> ``g\\[l\\](Z\\[l\\])`` outside code spans and math."""
    parts = CODE_SPAN.split(text)
    return "".join(p if i % 2 else INDEX.sub(r"\\[\1\\]", p) for i, p in enumerate(parts))


def qualify(obj: griffe.Object, name: str) -> str:
    """The full path of ``name`` as seen from ``obj``: itself if dotted or not found."""
    scope: griffe.Object | None = obj
    while scope is not None and "." not in name:
        if name in scope.members:
            return f"{scope.path}.{name}"
        scope = scope.parent
    return name


def roles_to_links(obj: griffe.Object, text: str) -> str:
    """``:func:`~a.b.c``` -> an optional cross-reference to ``a.b.c`` shown as ``c``."""

    def link(match: re.Match[str]) -> str:
        short, target = match.group(1), match.group(2)
        shown = target.rsplit(".", 1)[-1] if short else target
        return f'<autoref identifier="{qualify(obj, target)}" optional><code>{shown}</code></autoref>'

    return ROLE.sub(link, text)


def cells(line: str, starts: list[int]) -> list[str]:
    """The text of ``line`` in each column that begins at one of ``starts``."""
    ends = starts[1:] + [max(len(line), starts[-1] + 1)]
    return [line[a:b].strip() for a, b in zip(starts, ends, strict=True)]


def simple_tables_to_pipe_tables(text: str) -> str:
    """Rewrite every reStructuredText simple table in ``text`` as a Markdown pipe table."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        if BORDER.match(lines[i]) and i + 2 < len(lines) and BORDER.match(lines[i + 2]):
            starts = [m.start() for m in re.finditer(r"=+", lines[i])]
            header = cells(lines[i + 1], starts)
            rows, j = [], i + 3
            while j < len(lines) and not BORDER.match(lines[j]):
                rows.append([rf"\({to_tex(c)}\)" if EQUATION.search(c) else c for c in cells(lines[j], starts)])
                j += 1
            table = [header, ["---"] * len(starts), *rows]
            out += ["", *("| " + " | ".join(r) + " |" for r in table), ""]
            i = j + 1
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def objects(obj: griffe.Object) -> Iterator[griffe.Object]:
    """``obj`` and everything defined in it (not what it imports)."""
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from objects(member)  # type: ignore[arg-type]


class SphinxToMarkdown(griffe.Extension):
    """Rewrite the roles and simple tables of every docstring once the package is loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:  # noqa: D102
        for obj in objects(pkg):
            if obj.docstring is not None:
                value = escape_indices(math_in_text(simple_tables_to_pipe_tables(obj.docstring.value)))
                obj.docstring.value = roles_to_links(obj, value)
