"""The worked example of docs/worked-example.md: a 2-4-1 network (tanh, then sigmoid with the
binary cross-entropy) on three examples, every array of one forward pass, one backward pass
and one update, computed by nnconv in both conventions.

Run from the repository root: ``python docs/scripts/worked_example.py``. It writes the numbers
as Markdown to docs/scripts/worked_example.md (the page includes that file) and the pictures
of the shapes of the first linear step to docs/img/shapes-rowmajor.svg and
docs/img/shapes-colmajor.svg. tests/test_docs_pages.py checks that the committed files are
still what this script writes, so the page cannot drift from what nnconv computes.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
MARKDOWN = HERE / "worked_example.md"
PICTURES = {name: HERE.parent / "img" / f"shapes-{name}.svg" for name in ("rowmajor", "colmajor")}


def rowmajor_example() -> dict[str, Any]:
    """Every array of the example in the rowmajor convention, by name."""
    # --8<-- [start:rowmajor]
    import numpy as np

    from nnconv import rowmajor as nn

    X = np.array([[1.0, 2.0],
                  [0.5, -1.0],
                  [-1.5, 0.5]])                        # A[0]: 3 examples (rows)
    Y = np.array([[1.0], [0.0], [1.0]])                # (3, 1)
    params = {"W1": np.array([[0.5, -0.3, 0.8, 0.1],
                              [-0.2, 0.4, 0.6, -0.7]]),  # (2, 4)
              "b1": np.array([[0.1, -0.1, 0.0, 0.2]]),  # (1, 4)
              "W2": np.array([[0.7], [-0.5], [0.3], [0.9]]),  # (4, 1)
              "b2": np.array([[-0.1]])}                # (1, 1)
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]

    Z1 = nn.linear_forward(X, W1, b1)                  # forward
    A1 = nn.activation_forward(Z1, "tanh")
    Z2 = nn.linear_forward(A1, W2, b2)
    A2 = nn.activation_forward(Z2, "sigmoid")
    J = nn.cost(A2, Y, "bce")

    dA2 = nn.loss_backward(A2, Y, "bce")               # backward
    dZ2 = A2 - Y                                       # sigmoid + bce, as nn.backward
    dA1, dW2, db2 = nn.linear_backward(dZ2, A1, W2)
    dZ1 = nn.activation_backward(dA1, Z1, "tanh")
    dA0, dW1, db1 = nn.linear_backward(dZ1, X, W1)

    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    new = nn.update(params, grads, learning_rate=0.5)  # update
    print(f"J = {J:.6f}")
    print(dW1)
    # --8<-- [end:rowmajor]
    return locals()


def colmajor_example() -> dict[str, Any]:
    """Every array of the example in the colmajor convention, by name."""
    # --8<-- [start:colmajor]
    import numpy as np

    from nnconv import colmajor as nn

    X = np.array([[1.0, 0.5, -1.5],
                  [2.0, -1.0, 0.5]])                   # A[0]: 3 examples (columns)
    Y = np.array([[1.0, 0.0, 1.0]])                    # (1, 3)
    params = {"W1": np.array([[0.5, -0.2], [-0.3, 0.4],
                              [0.8, 0.6], [0.1, -0.7]]),  # (4, 2)
              "b1": np.array([[0.1], [-0.1], [0.0], [0.2]]),  # (4, 1)
              "W2": np.array([[0.7, -0.5, 0.3, 0.9]]),  # (1, 4)
              "b2": np.array([[-0.1]])}                # (1, 1)
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]

    Z1 = nn.linear_forward(X, W1, b1)                  # forward
    A1 = nn.activation_forward(Z1, "tanh")
    Z2 = nn.linear_forward(A1, W2, b2)
    A2 = nn.activation_forward(Z2, "sigmoid")
    J = nn.cost(A2, Y, "bce")

    dA2 = nn.loss_backward(A2, Y, "bce")               # backward
    dZ2 = A2 - Y                                       # sigmoid + bce, as nn.backward
    dA1, dW2, db2 = nn.linear_backward(dZ2, A1, W2)
    dZ1 = nn.activation_backward(dA1, Z1, "tanh")
    dA0, dW1, db1 = nn.linear_backward(dZ1, X, W1)

    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    new = nn.update(params, grads, learning_rate=0.5)  # update
    print(f"J = {J:.6f}")
    print(dW1)
    # --8<-- [end:colmajor]
    return locals()


ARRAYS = ["X", "Y", "W1", "b1", "W2", "b2", "Z1", "A1", "Z2", "A2",
          "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1", "dA0"]
"""The arrays of one pass, each the transpose of the other convention's."""


