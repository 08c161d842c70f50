"""nnconv.port.translate: every rule verified by running the original and the translation.

The translation, given the transposes of the original's inputs, must return the transposes of
the original's outputs: bit for bit where the rule keeps the same arithmetic (elementwise
operations, indexing, shapes, constructors, random draws, reshapes), to rounding where a
product or a sum may add in another order.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnconv import colmajor, rowmajor, transpose
from nnconv.port import TranslationError, translate
from nnconv.port.check import compare, execute


def inputs_for(shapes: dict[str, Any], seed: int = 0) -> dict[str, Any]:
    """Random inputs: a tuple is a float array's shape, ("int", n, k) integer labels below k,
    anything else a value as it is."""
    rng = np.random.default_rng(seed)
    out: dict[str, Any] = {}
    for name, spec in shapes.items():
        if isinstance(spec, tuple) and spec and spec[0] == "int":
            out[name] = rng.integers(0, spec[2], size=spec[1])
        elif isinstance(spec, tuple):
            out[name] = rng.standard_normal(spec)
        else:
            out[name] = spec
    return out


def examples_for(name: str, kwargs: dict[str, Any], seed: int = 0) -> str:
    """A check script that calls ``name`` of the module ``code`` once on ``kwargs``."""
    return (f"import pickle\nimport numpy as np\nfrom code import {name}\nnp.random.seed({seed})\n"
            f"{name}(**pickle.loads({pickle.dumps(kwargs)!r}))\n")


def hints_for(kwargs: dict[str, Any]) -> dict[str, list[str]]:
    """The hints that say what each input is."""
    hints: dict[str, list[str]] = {"scalars": [], "vectors": [], "matrices": [], "containers": []}
    for name, value in kwargs.items():
        if isinstance(value, np.ndarray) and value.ndim in (1, 2):
            hints["vectors" if value.ndim == 1 else "matrices"].append(name)
        elif isinstance(value, (int, float)):
            hints["scalars"].append(name)
        elif isinstance(value, (list, tuple, dict)):
            hints["containers"].append(name)
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(item, np.ndarray) and item.ndim in (1, 2):
                    hints["vectors" if item.ndim == 1 else "matrices"].append(f"{name}[{key!r}]")
    return hints


def run_both(source: str, name: str, kwargs: dict[str, Any], *, to: str = "colmajor",
             seed: int = 0, evidence: bool = True, **options: Any) -> tuple[str, Any, Any]:
    """(translation, the original's output transposed, the translation's output on the
    transposed inputs). The kinds come from running ``name`` on ``kwargs`` (``evidence``) or
    from hints that name each input's kind."""
    if evidence:
        options.update(examples=examples_for(name, kwargs, seed), module="code")
    else:
        options = {**hints_for(kwargs), **options}
    translated = translate(source, to=to, **options)
    original_ns, translated_ns = execute(source, "<original>"), execute(translated, "<translated>")
    np.random.seed(seed)  # noqa: NPY002 - the code under test draws from the global state
    expected = original_ns[name](**copy.deepcopy(kwargs))
    np.random.seed(seed)  # noqa: NPY002 - the code under test draws from the global state
    actual = translated_ns[name](**transpose(copy.deepcopy(kwargs)))
    return translated, transpose(expected), actual


def assert_transposed(expected: Any, actual: Any, exact: bool) -> None:
    status, where = compare(expected, actual)
    assert status in (("exact",) if exact else ("exact", "close")), where


