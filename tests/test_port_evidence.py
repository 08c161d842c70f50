"""Kinds from evidence, hints and certain rules; verification by replaying the checks' calls.

Every translation here is run: the translated code, given the transposes of the original's
inputs, must return the transposes of the original's outputs (``verify``), and every refusal
must name its line and the variable to describe.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nnconv.cli import main
from nnconv.port import ExamplesError, TranslationError, translate, verify

LAYERS = '''import numpy as np


def affine_forward(x, w, b):
    out = x.dot(w) + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    return dout.dot(w.T), x.T.dot(dout), np.sum(dout, axis=0)


def softmax_loss(x, y):
    shifted = x - np.max(x, axis=1, keepdims=True)
    probs = np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)
    N = x.shape[0]
    loss = -np.sum(np.log(probs[np.arange(N), y])) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    return loss, dx / N
'''

LAYERS_CHECKS = '''import numpy as np
from layers import affine_backward, affine_forward, softmax_loss

rng = np.random.default_rng(0)
x, w, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 5)), rng.standard_normal(5)
out, cache = affine_forward(x, w, b)
affine_backward(rng.standard_normal((4, 5)), cache)
softmax_loss(out, np.array([0, 4, 2, 1]))
'''


def verified(source: str, examples: str, module: str, to: str = "colmajor", **hints: list[str]) -> str:
    """The translation, after checking that every call of the examples verifies on it."""
    translated = translate(source, to=to, examples=examples, module=module, **hints)
    verdicts = verify(source, translated, to=to, examples=examples, module=module)
    assert all(v.status in ("exact", "close") for v in verdicts.values()), verdicts
    return translated


# ------------------------------------------------------------------------ kinds from evidence
def test_a_1d_bias_from_the_examples_becomes_a_column() -> None:
    translated = verified(LAYERS, LAYERS_CHECKS, "layers")
    assert "out = w.dot(x) + b[:, None]" in translated
    assert "probs[y, np.arange(N)]" in translated and "np.sum(dout, axis=1)" in translated


def test_without_evidence_the_bias_is_not_guessed() -> None:
    with pytest.raises(TranslationError, match=r"line 5.*\bx\b.*vectors=, matrices=") as info:
        translate(LAYERS.split("def affine_backward")[0], to="colmajor")
    assert info.value.line == 5


def test_a_hint_the_evidence_contradicts_is_an_error() -> None:
    with pytest.raises(TranslationError, match="b is named in matrices=, but the examples gave it a 1-D array"):
        translate(LAYERS, to="colmajor", examples=LAYERS_CHECKS, module="layers", matrices=["affine_forward.b"])


def test_scoped_hints() -> None:
    source = "def f(x, b):\n    return x + b\n\n\ndef g(x, b):\n    return x + b\n"
    translated = translate(source, to="colmajor", matrices=["x", "g.b"], vectors=["f.b"])
    assert "def f(x, b):\n    # nnconv: the 1-D array as a column, to broadcast as in the original\n" \
           "    return x + b[:, None]" in translated
    assert "def g(x, b):\n    return x + b\n" in translated


def test_examples_need_a_module_name_and_a_crash_is_reported() -> None:
    with pytest.raises(ValueError, match="needs module="):
        translate(LAYERS, to="colmajor", examples=LAYERS_CHECKS)
    with pytest.raises(ExamplesError, match="the examples failed on the original code: AttributeError.*layers> line 5"):
        translate(LAYERS, to="colmajor", examples="from layers import affine_forward\naffine_forward(1, None, 3)\n",
                  module="layers")


CLASSES = '''import numpy as np


class Dense:
    def __init__(self, n_in, n_out):
        self.W = 0.1 * np.random.randn(n_in, n_out)
        self.b = np.zeros((1, n_out))

    def forward(self, X):
        self.X = X
        self.Z = X @ self.W + self.b
        return self.Z

    def backward(self, dZ):
        m = self.Z.shape[0]
        self.dW = self.X.T @ dZ / m
        self.db = np.sum(dZ, axis=0, keepdims=True) / m
        self.dinputs = dZ @ self.W.T
        e = np.zeros((self.Z.shape[1], 1))
        j = 0
        e[j] = 1.0
        return e


def unit_bias(bn_param, Z):
    momentum = bn_param.get("momentum", 0.9)
    return momentum * Z.mean(axis=0)
'''

CLASSES_CHECKS = '''import numpy as np
from dense import Dense, unit_bias

np.random.seed(1)
layer = Dense(3, 2)
layer.forward(np.random.randn(5, 3))
layer.backward(np.random.randn(5, 2))
unit_bias({}, np.ones((4, 2)))
'''


def test_attributes_scalar_indices_and_dict_defaults_from_the_examples() -> None:
    """Classes 3, 4 and 6: ``e[j]`` of a column, ``bn_param.get(...)``, arrays on ``self``."""
    translated = verified(CLASSES, CLASSES_CHECKS, "dense")
    for line in ["m = self.Z.shape[1]", "self.db = np.sum(dZ, axis=1, keepdims=True) / m",
                 "e = np.zeros((1, self.Z.shape[0]))", "e[:, j] = 1.0", "self.Z = self.W @ X + self.b",
                 "return momentum * Z.mean(axis=1)"]:
        assert line in translated, translated


def test_verify_covers_methods_and_objects_and_names_what_is_wrong() -> None:
    good = translate(CLASSES, to="colmajor", examples=CLASSES_CHECKS, module="dense")
    verdicts = verify(CLASSES, good, to="colmajor", examples=CLASSES_CHECKS, module="dense")
    assert set(verdicts) == {"Dense", "Dense.__init__", "Dense.forward", "Dense.backward", "unit_bias"}
    assert verdicts["Dense.__init__"].status == "exact"  # the same random draw, transposed
    wrong = good.replace("np.sum(dZ, axis=1, keepdims=True)", "np.sum(dZ, axis=0, keepdims=True)")
    verdicts = verify(CLASSES, wrong, to="colmajor", examples=CLASSES_CHECKS, module="dense")
    assert verdicts["Dense.backward"].status == "wrong" and "db" in verdicts["Dense.backward"].reason
    assert verdicts["Dense"].status == "wrong"
    failing = good.replace("m = self.Z.shape[1]", "m = self.Z.shape[2]")
    verdicts = verify(CLASSES, failing, to="colmajor", examples=CLASSES_CHECKS, module="dense")
    assert verdicts["Dense.backward"].status == "failed" and "IndexError" in verdicts["Dense.backward"].reason
    only_init = "from dense import Dense\nDense(2, 2)\n"
    verdicts = verify(CLASSES, good, to="colmajor", examples=only_init, module="dense")
    assert verdicts["Dense.forward"].status == "not exercised"
    with pytest.raises(ExamplesError, match="ZeroDivisionError"):
        verify(CLASSES, good, to="colmajor", examples="1 / 0\n", module="dense")


def test_a_name_whose_rank_changes_is_refused_where_it_matters() -> None:
    """Class 5: labels 1-D in one call, one-hot in another."""
    source = "def loss(P, y):\n    return -np.sum(np.log(P) * y, axis=1)\n"
    checks = ("import numpy as np\nfrom m import loss\nloss(np.ones((2, 3)), np.ones(3))\n"
              "loss(np.ones((2, 3)), np.eye(3)[:2])\n")
    with pytest.raises(TranslationError, match="line 2.*gave y a 2-D array and a 1-D array.*its rank changes"):
        translate(source, to="colmajor", examples=checks, module="m")


def test_code_the_examples_never_reach_is_refused_there_only() -> None:
    source = ("def f(y, P):\n    if y.ndim == 1:\n        return P.sum(axis=0)\n"
              "    else:\n        return (P * y).sum(axis=0)\n")
    checks = "import numpy as np\nfrom m import f\nf(np.ones(3), np.ones((2, 3)))\n"
    translated = translate(source, to="colmajor", examples=checks, module="m")
    assert "return P.sum(axis=1)" in translated
    assert 'raise NotImplementedError("nnconv: not translated: line 5' in translated
    two_d = checks + "f(np.ones((2, 3)), np.ones((2, 3)))\n"
    verdicts = verify(source, translated, to="colmajor", examples=two_d, module="m")
    assert verdicts["f"].status == "refused" and "line 5" in verdicts["f"].reason


def test_functions_refused_one_by_one() -> None:
    source = "def f(X):\n    return X.sum(axis=0)\n\n\ndef g(X):\n    return np.einsum('ij->j', X)\n"
    translated = translate(source, to="colmajor", matrices=["X"])
    assert "return X.sum(axis=1)" in translated and "np.einsum is not covered" in translated
    with pytest.raises(TranslationError, match="np.einsum"):
        translate(source.split("\n\n\n")[1], to="colmajor", matrices=["X"])


# ------------------------------------------------------------------- the failure classes
ROWS = [
    ("def f(X, Y):\n    return [np.dot(x, y) for x, y in zip(X, Y)]\n", "zip"),
    ("def f(X):\n    return [i * x for i, x in enumerate(X)]\n", "enumerate"),
    ("def f(X):\n    a, b, c = X\n    return a + b + c\n", "unpacking the rows"),
    ("def f(X):\n    for x in X:\n        print(x)\n", "loop over the rows"),
]


@pytest.mark.parametrize("source, reason", ROWS, ids=[r[1] for r in ROWS])
def test_rows_of_a_2d_array_are_refused(source: str, reason: str) -> None:
    """Class 7 and the idioms of row unpacking: after the transpose the rows are columns."""
    with pytest.raises(TranslationError, match=reason) as info:
        translate(source, to="colmajor", matrices=["X", "Y"])
    assert "X" in info.value.reason
    with pytest.raises(TranslationError, match="rows of a 2-D array or the items of a container|rows of a 2-D"):
        translate(source, to="colmajor")


def test_items_of_containers_are_not_rows() -> None:
    source = "def f(xs, ys):\n    return [np.dot(x, y) for x, y in zip(xs, ys)]\n"
    checks = ("import numpy as np\nfrom m import f\n"
              "f([np.ones((2, 3)), np.ones((2, 3))], [np.ones((3, 4)), np.ones((3, 4))])\n")
    translated = verified(source, checks, "m")
    assert "np.dot(y, x)" in translated
    assert translate(source, to="colmajor", containers=["xs", "ys"]) == translated


CLASS_10 = [
    ("def f(X):\n    return np.c_[np.ones(X.shape[0]), X]\n", "np.vstack((np.ones(X.shape[1]), X))"),
    ("def f(X):\n    return np.argsort(X)[:, :2]\n", "np.argsort(X, axis=0)[:2, :]"),
    ("def f(X, k=3):\n    return X[:, np.random.choice(X.shape[1], k)]\n", "np.random.choice(X.shape[0], k), :"),
    ("def f(v):\n    return np.diagflat(v) @ np.ones((v.shape[0], 2))\n", "np.ones((2, v.shape[0])) @ np.diagflat(v)"),
    ("def f(X):\n    return X * (np.random.rand(*X.shape) < 0.5)\n", "np.random.rand(*X.shape[::-1]).T < 0.5"),
    ("def f(X):\n    assert X.shape == (X.shape[0], 3)\n    return X\n", "assert X.shape == (3, X.shape[1])"),
    ("def f(layers):\n    return len(layers)\n", "return len(layers)"),
    ("def f(X):\n    return np.asarray(np.where(X > 0.5))[1]\n", "np.asarray(np.where((X > 0.5).T))[1]"),
]


@pytest.mark.parametrize("source, expected", CLASS_10, ids=[c[1] for c in CLASS_10])
def test_constructs_of_the_corpus_translate_right(source: str, expected: str) -> None:
    """Classes 8, 9 and 10 (and np.c_): translated, then verified on examples."""
    arg = "[{'W': np.ones((2, 2))}, {}]" if "layers" in source else "np.random.default_rng(0).random((4, 3))"
    if "(v)" in source:
        arg = "np.arange(3.0)"
    checks = f"import numpy as np\nfrom m import f\nnp.random.seed(0)\nf({arg})\n"
    translated = verified(source, checks, "m")
    assert expected in translated, translated


FOREIGN = [
    ("from sklearn.utils.extmath import safe_sparse_dot\n\n\ndef f(X, W):\n    return safe_sparse_dot(X, W)\n",
     "safe_sparse_dot is not defined in this source"),
    ("import random\n\n\ndef f(X):\n    random.shuffle(X)\n    return X\n", "shuffles the rows of a 2-D array"),
]


@pytest.mark.parametrize("source, reason", FOREIGN, ids=["safe_sparse_dot", "random.shuffle"])
def test_a_2d_array_given_to_code_from_elsewhere_is_refused(source: str, reason: str) -> None:
    with pytest.raises(TranslationError, match=reason):
        translate(source, to="colmajor", matrices=["X", "W"])


def test_messages_point_to_the_fix() -> None:
    """Class 12: a size of unknown kind says scalars=; an unknown name is named."""
    with pytest.raises(TranslationError, match="np.zeros\\(hidden_size\\).*name it in scalars="):
        translate("def f(hidden_size):\n    return np.zeros(hidden_size)\n", to="colmajor")
    with pytest.raises(TranslationError, match="line 2.*a new axis on a 2-D array"):
        translate("def f(X):\n    return X[:, :, np.newaxis]\n", to="colmajor", matrices=["X"])


# ------------------------------------------------------------- what Python itself refuses
def test_a_long_expression_translates() -> None:
    source = "def f(x):\n    return " + " + ".join(["x"] * 401) + "\n"
    assert translate(source, to="colmajor", scalars=["x"]) == source


def test_too_deep_a_nesting_is_refused_before_parsing(tmp_path: Path) -> None:
    """Python refuses 1500 nested parentheses; so does the translator, and never crashes."""
    path = tmp_path / "deep.py"
    path.write_text("y = " + "(" * 1500 + "1" + ")" * 1500 + "\n")
    run = subprocess.run([sys.executable, "-m", "nnconv.cli", "translate", str(path), "--to", "colmajor"],
                         capture_output=True, text=True, check=False, cwd=Path(__file__).parent.parent)
    assert run.returncode == 2, run.stderr
    assert "too many nested parentheses" in run.stderr and "Traceback" not in run.stderr
    with pytest.raises(TranslationError, match="not valid Python"):
        translate(path.read_text(), to="colmajor")


def test_a_source_declared_latin_1_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin.py"
    path.write_bytes("# -*- coding: latin-1 -*-\n# café\ndef f(X):\n    return X.sum(axis=0)\n".encode("latin-1"))
    assert main(["translate", str(path), "--to", "colmajor", "--matrices", "X"]) == 0
    assert "# café\ndef f(X):\n    return X.sum(axis=1)\n" in capsys.readouterr().out


def test_shapes_too_large_for_a_check_are_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "f.py"
    path.write_text("def f(X):\n    return X.sum(axis=0)\n")
    assert main(["translate", str(path), "--to", "colmajor", "--matrices", "X", "--check",
                 "--shapes", "X=100000x100000"]) == 2
    err = capsys.readouterr().err
    assert "10,000,000,000 elements" in err and "Traceback" not in err


def test_run_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", "-", "--to", "colmajor", "--run", "checks.py"]) == 2
    assert "--run needs a FILE" in capsys.readouterr().err


def test_check_without_examples_fails_when_the_original_crashes(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "f.py"
    path.write_text("def f(X):\n    return X.sum(axis=0) @ np.ones((7, 7))\n")
    assert main(["translate", str(path), "--to", "colmajor", "--matrices", "X", "--check", "--shapes", "X=3x4"]) == 1
    assert "# f: not exercised (the original raised ValueError" in capsys.readouterr().out