def check(row: dict[str, Any], col: dict[str, Any]) -> None:
    """The two conventions hold bitwise transposes, and the step-by-step layer functions
    compute what ``forward``, ``backward`` and ``update`` compute."""
    from nnconv import colmajor, rowmajor

    for name in ARRAYS:
        assert np.array_equal(row[name].T, col[name]), name
    assert row["J"] == col["J"]
    for key in row["new"]:
        assert np.array_equal(row["new"][key].T, col["new"][key]), key
    for nn, values in ((rowmajor, row), (colmajor, col)):
        AL, caches = nn.forward(values["X"], values["params"], ["tanh", "sigmoid"])
        grads = nn.backward(AL, values["Y"], caches, ["tanh", "sigmoid"], "bce")
        assert np.array_equal(AL, values["A2"])
        for key in ("dW1", "db1", "dW2", "db2", "dA0", "dA1"):
            assert np.array_equal(grads[key], values[key]), key


def number(x: float) -> str:
    """x as given when it has at most two decimals (0.5, −1.1, 2), else rounded to four (0.1974)."""
    short = round(float(x), 2)
    text = np.format_float_positional(short, trim="-") if abs(x - short) < 1e-12 else f"{x:.4f}"
    return "0" if text in ("-0", "-0.0000") else text


def matrix(a: Any) -> str:
    """A 2-D array as a TeX pmatrix."""
    return r"\begin{pmatrix} " + r" \\ ".join(" & ".join(number(x) for x in row) for row in a) + r" \end{pmatrix}"


def shape(a: Any) -> str:
    return rf"{a.shape[0]} \times {a.shape[1]}"


STEPS: dict[str, list[tuple[str, str, str, str]]] = {
    "The forward pass": [
        ("X", "A^{[0]} = X", "", ""),
        ("Y", "Y", "", ""),
        ("W1", "W^{[1]}", "", ""),
        ("b1", "b^{[1]}", "", ""),
        ("W2", "W^{[2]}", "", ""),
        ("b2", "b^{[2]}", "", ""),
        ("Z1", "Z^{[1]}", r"A^{[0]} W^{[1]} + b^{[1]}", r"W^{[1]} A^{[0]} + b^{[1]}"),
        ("A1", "A^{[1]}", r"\tanh\big(Z^{[1]}\big)", r"\tanh\big(Z^{[1]}\big)"),
        ("Z2", "Z^{[2]}", r"A^{[1]} W^{[2]} + b^{[2]}", r"W^{[2]} A^{[1]} + b^{[2]}"),
        ("A2", r"\hat Y = A^{[2]}", r"\sigma\big(Z^{[2]}\big)", r"\sigma\big(Z^{[2]}\big)"),
    ],
    "The backward pass": [
        ("dA2", "dA^{[2]}", r"-\Big(\frac{Y}{A^{[2]}} - \frac{1 - Y}{1 - A^{[2]}}\Big)",
         r"-\Big(\frac{Y}{A^{[2]}} - \frac{1 - Y}{1 - A^{[2]}}\Big)"),
        ("dZ2", "dZ^{[2]}", "A^{[2]} - Y", "A^{[2]} - Y"),
        ("dW2", "dW^{[2]}", r"\tfrac{1}{m}\, A^{[1]\top} dZ^{[2]}", r"\tfrac{1}{m}\, dZ^{[2]} A^{[1]\top}"),
        ("db2", "db^{[2]}", r"\tfrac{1}{m} \textstyle\sum_{\text{rows}} dZ^{[2]}",
         r"\tfrac{1}{m} \textstyle\sum_{\text{columns}} dZ^{[2]}"),
        ("dA1", "dA^{[1]}", r"dZ^{[2]}\, W^{[2]\top}", r"W^{[2]\top} dZ^{[2]}"),
        ("dZ1", "dZ^{[1]}", r"dA^{[1]} \circ \big(1 - A^{[1]} \circ A^{[1]}\big)",
         r"dA^{[1]} \circ \big(1 - A^{[1]} \circ A^{[1]}\big)"),
        ("dW1", "dW^{[1]}", r"\tfrac{1}{m}\, A^{[0]\top} dZ^{[1]}", r"\tfrac{1}{m}\, dZ^{[1]} A^{[0]\top}"),
        ("db1", "db^{[1]}", r"\tfrac{1}{m} \textstyle\sum_{\text{rows}} dZ^{[1]}",
         r"\tfrac{1}{m} \textstyle\sum_{\text{columns}} dZ^{[1]}"),
        ("dA0", "dA^{[0]}", r"dZ^{[1]}\, W^{[1]\top}", r"W^{[1]\top} dZ^{[1]}"),
    ],
    "The update": [
        ("W1", "W^{[1]}", r"W^{[1]} - \alpha\, dW^{[1]}", ""),
        ("b1", "b^{[1]}", r"b^{[1]} - \alpha\, db^{[1]}", ""),
        ("W2", "W^{[2]}", r"W^{[2]} - \alpha\, dW^{[2]}", ""),
        ("b2", "b^{[2]}", r"b^{[2]} - \alpha\, db^{[2]}", ""),
    ],
}
"""Per section: (name, the left-hand side, rowmajor's and colmajor's equation). An empty
colmajor equation is rowmajor's; an empty equation means the array is given."""