# (id, source of f, input shapes, text the translation must contain, bit-exact, translating
#  twice gives the original text back)
RULES: list[tuple[str, str, dict[str, Any], str, bool, bool]] = [
    ("matmul", "def f(A_prev, W, b):\n    return A_prev @ W + b\n",
     {"A_prev": (5, 3), "W": (3, 4), "b": (1, 4)}, "W @ A_prev + b", False, True),
    ("np.dot", "def f(A, W):\n    return np.dot(A, W)\n", {"A": (5, 3), "W": (3, 4)}, "np.dot(W, A)", False, True),
    ("np.matmul", "def f(A, W):\n    return np.matmul(A, W)\n", {"A": (5, 3), "W": (3, 4)},
     "np.matmul(W, A)", False, True),
    (".dot", "def f(A, W):\n    return A.dot(W)\n", {"A": (5, 3), "W": (3, 4)}, "W.dot(A)", False, True),
    (".dot of an expression", "def f(A, W, V):\n    return A.dot(W + V)\n",
     {"A": (5, 3), "W": (3, 4), "V": (3, 4)}, "(W + V).dot(A)", False, True),
    ("chained @", "def f(A, B, C):\n    return A @ B @ C\n", {"A": (2, 3), "B": (3, 4), "C": (4, 5)},
     "C @ (B @ A)", False, True),
    ("scaled @", "def f(A, B, C):\n    return 2 * A @ B\n", {"A": (2, 3), "B": (3, 4), "C": (1, 1)},
     "B @ (2 * A)", False, True),
    (".T", "def f(A_prev, dZ):\n    return A_prev.T @ dZ / A_prev.shape[0]\n", {"A_prev": (5, 3), "dZ": (5, 4)},
     "dZ @ A_prev.T / A_prev.shape[1]", False, True),
    ("transpose()", "def f(dZ, W):\n    return dZ @ W.transpose()\n", {"dZ": (5, 4), "W": (3, 4)},
     "W.transpose() @ dZ", False, True),
    ("np.transpose", "def f(dZ, W):\n    return np.dot(dZ, np.transpose(W))\n", {"dZ": (5, 4), "W": (3, 4)},
     "np.dot(np.transpose(W), dZ)", False, True),
    ("elementwise", "def f(Z, Y):\n    return np.maximum(0, Z) * Y - np.exp(-np.abs(Z)) / (1 + Z ** 2)\n",
     {"Z": (4, 3), "Y": (4, 3)}, "np.maximum(0, Z) * Y - np.exp(-np.abs(Z)) / (1 + Z ** 2)", True, True),
    ("comparison", "def f(Z, dA):\n    return np.where(Z > 0, dA, 0.01 * dA) + (Z <= 0)\n",
     {"Z": (4, 3), "dA": (4, 3)}, "np.where(Z > 0, dA, 0.01 * dA) + (Z <= 0)", True, True),
    ("sum axis 0 keepdims", "def f(dZ):\n    return np.sum(dZ, axis=0, keepdims=True)\n", {"dZ": (5, 3)},
     "np.sum(dZ, axis=1, keepdims=True)", False, True),
    ("sum axis 1", "def f(dZ):\n    return np.sum(dZ, axis=1)\n", {"dZ": (5, 3)}, "np.sum(dZ, axis=0)", False, True),
    ("sum positional axis", "def f(dZ):\n    return np.sum(dZ, 0)\n", {"dZ": (5, 3)}, "np.sum(dZ, 1)", False, True),
    ("mean axis -1", "def f(Z):\n    return Z.mean(axis=-1, keepdims=True)\n", {"Z": (5, 3)},
     "Z.mean(axis=0, keepdims=True)", False, False),
    ("max axis -2", "def f(Z):\n    return Z.max(axis=-2)\n", {"Z": (5, 3)}, "Z.max(axis=1)", True, False),
    ("axis in a variable", "def f(Z, k=-1):\n    return Z.max(axis=k, keepdims=True) + Z.sum(k)[0]\n", {"Z": (5, 3)},
     "Z.max(axis=1 - k % 2, keepdims=True) + Z.sum(1 - k % 2)[0]", True, False),
    ("argmax", "def f(AL):\n    return np.argmax(AL, axis=1)\n", {"AL": (5, 3)}, "np.argmax(AL, axis=0)", True, True),
    ("argmin method", "def f(AL):\n    return AL.argmin(0)\n", {"AL": (5, 3)}, "AL.argmin(1)", True, True),
    ("sum without axis", "def f(Z):\n    return np.sum(Z * Z) + Z.max()\n", {"Z": (5, 3)},
     "np.sum(Z * Z) + Z.max()", False, True),
    ("tuple axis", "def f(Z):\n    return np.sum(Z, axis=(0, 1))\n",
     {"Z": (5, 3)}, "np.sum(Z, axis=(1, 0))", False, True),
    ("shape[0]", "def f(X):\n    m = X.shape[0]\n    n = X.shape[-1]\n    return m * 10 + n\n", {"X": (5, 3)},
     "m = X.shape[1]\n    n = X.shape[0]", True, False),
    ("m, n = X.shape", "def f(X):\n    m, n = X.shape\n    return np.ones((m, n)) * m - n\n", {"X": (5, 3)},
     "n, m = X.shape\n    return np.ones((n, m)) * m - n", True, True),
    ("len", "def f(X):\n    return np.sum(X) / len(X)\n", {"X": (5, 3)}, "np.sum(X) / X.shape[1]", False, False),
    ("zeros", "def f(X, W):\n    return np.zeros((X.shape[0], W.shape[1])) + 1\n", {"X": (5, 3), "W": (3, 4)},
     "np.zeros((W.shape[0], X.shape[1])) + 1", True, True),
    ("zeros of a shape", "def f(X):\n    return np.zeros(X.shape) + np.zeros_like(X) + np.full((2, 1), 7.0)[0]\n",
     {"X": (5, 3)}, "np.zeros(X.shape) + np.zeros_like(X) + np.full((1, 2), 7.0)[:, 0]", True, False),
    ("eye", "def f(X):\n    return np.eye(X.shape[0], 4) + np.eye(X.shape[0], 4).sum() \n", {"X": (5, 3)},
     "np.eye(4, X.shape[1])", True, True),
    ("random.randn", "def f(X):\n    return X.shape[0] * np.random.randn(3, 4)\n", {"X": (5, 3)},
     "np.random.randn(3, 4).T", True, True),
    ("random.rand of shape entries", "def f(A, keep_prob=0.8):\n"
     "    D = np.random.rand(A.shape[0], A.shape[1]) < keep_prob\n    return A * D / keep_prob\n",
     {"A": (5, 3)}, "np.random.rand(A.shape[1], A.shape[0]).T < keep_prob", True, True),
    ("random draw of a shape", "def f(A, keep_prob=0.5):\n    return A * (np.random.rand(*A.shape) < keep_prob)\n",
     {"A": (5, 3)}, "np.random.rand(*A.shape[::-1]).T < keep_prob", True, True),
    ("random draw transposed", "def f(n):\n    return np.random.randn(n, 3).T * 0.01\n", {"n": 4},
     "np.random.randn(n, 3) * 0.01", True, False),
    ("generator",
     "def f(X):\n    rng = np.random.default_rng(0)\n"
     "    return rng.standard_normal((4, 2)) + rng.normal(0, 1, size=3)[0]\n",
     {"X": (1, 1)}, "rng.standard_normal((4, 2)).T", True, True),
    ("index [i, j]", "def f(X):\n    return X[1, 2] + X[-1, 0]\n", {"X": (5, 3)}, "X[2, 1] + X[0, -1]", True, True),
    ("index [:, k]", "def f(X):\n    return X[:, 1]\n", {"X": (5, 3)}, "X[1, :]", True, True),
    ("index [k]", "def f(X):\n    return X[2] * 2\n", {"X": (5, 3)}, "X[:, 2] * 2", True, False),
    ("slice rows", "def f(X):\n    return X[1:4]\n", {"X": (5, 3)}, "X[:, 1:4]", True, False),
    ("slices", "def f(X):\n    return X[1:4, ::2]\n", {"X": (5, 3)}, "X[::2, 1:4]", True, True),
    ("mini-batch", "def f(X, t=2):\n    return X[t * 2:(t + 1) * 2, :]\n",
     {"X": (9, 3)}, "X[:, t * 2:(t + 1) * 2]", True, True),
    ("index array", "def f(X):\n    idx = np.array([4, 0, 2])\n    return X[idx]\n", {"X": (5, 3)},
     "X[:, idx]", True, False),
    ("labels", "def f(probs, y):\n    return probs[np.arange(probs.shape[0]), y]\n",
     {"probs": (5, 3), "y": ("int", 5, 3)},
     "probs[y, np.arange(probs.shape[1])]", True, True),
    ("mask assignment", "def f(dA, Z):\n    dZ = np.array(dA, copy=True)\n    dZ[Z <= 0] = 0\n    return dZ\n",
     {"dA": (5, 3), "Z": (5, 3)}, "dZ[Z <= 0] = 0", True, True),
    ("subscript assignment", "def f(X):\n    Y = X.copy()\n    Y[:, 0] = 1.0\n    Y[2, 1] += 3.0\n    return Y\n",
     {"X": (5, 3)}, "Y[0, :] = 1.0\n    Y[1, 2] += 3.0", True, True),
    ("dict look-ups",
     "def f(params):\n    L = len(params) // 2\n    return params['W' + str(L)] @ params[f'W{L}'].T + params['b1']\n",
     {"params": {"W1": np.ones((3, 3)) * 2, "b1": np.ones((1, 3))}},
     "params[f'W{L}'].T @ params['W' + str(L)] + params['b1']", False, True),
    ("scalars untouched", "def f(W, lambd, m):\n    return lambd / m * W + lambd * m\n",
     {"W": (3, 4), "lambd": 0.7, "m": 5},
     "lambd / m * W + lambd * m", True, True),
    ("1-D broadcast", "def f(Z):\n    return Z - Z.max(axis=0)\n",
     {"Z": (5, 3)}, "Z - Z.max(axis=1)[:, None]", True, False),
    ("1-D columns", "def f(X):\n    v = X[:, 0]\n    return v[None, :] * 2 + v[:, np.newaxis]\n", {"X": (3, 3)},
     "v[:, None] * 2 + v[np.newaxis, :]", True, True),
    ("reshape", "def f(X):\n    return X.reshape(X.shape[0], -1) + X.reshape(-1, 5)[0, 1]\n", {"X": (5, 4)},
     'X.reshape(-1, X.shape[1], order="F") + X.reshape(5, -1, order="F")[1, 0]', True, True),
    ("reshape of a tuple", "def f(X):\n    return np.reshape(X, (2, 6))\n", {"X": (3, 4)},
     'np.reshape(X, (6, 2), order="F")', True, True),
    ("ravel", "def f(X):\n    return X.ravel() + X.flatten() + X.reshape(-1)\n", {"X": (3, 4)},
     'X.ravel(order="F") + X.flatten(order="F") + X.reshape(-1, order="F")', True, True),
    ("reshape to a shape", "def f(Y, AL):\n    return Y.reshape(AL.shape)\n", {"Y": (1, 6), "AL": (6, 1)},
     'Y.reshape(AL.shape, order="F")', True, True),
    ("concatenate", "def f(A, B):\n    return np.concatenate([A, B], axis=0) + np.concatenate((A, B))\n",
     {"A": (2, 3), "B": (2, 3)}, "np.concatenate([A, B], axis=1) + np.concatenate((A, B), axis=1)", True, False),
    ("vstack", "def f(A, B):\n    return np.vstack([A, B]) * 2, np.hstack((A, B))\n", {"A": (2, 3), "B": (2, 3)},
     "np.hstack([A, B]) * 2, np.vstack((A, B))", True, True),
    ("outer of vectors", "def f(X):\n    u, v = X[:, 0], X[0, :]\n    return np.outer(u, v)\n", {"X": (4, 3)},
     "u, v = X[0, :], X[:, 0]\n    return np.outer(v, u)", True, True),
    ("expand_dims", "def f(X):\n    return np.expand_dims(np.sum(X, axis=0), 0)\n", {"X": (4, 3)},
     "np.expand_dims(np.sum(X, axis=1), 1)", False, True),
    ("squeeze", "def f(X):\n    return np.squeeze(np.sum(X, axis=1, keepdims=True))\n", {"X": (4, 3)},
     "np.squeeze(np.sum(X, axis=0, keepdims=True))", False, True),
    ("loops",
     "def f(X):\n    total = 0.0\n    for j in range(X.shape[1]):\n"
     "        total += X[:, j].sum() * j\n    return total\n",
     {"X": (4, 3)}, "for j in range(X.shape[0]):\n        total += X[j, :].sum() * j", False, True),
    ("comprehension", "def f(X):\n    return sum(X[i, :].max() for i in range(len(X)))\n", {"X": (4, 3)},
     "sum(X[:, i].max() for i in range(X.shape[1]))", True, False),
    ("norm", "def f(X):\n    return np.linalg.norm(X) + np.linalg.norm(X, axis=0)\n", {"X": (4, 4)},
     "np.linalg.norm(X) + np.linalg.norm(X, axis=1)", False, True),
]


