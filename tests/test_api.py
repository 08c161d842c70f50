"""The package-level API: conventions and aliases, transpose, save/load, update, fit's contract."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from networks import data

import nnconv
from nnconv import colmajor as C
from nnconv import rowmajor as R
from nnconv import transpose


def test_both_modules_provide_the_same_names_and_signatures() -> None:
    import inspect

    names = [n for n in nnconv.Convention.__dict__ if not n.startswith("_")] + ["NAME"]
    for name in names:
        assert hasattr(R, name) and hasattr(C, name), name
        if callable(getattr(R, name)):
            assert inspect.signature(getattr(R, name)) == inspect.signature(getattr(C, name)), name
    assert (R.NAME, C.NAME) == ("rowmajor", "colmajor")


@pytest.mark.parametrize(("alias", "name"), [
    ("rowmajor", "rowmajor"), ("CS231n", "rowmajor"), ("keras", "rowmajor"), ("pytorch", "rowmajor"),
    ("scikit-learn", "rowmajor"), ("colmajor", "colmajor"), ("deeplearning.ai", "colmajor"),
    ("Nielsen", "colmajor"), ("flux", "colmajor"),
])
def test_convention_aliases(alias: str, name: str) -> None:
    assert nnconv.convention(alias).NAME == name
    assert nnconv.convention(nnconv.convention(alias)) is nnconv.convention(name)


def test_unknown_convention_lists_the_valid_names() -> None:
    with pytest.raises(ValueError, match="deeplearning.ai"):
        nnconv.convention("fortran")


def test_transpose_is_an_involution_on_every_kind_of_object() -> None:
    X, Y = data([3, 2], 4, "ce")
    params = R.init_params([3, 2], seed=0)
    _, caches = R.forward(X, params, ["softmax"])
    for obj in (X, params, caches, caches[0], (X, Y)):
        back = transpose(transpose(obj))
        assert type(back) is type(obj)
    assert np.array_equal(transpose(X), X.T) and transpose(X).flags.f_contiguous
    assert transpose(3.5) == 3.5 and transpose("W1") == "W1"
    labels = np.arange(4)
    assert transpose(labels) is labels
    assert isinstance(transpose(caches[0]), nnconv.LayerCache)


@pytest.mark.parametrize("saved_in", ["rowmajor", "colmajor"])
@pytest.mark.parametrize("loaded_in", ["rowmajor", "colmajor"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_save_load_round_trip_is_bit_exact(tmp_path, saved_in, loaded_in, dtype) -> None:
    params = nnconv.convention(saved_in).init_params([5, 4, 2], seed=1, dtype=dtype)
    path = tmp_path / "params.npz"
    nnconv.save(path, params, saved_in)
    loaded = nnconv.load(path, loaded_in)
    expected = params if saved_in == loaded_in else transpose(params)
    assert loaded.keys() == expected.keys()
    for key in params:
        assert loaded[key].dtype == dtype and np.array_equal(loaded[key], expected[key])


def test_update_is_pure_and_keeps_float32() -> None:
    params = R.init_params([3, 2], seed=0, dtype=np.float32)
    before = {k: v.copy() for k, v in params.items()}
    grads = {f"d{k}": np.ones_like(v) for k, v in params.items()}
    new = R.update(params, grads, np.float64(0.5))
    for key in params:
        assert np.array_equal(params[key], before[key])
        assert new[key].dtype == np.float32
        assert np.array_equal(new[key], before[key] - np.float32(0.5))


@pytest.mark.parametrize("convention", [R, C], ids=["rowmajor", "colmajor"])
def test_fit_leaves_its_inputs_alone_and_learns(convention) -> None:
    X, Y = data([2, 8, 1], 64, "bce")
    Y = (X[:, :1] * X[:, 1:] > 0).astype(float)
    if convention is C:
        X, Y = X.T, Y.T
    params = convention.init_params([2, 8, 1], seed=0)
    copies = [a.copy() for a in (X, Y, *params.values())]
    fitted, history = convention.fit(X, Y, params, ["tanh", "sigmoid"], loss="bce", learning_rate=0.5,
                                     epochs=200, batch_size=16, seed=0)
    for before, after in zip(copies, (X, Y, *params.values())):
        assert np.array_equal(before, after)
    assert len(history) == 200 and history[-1] < 0.5 * history[0]
    again, history_again = convention.fit(X, Y, params, ["tanh", "sigmoid"], loss="bce",
                                          learning_rate=0.5, epochs=200, batch_size=16, seed=0)
    assert history == history_again  # the seed fixes the shuffling


def test_fit_shows_a_progress_bar(capsys) -> None:
    X, Y = data([3, 2], 10, "ce")
    R.fit(X, Y, R.init_params([3, 2], seed=0), ["softmax"], loss="ce", epochs=3, progress=True)
    assert "3/3" in capsys.readouterr().err


def test_import_nnconv_imports_no_framework() -> None:
    code = "import sys, nnconv; print(sorted(m for m in ('torch', 'sklearn', 'tqdm', 'libcst') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_mypy_checks_that_both_modules_satisfy_the_protocol(tmp_path) -> None:
    """A module missing a function fails the Protocol check: the check is real."""
    from mypy import api

    good = ("import nnconv\nfrom nnconv import colmajor, rowmajor\n"
            "c: nnconv.Convention = rowmajor\nd: nnconv.Convention = colmajor\n")
    bad = "import nnconv\nimport math\nc: nnconv.Convention = math\n"
    (tmp_path / "good.py").write_text(good)
    (tmp_path / "bad.py").write_text(bad)
    assert api.run([str(tmp_path / "good.py"), "--no-incremental"])[2] == 0
    assert api.run([str(tmp_path / "bad.py"), "--no-incremental"])[2] != 0


def test_the_conventions_page_lists_every_alias() -> None:
    from pathlib import Path

    page = (Path(__file__).resolve().parents[1] / "docs" / "conventions.md").read_text()
    for alias, name in nnconv.CONVENTION_ALIASES.items():
        row = next(line for line in page.splitlines() if line.startswith(f"| `{name}` |"))
        assert f"`{alias}`" in row, alias