def products(left: Any, right: Any) -> list[str]:
    """``l_k · r_k`` for each k in TeX, negative factors in parentheses (but the first)."""
    def factor(x: float, first: bool) -> str:
        return f"({number(x)})" if x < 0 and not first else number(x)

    return [rf"{factor(p, k == 0)} \cdot {factor(q, False)}"
            for k, (p, q) in enumerate(zip(left, right, strict=True))]


def by_hand(values: dict[str, Any], name: str) -> str:
    """Two entries of products written out, so that a reader can check them with a pencil:
    each is a row of the left factor times a column of the right one."""
    X, W1, b1, A1, dZ2 = (values[k] for k in ("X", "W1", "b1", "A1", "dZ2"))
    if name == "rowmajor":  # Z = X W + b: row 1 of X, column 1 of W; dW = Aᵀ dZ / m
        z, dw = products(X[0], W1[:, 0]), products(A1[:, 0], dZ2[:, 0])
    else:                   # Z = W X + b: row 1 of W, column 1 of X; dW = dZ Aᵀ / m
        z, dw = products(W1[0], X[:, 0]), products(dZ2[0], A1[0])
    lines = [rf"Z^{{[1]}}_{{11}} &= {' + '.join(z)} + {number(b1[0, 0])} = {number(values['Z1'][0, 0])}",
             rf"dW^{{[2]}}_{{11}} &= \tfrac{{1}}{{3}} \big({dw[0]}",
             *(rf"&\qquad + {term}" for term in dw[1:])]
    lines[-1] += rf"\big) = {number(values['dW2'][0, 0])}"
    body = " \\\\\n    ".join(lines)
    return ("    Two entries with a pencil, each a row of the left factor times a column of the right one:\n\n"
            f"    $$\n    \\begin{{aligned}}\n    {body}\n    \\end{{aligned}}\n    $$\n")


def markdown(row: dict[str, Any], col: dict[str, Any]) -> str:
    """The page's numbers: per section, one tab per convention, one equation per array."""
    out = ["<!-- Written by docs/scripts/worked_example.py from what nnconv computes; do not edit. -->\n"]
    for section, steps in STEPS.items():
        out.append(f"## {section}\n")
        if section == "The update":
            out.append("With \\(\\alpha = 0.5\\), the new parameters (`new` in the code):\n")
        for name, values in (("rowmajor", row), ("colmajor", col)):
            out.append(f'=== "{name}"\n')
            arrays = values["new"] if section == "The update" else values
            for key, lhs, row_rhs, col_rhs in steps:
                rhs = (col_rhs or row_rhs) if name == "colmajor" else row_rhs
                a = arrays[key]
                label = rf"\underbrace{{{lhs}}}_{{{shape(a)}}}"
                relation = r"\leftarrow" if section == "The update" else "="
                first = rf"{label} {relation} {rhs} \\" if rhs else label  # then the numbers
                out.append("    $$\n    \\begin{gathered}\n"
                           f"    {first}\n"
                           f"    = {matrix(a)}\n"
                           "    \\end{gathered}\n    $$\n")
                if key == "A2" and section == "The forward pass":
                    out.append(f"    The cost, the mean of the three losses: "
                               f"\\(J = -\\frac{{1}}{{m}} \\sum_i \\big(y_i \\log a_i + (1 - y_i) \\log(1 - a_i)\\big) "
                               f"= {values['J']:.6f}\\).\n")
                if key == "dW2" and section == "The backward pass":
                    out.append(by_hand(values, name))
        out.append("")
    from nnconv import rowmajor

    AL, _ = rowmajor.forward(row["X"], row["new"], ["tanh", "sigmoid"])
    out.append(f"The same forward pass with the new parameters gives the cost "
               f"\\(J = {rowmajor.cost(AL, row['Y'], 'bce'):.6f}\\), down from {row['J']:.6f}.\n")
    return "\n".join(out)


COLOURS = {"example": "#ff7043", "unit": "#3f51b5", "both": "#9c27b0"}
"""The cells of example 1, of unit 1, and the entry of Z[1] where they meet."""