@pytest.mark.parametrize("source, shapes, expected, exact, involution",
                         [r[1:] for r in RULES], ids=[r[0] for r in RULES])
@pytest.mark.parametrize("evidence", [True, False], ids=["examples", "hints"])
def test_rule_by_execution(source: str, shapes: dict[str, Any], expected: str, exact: bool, involution: bool,
                           evidence: bool) -> None:
    kwargs = inputs_for(shapes)
    translated, want, got = run_both(source, "f", kwargs, evidence=evidence)
    assert expected in translated, translated
    assert ".T.T" not in translated
    assert_transposed(want, got, exact)


@pytest.mark.parametrize("source, shapes, expected, exact, involution",
                         [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_rule_round_trip(source: str, shapes: dict[str, Any], expected: str, exact: bool, involution: bool) -> None:
    """Translating twice gives the original back: the same text where the rules are an exact
    involution, else code that computes the same."""
    kwargs = inputs_for(shapes)
    there = translate(source, to="colmajor", examples=examples_for("f", kwargs, 1), module="code")
    back = translate(there, to="rowmajor", examples=examples_for("f", transpose(kwargs), 1), module="code")
    if involution:
        assert back == source
    np.random.seed(1)  # noqa: NPY002 - the code under test draws from the global state
    want = execute(source, "<original>")["f"](**copy.deepcopy(kwargs))
    np.random.seed(1)  # noqa: NPY002 - the code under test draws from the global state
    got = execute(back, "<back>")["f"](**copy.deepcopy(kwargs))
    assert_transposed(want, got, exact)


def test_scalars_and_vectors_arguments() -> None:
    source = "def f(Z, k, v):\n    return Z[k] + v[k] + Z @ v\n"
    translated, want, got = run_both(source, "f", {"Z": np.arange(16.0).reshape(4, 4) - 5, "k": 1,
                                                   "v": np.array([1.0, 2.0, 3.0, 4.0])},
                                     scalars=["k"], vectors=["v"])
    assert "Z[:, k] + v[k] + v @ Z" in translated
    assert_transposed(want, got, exact=False)


def test_to_accepts_aliases_and_rejects_unknown_names() -> None:
    source = "Z = A @ W + b\n"
    kinds = {"matrices": ["A", "W", "b"]}
    assert translate(source, to="deeplearning.ai", **kinds) == translate(source, to="cs231n", **kinds) == \
        "Z = W @ A + b\n"
    with pytest.raises(ValueError, match="unknown convention"):
        translate(source, to="diagonal")


def test_comments_and_formatting_survive() -> None:
    source = '''import numpy as np  # the only import


def forward(X, W1, b1, W2, b2):
    """Two layers."""
    # hidden layer
    Z1 = X @ W1  +  b1      # odd spacing kept
    A1 = np.maximum(0,Z1)
    Z2 = (A1 @ W2
          + b2)  # a continuation line
    return Z2
'''
    translated = translate(source, to="colmajor", matrices=["X", "W1", "b1", "W2", "b2"])
    assert translated == source.replace("X @ W1", "W1 @ X").replace("A1 @ W2", "W2 @ A1")
    kwargs = inputs_for({"X": (6, 3), "W1": (3, 4), "b1": (1, 4), "W2": (4, 2), "b2": (1, 2)})
    _, want, got = run_both(source, "forward", kwargs)
    assert_transposed(want, got, exact=False)


def test_statements_without_functions() -> None:
    source = "m = X.shape[0]\nZ = X @ W + b\ndb = np.sum(Z, axis=0, keepdims=True) / m\n"
    assert translate(source, to="colmajor", matrices=["X", "W", "b"]) == (
        "m = X.shape[1]\nZ = W @ X + b\ndb = np.sum(Z, axis=1, keepdims=True) / m\n")


def test_fallbacks_are_marked_and_the_marks_do_not_pile_up() -> None:
    source = "def f(X):\n    # flatten\n    return X.reshape(-1)\n"
    there = translate(source, to="colmajor", matrices=["X"])
    assert '    # flatten\n    # nnconv: reshaped in the other memory order' in there
    assert there.count("# nnconv:") == 1
    assert translate(there, to="rowmajor", matrices=["X"]) == source


ERRORS = [
    ("np.einsum('ij,jk->ik', A, B)", "np.einsum"),
    ("X.reshape(2, 3, -1)", "3-D"),
    ("np.zeros((a, b, c))", "3-D"),
    ("X[:, :, 0]", "more than two indices"),
    ("X[None]", "3-D"),
    ("np.sum(X, axis=A)", "axis given by a variable"),
    ("np.argmax(X)", "flattened"),
    ("X[X > 0]", "memory order"),
    ("np.stack([A, B])", "np.stack"),
    ("np.outer(A, B)", "np.outer"),
    ("X.flat[0]", "X.flat"),
    ("np.zeros(shape)", "a number gives a 1-D array"),
    ("np.random.randn(*X[0])", "starred"),
    ("X[..., 0]", "Ellipsis"),
    ("np.concatenate(arrays, axis=0)", "sequence given by a variable"),
    ("X.reshape(-1, order='A')", "order='A'"),
    ("np.nonzero(X)", "np.nonzero"),
    ("X.searchsorted(A)", ".searchsorted()"),
    ("np.fft.fft(X)", "np.fft.fft"),
]


@pytest.mark.parametrize("expression, reason", ERRORS, ids=[e[0] for e in ERRORS])
def test_uncovered_constructs_raise_with_their_line(expression: str, reason: str) -> None:
    source = f"def f(X, A, B, a, b, c):\n    m = 1\n    Y = {expression}\n    return Y\n"
    with pytest.raises(TranslationError, match="line 3") as info:
        translate(source, to="colmajor", scalars=["a", "b", "c", "ax"], matrices=["X", "A", "B"])
    assert reason in str(info.value)
    assert isinstance(info.value, ValueError)
    assert info.value.line == 3


def test_loop_over_the_rows_of_an_array_raises() -> None:
    source = "def f(X):\n    for row in X:\n        print(row)\n"
    with pytest.raises(TranslationError, match="line 2.*loop over the rows"):
        translate(source, to="colmajor", matrices=["X"])
    with pytest.raises(TranslationError, match="line 2.*the rows of a 2-D array or the items of a container"):
        translate(source, to="colmajor")
    assert translate(source, to="colmajor", containers=["X"]) == source


def test_syntax_error_is_a_translation_error() -> None:
    with pytest.raises(TranslationError, match="not valid Python"):
        translate("def f(:\n", to="colmajor")


# ------------------------------------------------------------------------ the derivation
DERIVATION = '''
def linear_forward(A_prev, W, b):
    return A_prev @ W + b


def softmax(Z):
    E = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return E / np.sum(E, axis=1, keepdims=True)


def cost(AL, Y):
    m = AL.shape[0]
    return -np.sum(Y * np.log(AL)) / m


def linear_backward(dZ, A_prev, W):
    m = A_prev.shape[0]
    dW = A_prev.T @ dZ / m
    db = np.sum(dZ, axis=0, keepdims=True) / m
    dA_prev = dZ @ W.T
    return dA_prev, dW, db
'''


def test_the_derivations_equations_translate_to_the_colmajor_module() -> None:
    kinds = {"matrices": ["A_prev", "W", "b", "Z", "AL", "Y", "dZ"]}
    translated = translate(DERIVATION, to="colmajor", **kinds)
    for line in ("return W @ A_prev + b", "np.max(Z, axis=0, keepdims=True)", "m = AL.shape[1]",
                 "dW = dZ @ A_prev.T / m", "db = np.sum(dZ, axis=0 + 1, keepdims=True) / m".replace("0 + 1", "1"),
                 "dA_prev = W.T @ dZ"):
        assert line in translated
    row, col = execute(DERIVATION, "<rowmajor>"), execute(translated, "<colmajor>")
    rng = np.random.default_rng(3)
    A_prev, W, b = rng.standard_normal((7, 4)), rng.standard_normal((4, 3)), rng.standard_normal((1, 3))
    Z = row["linear_forward"](A_prev, W, b)
    np.testing.assert_allclose(Z, rowmajor.linear_forward(A_prev, W, b), rtol=1e-13)
    np.testing.assert_allclose(col["linear_forward"](A_prev.T, W.T, b.T), colmajor.linear_forward(A_prev.T, W.T, b.T),
                               rtol=1e-13)
    AL = col["softmax"](Z.T)
    np.testing.assert_array_equal(AL, colmajor.activation_forward(Z.T, "softmax"))
    Y = np.eye(3)[rng.integers(0, 3, size=7)]
    assert col["cost"](AL, Y.T) == pytest.approx(colmajor.cost(AL, Y.T, "ce"), rel=1e-13)
    dZ = AL - Y.T
    for mine, theirs in zip(col["linear_backward"](dZ, A_prev.T, W.T), colmajor.linear_backward(dZ, A_prev.T, W.T)):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-15)
    assert translate(translated, to="rowmajor", **kinds) == DERIVATION


@given(m=st.integers(1, 9), n0=st.integers(1, 9), n1=st.integers(1, 9), seed=st.integers(0, 2**32 - 1))
def test_linear_layer_translation_on_any_shapes(m: int, n0: int, n1: int, seed: int) -> None:
    kwargs = inputs_for({"dZ": (m, n1), "A_prev": (m, n0), "W": (n0, n1)}, seed)
    backward = "def linear_backward" + DERIVATION.split("def linear_backward")[1]
    _, want, got = run_both(backward, "linear_backward", kwargs)
    assert_transposed(want, got, exact=False)


@given(func=st.sampled_from(["sum", "mean", "max", "min", "prod", "std", "var", "argmax", "argmin", "cumsum"]),
       axis=st.sampled_from([0, 1, -1, -2]), keepdims=st.booleans(), method=st.booleans(),
       rows=st.integers(1, 6), cols=st.integers(1, 6))
def test_reductions_on_any_axis(func: str, axis: int, keepdims: bool, method: bool, rows: int, cols: int) -> None:
    keep = ", keepdims=True" if keepdims and func not in ("argmax", "argmin", "cumsum") else ""
    call = f"Z.{func}(axis={axis}{keep})" if method else f"np.{func}(Z, axis={axis}{keep})"
    source = f"def f(Z):\n    return {call}\n"
    _, want, got = run_both(source, "f", inputs_for({"Z": (rows, cols)}))
    assert_transposed(want, got, exact=False)


@given(rows=st.integers(1, 5), cols=st.integers(1, 5), i=st.integers(-5, 4), j=st.integers(-5, 4),
       form=st.sampled_from(["X[{i}, {j}]", "X[{i}]", "X[:, {j}]", "X[{i}:, :{j}]", "X[::2, {j}]", "X[{i}, ::-1]"]))
def test_indexing_on_any_shape(rows: int, cols: int, i: int, j: int, form: str) -> None:
    i, j = i % rows, j % cols
    source = f"def f(X):\n    return {form.format(i=i, j=j)}\n"
    translated, want, got = run_both(source, "f", inputs_for({"X": (rows, cols)}))
    assert_transposed(want, got, exact=True)
    assert translate(translated, to="rowmajor").replace(f"X[{i}, :]", f"X[{i}]") == source


def test_mask_augmented_assignment_and_items_of_containers() -> None:
    source = '''def f(dA, Z, caches):
    dZ = dA.copy()
    dZ[Z <= 0] *= 0.0
    A_prev, Z_prev = caches[0]
    scale = caches[1][1]
    return dZ * scale + A_prev.sum(axis=0) @ Z_prev
'''
    rng = np.random.default_rng(5)
    kwargs = {"dA": rng.standard_normal((4, 3)), "Z": rng.standard_normal((4, 3)),
              "caches": [(rng.standard_normal((2, 3)), rng.standard_normal((3, 3))),
                         (None, rng.standard_normal((4, 3)))]}
    translated, want, got = run_both(source, "f", kwargs)
    assert "dZ[Z <= 0] *= 0.0" in translated and "caches[1][1]" in translated
    assert "(Z_prev @ A_prev.sum(axis=1))[:, None]" in translated  # 1-D, as the examples show
    assert_transposed(want, got, exact=False)


def test_results_of_user_functions_named_as_containers() -> None:
    source = '''def init(n):
    return {"W1": np.ones((n, 2)), "b1": np.zeros((1, 2))}


def step(X, n=3):
    params = init(n)
    for key in params:
        params[key] = params[key] * 2
    return X @ params["W1"] + params["b1"]
'''
    translated, want, got = run_both(source, "step", {"X": np.arange(6.0).reshape(2, 3)})
    assert 'params["W1"] @ X + params["b1"]' in translated and "np.ones((2, n))" in translated
    assert_transposed(want, got, exact=True)


def test_a_mark_on_the_first_line_does_not_survive_a_round_trip() -> None:
    source = "W = np.random.randn(3, 4)\nb = np.zeros((1, 4))\n"
    there = translate(source, to="colmajor")
    assert there.startswith("# nnconv: the same random draw")
    assert translate(there, to="rowmajor") == source