def svg(name: str, values: dict[str, Any]) -> str:
    """The shapes of Z[1] = A[0] W[1] + b[1] (rowmajor) or W[1] A[0] + b[1] (colmajor) as grids
    of cells, one cell per number, drawn from the arrays of the example: example 1 and unit 1
    are coloured in every factor, and the copies of b that broadcasting adds are dashed."""
    cell, gap, top = 24, 30, 36
    row = name == "rowmajor"
    order = ["Z1", "=", "X", "W1", "+", "b1"] if row else ["Z1", "=", "W1", "X", "+", "b1"]
    labels = {"Z1": "Z[1]", "X": "A[0] = X", "W1": "W[1]", "b1": "b[1]"}
    Z = values["Z1"].shape
    height = max(values[k].shape[0] for k in ("Z1", "X", "W1")) * cell
    extent = {k: Z if k == "b1" else values[k].shape for k in labels}  # b drawn with its copies
    drawing = sum(gap if k in "=+" else extent[k][1] * cell + gap for k in order) - gap
    width = max(drawing + 32, 490)
    x = (width - drawing) / 2
    parts: list[str] = []

    def colour(key: str, i: int, j: int) -> str | None:
        example = key in ("Z1", "X") and (i if row else j) == 0
        unit = key in ("Z1", "W1", "b1") and (j if row else i) == 0
        return COLOURS["both"] if example and unit else COLOURS["example"] if example else \
            COLOURS["unit"] if unit else None

    for key in order:
        if key in "=+":
            parts.append(f'<text x="{x + gap / 2}" y="{top + height / 2 + 7}" text-anchor="middle" '
                         f'font-size="22">{key}</text>')
            x += gap
            continue
        rows, cols = values[key].shape
        y0 = top + (height - extent[key][0] * cell) / 2
        for i in range(rows):
            for j in range(cols):
                fill = colour(key, i, j)
                paint = f'fill="{fill}" fill-opacity="0.4"' if fill else 'fill="#ffffff"'
                parts.append(f'<rect x="{x + j * cell}" y="{y0 + i * cell}" width="{cell}" height="{cell}" '
                             f'{paint} stroke="#37474f"/>')
        for k in range(1, Z[0] if row else Z[1]):  # b's broadcast copies (none for the others)
            if key == "b1":
                dx, dy = (0, k * cell) if row else (k * cell, 0)
                parts.append(f'<rect x="{x + dx}" y="{y0 + dy}" width="{cols * cell}" height="{rows * cell}" '
                             'fill="none" stroke="#90a4ae" stroke-dasharray="3 3"/>')
        centre = x + extent[key][1] * cell / 2
        parts.append(f'<text x="{centre}" y="{top - 12}" text-anchor="middle" font-size="15" '
                     f'font-style="italic">{escape(labels[key])}</text>')
        parts.append(f'<text x="{centre}" y="{top + height + 22}" text-anchor="middle" font-size="14">'
                     f'{rows} × {cols}</text>')
        x += extent[key][1] * cell + gap
    legend = [("example", "example 1: a " + ("row" if row else "column")),
              ("unit", "unit 1: a " + ("column" if row else "row")), ("both", "their entry of Z[1]")]
    y, x = top + height + 46, (width - 3 * 155) / 2
    for kind, text in legend:
        parts.append(f'<rect x="{x}" y="{y - 11}" width="12" height="12" fill="{COLOURS[kind]}" '
                     f'fill-opacity="0.4" stroke="#37474f"/>')
        parts.append(f'<text x="{x + 18}" y="{y}" font-size="12" fill="#37474f">{escape(text)}</text>')
        x += 155
    full = y + 14
    product = "A[0] W[1]" if row else "W[1] A[0]"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{full:g}" '
            f'viewBox="0 0 {width:g} {full:g}" font-family="sans-serif" role="img">\n'
            f"<title>The shapes of Z[1] = {product} + b[1] in the {name} convention, one cell per number"
            f"</title>\n"
            f'<rect width="{width:g}" height="{full:g}" rx="6" fill="#ffffff"/>\n'
            + "\n".join(parts) + "\n</svg>\n")


def outputs() -> dict[Path, str]:
    """Every file this script writes, and its text."""
    row, col = rowmajor_example(), colmajor_example()
    check(row, col)
    files = {MARKDOWN: markdown(row, col)}
    files.update({PICTURES[name]: svg(name, values) for name, values in (("rowmajor", row), ("colmajor", col))})
    return files


def main(write: Callable[[Path, str], Any] = Path.write_text) -> None:
    for path, text in outputs().items():
        write(path, text)
        print(f"wrote {path.relative_to(HERE.parents[1])}")


if __name__ == "__main__":
    main()
