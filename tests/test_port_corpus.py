"""The porting corpus: course-style NumPy files, translated, verified by running them, counted.

Each ``tests/port_corpus/<style>_<topic>.py`` is plain NumPy written the way one kind of
course or library writes it (its docstring says which, and which of the ``FAILURE_CLASSES``
of porting it exercises); beside it, ``<style>_<topic>_checks.py`` imports it by its module
name and calls it on seeded example inputs, like a course's test cases. ``MANIFEST`` says for
each file the convention its translation goes to, the hints a user would pass, and which
functions only a refusal ports correctly.

The properties tested, for every file and in every mode of ``MODES`` (no evidence; the
manifest's hints; the hints found by following the messages; the checks as examples; half of
them): ``translate`` refuses with a ``TranslationError`` naming the line and a variable on it,
or its result is verified exact or close by the full checks on every function they exercise, or
that function is refused with a reason; never wrong, never failed. Besides:

- with the checks as examples, every function is verified unless the manifest lists it;
- a message that asks for a hint, answered with the kind the checks show, is not repeated;
- ``verify`` replays calls the checks make late (a branch reached after many calls);
- ``nnconv translate FILE --to X --run CHECKS --check`` exits 0 on a good port and non-zero
  on a planted wrong translation and on checks that crash the original.

``python -m tests.test_port_corpus`` (or ``pytest tests/test_port_corpus.py -s -k table``)
prints the table of translated, verified and refused functions per mode, and the refusals
by reason.
"""

from __future__ import annotations

import ast
import contextlib
import io
import keyword
import random
import re
import runpy
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nnconv.port
from nnconv.cli import main
from nnconv.port import TranslationError, translate, verify

CORPUS = Path(__file__).parent / "port_corpus"
FAILURE_CLASSES = {
    1: "1-D biases (a (M,) bias broadcast against (N, M) rows)",
    2: "fancy indexing by a call: probs[range(N), y], x[np.arange(N), y]",
    3: "a scalar index on a vector held 2-D: e[j] = 1.0 on a column",
    4: "dict look-ups with a default: bn_param.get('momentum', 0.9)",
    5: "names whose rank changes between branches, or that are re-assigned",
    6: "arrays held on attributes: self.W, self.dinputs, self.Z.shape[0]",
    7: "loops over the rows: zip(X, Y), enumerate(X)",
    8: "shape tuples in asserts: assert Z.shape == (W.shape[0], A.shape[1])",
    9: "lists and other containers: len(layers)",
    10: "np.random.choice, np.argsort, np.diagflat, np.random.rand(*x.shape), a user helper for np.dot, "
        "random.shuffle",
    11: "methods of classes, checked like functions",
    12: "messages that point to the fix: scalars= for np.zeros(n), the variable of an np.newaxis",
}
"""The ways porting real course code went wrong, which the corpus files name by number."""
VERIFIED = ("exact", "close")
MODES = ("plain", "hints", "followed", "examples", "partial")
"""Translated without examples or hints; without examples, with the manifest's hints; with the
hints a user finds by following the refusals' messages; with the checks as examples (and no
hints); with the first half of the checks as examples. Every translation is verified on the
full checks."""


@dataclass(frozen=True)
class Case:
    """One corpus file: ``to`` is the convention of its translation; ``hints`` the keywords a
    user would pass (``scalars=``, ``vectors=``, ``matrices=``, ``containers=``); ``refuse``
    maps a function (qualified name) that only a refusal ports correctly to a pattern its
    reason must match; ``may_refuse`` likewise maps a function whose refusal is the fix its
    failure class calls for (a loop over the rows of an array, rows unpacked into names),
    though a translation verified by execution would do as well."""

    stem: str
    to: str
    hints: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    refuse: Mapping[str, str] = field(default_factory=dict)
    may_refuse: Mapping[str, str] = field(default_factory=dict)


MANIFEST = [
    Case("cs231n_layers", "colmajor",
         hints={"scalars": ("eps", "momentum", "p"),
                "vectors": ("b", "y", "gamma", "beta", "db", "dgamma", "dbeta", "running_mean", "running_var",
                            "sample_mean", "sample_var", "var", "correct_class_scores", "num_pos"),
                "containers": ("affine_backward.cache", "affine_relu_forward.fc_cache",
                               "affine_relu_backward.cache", "affine_relu_backward.fc_cache",
                               "dropout_backward.cache", "batchnorm_backward.cache", "bn_param",
                               "dropout_param")},
         refuse={"flatten_rows": r"3-D|dimension"}),
    Case("cs231n_fc_net", "colmajor",
         hints={"scalars": ("reg", "weight_scale", "p", "dropout_keep_ratio"),
                "vectors": ("b", "db", "y"),
                "containers": ("hidden_dims", "dims", "caches", "masks", "grads", "cache", "self.params",
                               "self.dropout_param")}),
    Case("cs231n_two_layer_net", "colmajor",
         hints={"scalars": ("reg", "learning_rate", "std", "input_size", "hidden_size", "output_size", "k"),
                "vectors": ("b1", "b2", "y", "y_batch", "batch_indices", "y_pred"),
                "containers": ("grads", "loss_history", "self.params")}),
    Case("cs231n_optim", "colmajor", hints={"containers": ("config",)}),
    Case("dlai_step_by_step", "rowmajor",
         hints={"scalars": ("learning_rate",),
                "containers": ("parameters", "params", "grads", "caches", "cache", "layer_dims", "linear_cache",
                               "current_cache")}),
    Case("dlai_dnn_utils", "rowmajor",
         hints={"scalars": ("learning_rate", "num_iterations", "n_x", "n_h", "n_y"),
                "matrices": ("cache", "cache1", "cache2"),
                "containers": ("layers_dims", "parameters", "grads", "costs")}),
    Case("dlai_regularization", "rowmajor",
         hints={"scalars": ("lambd", "keep_prob"), "containers": ("parameters", "cache")}),
    Case("dlai_optimization", "rowmajor",
         hints={"scalars": ("beta", "learning_rate", "t", "mini_batch_size", "seed", "beta1", "beta2", "epsilon"),
                "containers": ("parameters", "grads", "v", "s", "v_corrected", "s_corrected", "mini_batches",
                               "permutation")}),
    Case("dlai_gradient_checking", "rowmajor",
         hints={"scalars": ("epsilon",), "containers": ("parameters", "gradients", "cache", "keys")}),
    Case("nielsen_network", "rowmajor",
         hints={"scalars": ("eta", "epochs", "mini_batch_size"),
                "containers": ("sizes", "training_data", "test_data", "mini_batch", "mini_batches", "self.biases",
                               "self.weights", "nabla_b", "nabla_w", "delta_nabla_b", "delta_nabla_w",
                               "activations", "zs", "test_results")}),
    Case("nielsen_network2", "rowmajor",
         hints={"scalars": ("eta", "lmbda", "n", "j"),
                "containers": ("sizes", "data", "mini_batch", "self.biases", "self.weights", "nabla_b", "nabla_w",
                               "delta_nabla_b", "delta_nabla_w", "activations", "zs", "results")}),
    Case("nnfs_layers", "colmajor", may_refuse={"Activation_Softmax.backward": r"rows|loop"}),
    Case("nnfs_optimizers", "colmajor",
         hints={"scalars": ("rate", "learning_rate", "decay", "momentum", "epsilon", "beta_1", "beta_2",
                            "weight_regularizer_l1", "weight_regularizer_l2", "bias_regularizer_l1",
                            "bias_regularizer_l2")}),
    Case("mlfs_network", "colmajor",
         hints={"scalars": ("learning_rate", "momentum", "Dropout.__init__.p", "n_col", "batch_size", "n_units"),
                "vectors": ("idx", "y_true", "accuracy_score.y_pred"),
                "containers": ("self.layers", "input_shape", "shape", "batch_error", "errors")}),
    Case("numpyml_layers", "colmajor",
         hints={"scalars": ("lr", "batchsize", "n_out"),
                "containers": ("FullyConnected.backward.dX", "self.X", "self.parameters", "self.gradients",
                               "self.derived_variables")}),
    Case("sklearn_mlp", "colmajor",
         hints={"scalars": ("alpha", "n_samples", "_compute_loss_grad.layer"),
                "vectors": ("packed_parameters",),
                "containers": ("activations", "deltas", "coef_grads", "intercept_grads", "coefs_", "intercepts_",
                               "self.coefs_", "self.intercepts_", "layer_units", "self._coef_indptr",
                               "self._intercept_indptr")}),
    Case("blog_twolayer", "colmajor",
         hints={"scalars": ("eta", "lr", "epochs"),
                "vectors": ("perceptron_sgd.Y", "perceptron_sgd.w"),
                "containers": ("losses",)},
         may_refuse={"row_dots": r"rows|loop", "perceptron_sgd": r"rows|loop", "sgd_per_example": r"rows|loop"}),
    Case("blog_planar", "rowmajor",
         hints={"scalars": ("learning_rate", "epochs", "i", "j"), "containers": ("layers", "costs")},
         may_refuse={"make_features": r"rows|unpack"}),
    Case("mlcourse_ex4", "colmajor",
         hints={"scalars": ("lambda_", "input_layer_size", "hidden_layer_size", "num_labels", "L_in", "L_out",
                            "epsilon_init"),
                "vectors": ("nn_params", "y", "p")}),
]
CASES = {case.stem: case for case in MANIFEST}


# ----------------------------------------------------------------------------- running the corpus
def read(stem: str) -> str:
    return (CORPUS / f"{stem}.py").read_text(encoding="utf-8")


@contextlib.contextmanager
def corpus_import(stem: str) -> Iterator[None]:
    """The corpus directory on ``sys.path`` and the random states kept, for the time of a run;
    afterwards the module imported from it is forgotten."""
    np_state, py_state = np.random.get_state(), random.getstate()  # noqa: NPY002 - the checks seed the legacy state
    sys.path.insert(0, str(CORPUS))
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        sys.path.remove(str(CORPUS))
        sys.modules.pop(stem, None)
        np.random.set_state(np_state)  # noqa: NPY002
        random.setstate(py_state)


@cache
def exercised(stem: str) -> frozenset[str]:
    """The qualified names of the functions and methods of ``stem`` that its checks call, found
    by running the checks on the original under a profiler (nothing of nnconv is involved)."""
    path = str(CORPUS / f"{stem}.py")
    seen: set[str] = set()

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code.co_filename == path:
            seen.add(frame.f_code.co_qualname)

    with corpus_import(stem):
        previous = sys.getprofile()
        sys.setprofile(profile)
        try:
            runpy.run_path(str(CORPUS / f"{stem}_checks.py"), run_name="__main__")
        finally:
            sys.setprofile(previous)
    return frozenset(seen & set(defined(stem)))


def defined(stem: str) -> list[str]:
    """The qualified names of the functions and methods ``stem`` defines."""
    names = []
    for node in ast.parse(read(stem)).body:
        if isinstance(node, ast.FunctionDef):
            names.append(node.name)
        elif isinstance(node, ast.ClassDef):
            names += [f"{node.name}.{f.name}" for f in node.body if isinstance(f, ast.FunctionDef)]
    return names


def kind(value: Any) -> str | None:
    """The kind of a value as the hints name it (None for None and for other objects)."""
    if isinstance(value, (bool, int, float, np.number)) or isinstance(value, np.ndarray) and value.ndim == 0:
        return "scalars"
    if isinstance(value, np.ndarray):
        return {1: "vectors", 2: "matrices"}.get(value.ndim, f"{value.ndim}-D arrays")
    if isinstance(value, (list, tuple, dict)):
        return "containers"
    return None


@cache
def observed(stem: str) -> dict[tuple[str, str], frozenset[str]]:
    """(function, name or ``self.attribute``) -> the kinds it held at any line the checks ran,
    from a trace of the original."""
    path = str(CORPUS / f"{stem}.py")
    kinds: dict[tuple[str, str], set[str]] = {}

    def look(frame: Any) -> None:
        where = frame.f_code.co_qualname
        values = dict(frame.f_locals)
        self = values.get("self")
        if self is not None and hasattr(self, "__dict__"):
            values.update({f"self.{k}": v for k, v in vars(self).items()})
        for name, value in values.items():
            k = kind(value)
            if k is not None:
                kinds.setdefault((where, name), set()).add(k)

    def trace(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != path:
            return None
        if event in ("line", "return"):
            look(frame)
        return trace

    with corpus_import(stem):
        previous = sys.gettrace()
        sys.settrace(trace)
        try:
            runpy.run_path(str(CORPUS / f"{stem}_checks.py"), run_name="__main__")
        finally:
            sys.settrace(previous)
    return {key: frozenset(v) for key, v in kinds.items()}


def contradicted_hints(stem: str) -> list[str]:
    """The hints of ``stem`` that a trace of its checks contradicts: a hint ``name`` (or
    ``function.name``) must hold its kind wherever the name holds a value."""
    problems = []
    seen = observed(stem)
    for keyword_, names in CASES[stem].hints.items():
        for hint in names:
            if hint.startswith("self."):
                scope, name = "", hint
            elif ".self." in hint:
                scope, _, attribute = hint.partition(".self.")
                name = "self." + attribute
            else:
                scope, _, name = hint.rpartition(".")
            matches = {(f, n): k for (f, n), k in seen.items()
                       if n == name and (not scope or f == scope or f.endswith("." + scope))}
            if not matches:
                problems.append(f"{keyword_}={hint!r}: the checks never give it a value")
            problems += [f"{keyword_}={hint!r}: {f}.{n} also holds {sorted(k - {keyword_})}"
                         for (f, n), k in matches.items() if k - {keyword_}]
    return problems


SUGGESTED = re.compile(r"nothing establishes whether .+? (?:is|are) numbers.*?"
                       r"scoped to a function like ['\"]([^'\"]+)['\"]")


def refusals_in(translated: str) -> list[str]:
    """The messages of the functions and statements a translation refuses: they raise
    ``NotImplementedError("nnconv: not translated: …")``."""
    messages = []
    for node in ast.walk(ast.parse(translated)):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            arg = node.exc.args[0]
            if isinstance(arg, ast.Constant) and str(arg.value).startswith("nnconv: not translated"):
                messages.append(str(arg.value))
    return messages


def suggested_hint(stem: str, message: str) -> tuple[str, str] | None:
    """(keyword, path) for the hint a refusal asks for, with the kind the name truly holds
    there (from a trace of the checks); None if the message names no path, or the name holds
    more than one kind or one no hint names (a 3-D array)."""
    match = SUGGESTED.search(message)
    if match is None:
        return None
    parts = match.group(1).split(".")
    for i in range(len(parts) - 1, 0, -1):
        kinds = observed(stem).get((".".join(parts[:i]), ".".join(parts[i:])))
        if kinds is not None:
            hintable = len(kinds) == 1 and kinds <= {"scalars", "vectors", "matrices", "containers"}
            return (next(iter(kinds)), match.group(1)) if hintable else None
    return None


@cache
def followed_hints(stem: str) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """The hints a user finds by following the messages: translate, give each refused name the
    kind it truly holds, as the message suggests, and again, until no message asks for a hint
    that can be given. Returns the hints and the messages that point the wrong way (the name
    they asked about, hinted truly, refused again for want of its kind)."""
    case = CASES[stem]
    hints: dict[str, set[str]] = {}
    wrong_way: list[str] = []
    for _ in range(16):
        given = {path for paths in hints.values() for path in paths}
        try:
            translated = translate(read(stem), to=case.to, **{k: tuple(sorted(v)) for k, v in hints.items()})
            messages = refusals_in(translated)
        except TranslationError as error:
            messages = [str(error)]
        added = False
        for message in messages:
            hint = suggested_hint(stem, message)
            if hint is None:
                continue
            if hint[1] in given:
                wrong_way.append(f"{hint[0]}={hint[1]!r} given, refused again: {message}")
            else:
                hints.setdefault(hint[0], set()).add(hint[1])
                added = True
        if not added:
            break
    return {k: tuple(sorted(v)) for k, v in hints.items()}, tuple(wrong_way)


@dataclass
class Outcome:
    """What translating one file in one mode gave: the refusal, or the translation and the
    verdict on each exercised function."""

    case: Case
    mode: str
    error: TranslationError | None = None
    crash: str | None = None
    translated: str | None = None
    verdicts: dict[str, Any] = field(default_factory=dict)

    def status(self, name: str) -> tuple[str, str]:
        """(status, reason) of the function or method ``name`` (``Class.method``): a whole-file
        refusal counts for every function."""
        if self.crash is not None:
            return "crashed", self.crash
        if self.error is not None:
            return "refused", self.error.reason
        verdict = self.verdicts.get(name)
        return ("missing", "no verdict") if verdict is None else (verdict.status, verdict.reason)


def first_half(checks: str) -> str:
    """The first half of the top-level statements of a checks script: examples that leave
    some of the code, or some of its branches, unreached."""
    body = ast.parse(checks).body
    return ast.unparse(ast.Module(body=body[:max(2, len(body) // 2)], type_ignores=[]))


@cache
def outcome(stem: str, mode: str) -> Outcome:
    """Translate ``stem`` in ``mode`` and verify the result on its checks."""
    case = CASES[stem]
    source, checks = read(stem), read(f"{stem}_checks")
    kwargs: dict[str, Any] = {}
    if mode == "hints":
        kwargs.update(case.hints)
    elif mode == "followed":
        kwargs.update(followed_hints(stem)[0])
    elif mode == "examples":
        kwargs.update(examples=checks, module=stem)
    elif mode == "partial":
        kwargs.update(examples=first_half(checks), module=stem)
    result = Outcome(case, mode)
    try:
        result.translated = translate(source, to=case.to, **kwargs)
    except TranslationError as error:
        result.error = error
        return result
    except Exception as error:  # noqa: BLE001 - reported per function, with the rest of the table
        result.crash = f"translate raised {type(error).__name__}: {error}"
        return result
    try:
        result.verdicts = dict(verify(source, result.translated, to=case.to, examples=checks, module=stem))
    except Exception as error:  # noqa: BLE001 - as above
        result.crash = f"verify raised {type(error).__name__}: {error}"
    return result


# ------------------------------------------------------------------------------------ assertions
def refusal_problems(error: TranslationError, source: str) -> list[str]:
    """What is missing from a refusal's message: its line, a variable of that line named in
    its reason, what to pass."""
    problems = message_problems(error.line, error.construct, error.reason, source)
    if f"line {error.line}" not in str(error):
        problems.append(f"the message does not say 'line {error.line}': {error}")
    return problems


SUGGESTIONS = re.compile(r"range\(([\w.]+)\.shape\[0\]\)|index ([\w.]+)\[|index the rows, ([\w.]+)\[")
"""Code a reason suggests writing, with the name it must take from the refused line."""


def message_problems(line: int, construct: str, reason: str, source: str) -> list[str]:
    """The refusal of ``construct`` at ``line`` must name a variable of that line, say what to
    pass when a kind is unknown (scalars= for np.zeros(n)), and suggest code in the line's own
    names."""
    lines = source.splitlines()
    if not 1 <= line <= len(lines):
        return [f"line {line} is not a line of the file: {reason!r}"]
    text = lines[line - 1]
    problems = []
    words = set(re.findall(r"[A-Za-z_]\w*", text)) - set(keyword.kwlist) - {"np", "numpy"}
    if not any(re.search(rf"(?<![\w.]){re.escape(w)}(?!\w)", reason) for w in words):
        problems.append(f"the reason names no variable of line {line} ({text.strip()!r}): {reason!r}")
    if "nothing establishes" in reason and not re.search(r"examples=|--run|(scalars|vectors|matrices|"
                                                         r"containers)=", reason):
        problems.append(f"an unknown kind, and the reason does not say what to pass: {reason!r}")
    if re.fullmatch(r"np\.(zeros|ones|empty)\(\w+\)", construct) and "scalars=" not in reason:
        problems.append(f"{construct} of a name: the fix is scalars=, which the reason does not say: {reason!r}")
    for name in sorted({next(g for g in match.groups() if g) for match in SUGGESTIONS.finditer(reason)}):
        if not re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", text):
            problems.append(f"the reason suggests code with {name}, which line {line} ({text.strip()!r}) does "
                            f"not use: {reason!r}")
    return problems


REFUSAL = re.compile(r"^(?:[\w.]+: )?line (\d+): ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"): (.*)$", re.S)
"""A refused function's reason: ``line N: 'construct': why``."""


def verdict_problems(result: Outcome, allow_refused: bool) -> list[str]:
    """Each exercised function must be verified exact or close (or refused with a reason, where
    allowed); a function of ``refuse`` must be refused for the reason given, one of
    ``may_refuse`` may be."""
    problems = []
    case = result.case
    for name in sorted(exercised(case.stem)):
        status, reason = result.status(name)
        if name in case.refuse and result.error is None:
            if status != "refused" or not re.search(case.refuse[name], reason):
                problems.append(f"{name}: {status} ({reason}); only a refusal matching "
                                f"{case.refuse[name]!r} ports it correctly")
        elif status in VERIFIED:
            continue
        elif status == "refused" and (match := REFUSAL.match(reason)) is not None and (
                found := message_problems(int(match.group(1)), ast.literal_eval(match.group(2)), match.group(3),
                                          read(case.stem))):
            problems += [f"{name}: refused, {problem}" for problem in found]
        elif status == "refused" and allow_refused and reason.strip():
            continue
        elif status == "refused" and name in case.may_refuse and re.search(case.may_refuse[name], reason):
            continue
        else:
            problems.append(f"{name}: {status} ({reason})")
    return problems


def report(result: Outcome, problems: list[str]) -> str:
    head = f"{result.case.stem}.py, {result.mode}, to {result.case.to}:"
    return "\n  ".join([head, *problems])


def params(modes: tuple[str, ...]) -> list[Any]:
    return [pytest.param(case.stem, mode, id=f"{case.stem}-{mode}") for case in MANIFEST for mode in modes
            if mode != "hints" or case.hints]


# ------------------------------------------------------------------------------------------ tests
def test_the_corpus_covers_every_failure_class_in_six_styles() -> None:
    """At least 15 files in at least 6 styles, both directions, a checks script and a manifest
    entry for each, and every one of the ``FAILURE_CLASSES`` named by some file's docstring."""
    stems = sorted(p.stem for p in CORPUS.glob("*.py") if not p.stem.endswith("_checks"))
    assert stems == sorted(CASES), "every corpus file needs exactly one MANIFEST entry"
    assert all((CORPUS / f"{s}_checks.py").exists() for s in stems)
    assert len(stems) >= 15 and len({s.split("_")[0] for s in stems}) >= 6
    assert {case.to for case in MANIFEST} == {"rowmajor", "colmajor"}
    named: set[int] = set()
    for stem in stems:
        doc = ast.get_docstring(ast.parse(read(stem))) or ""
        named |= {int(n) for n in re.findall(r"\b(\d{1,2}) \(", doc)}
    assert named == set(FAILURE_CLASSES)


@pytest.mark.parametrize("stem", sorted(CASES))
def test_each_file_runs_under_its_checks(stem: str) -> None:
    """The checks run on the original and call every function and method it defines."""
    assert sorted(set(defined(stem)) - exercised(stem)) == []
    for name in CASES[stem].refuse:
        assert name in exercised(stem)


@pytest.mark.parametrize("stem", sorted(stem for stem, case in CASES.items() if case.hints))
def test_the_hints_are_true(stem: str) -> None:
    """The hints are what a careful user would pass: every hinted name holds its kind wherever
    the checks give it a value (else a wrong result with hints would be the manifest's fault)."""
    assert not contradicted_hints(stem)


@pytest.mark.parametrize("stem", sorted(CASES))
def test_following_the_messages_never_loops(stem: str) -> None:
    """A refusal for want of a kind names a path to hint; hinted with the kind the checks show
    it holds, that path is not refused again for want of its kind (class 12)."""
    assert not followed_hints(stem)[1], "\n".join(followed_hints(stem)[1])


@pytest.mark.parametrize(("stem", "mode"), params(MODES))
def test_refused_or_verified_never_wrong(stem: str, mode: str) -> None:
    """In every mode (no evidence; hints; the checks as examples; half of them, which leaves
    code unreached): a refusal that names the line and a variable on it, or a translation whose
    every exercised function the full checks verify exact or close or find refused with a
    reason; never wrong, never failed."""
    result = outcome(stem, mode)
    problems = refusal_problems(result.error, read(stem)) if result.error is not None else []
    problems += verdict_problems(result, allow_refused=True)
    assert not problems, report(result, problems)


@pytest.mark.parametrize(("stem", "mode"), params(("examples",)))
def test_with_examples_every_function_verified(stem: str, mode: str) -> None:
    """The aim of translating from evidence: with the checks as examples, every exercised
    function the manifest does not list as refused is verified by execution."""
    result = outcome(stem, mode)
    problems = verdict_problems(result, allow_refused=False)
    assert not problems, report(result, problems)


@pytest.mark.parametrize(("stem", "hint"), [("cs231n_layers", "affine_forward.w"),
                                            ("dlai_step_by_step", "linear_forward.W"),
                                            ("nnfs_layers", "Layer_Dense.forward.inputs")])
def test_a_hint_the_examples_contradict_is_an_error(stem: str, hint: str) -> None:
    """A 2-D array hinted as 1-D while the examples show it 2-D: an error naming it."""
    function, _, name = hint.rpartition(".")
    assert observed(stem)[function, name] == {"matrices"}
    with pytest.raises(TranslationError, match=rf"\b{re.escape(name)}\b"):
        translate(read(stem), to=CASES[stem].to, examples=read(f"{stem}_checks"), module=stem, vectors=(hint,))


def test_verify_is_still_the_function_after_a_call() -> None:
    """``nnconv.port.verify`` is pinned API: importing the submodule of the same name on the
    first call must not put the module in the function's place."""
    verify(read("cs231n_optim"), read("cs231n_optim"), to="colmajor", examples=read("cs231n_optim_checks"),
           module="cs231n_optim")
    assert nnconv.port.verify is verify and callable(nnconv.port.verify), nnconv.port.verify


WRONG_BATCHNORM_TEST_MODE = '''
def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    D, N = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    cache = None
    if mode == "train":
        sample_mean = x.mean(axis=1)
        sample_var = x.var(axis=1)
        xhat = (x - sample_mean[:, np.newaxis]) / np.sqrt(sample_var + eps)[:, np.newaxis]
        out = gamma[:, np.newaxis] * xhat + beta[:, np.newaxis]
        cache = (xhat, gamma, sample_var, eps)
        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
    elif mode == "test":
        # the 1-D running statistics broadcast along the examples, as in the rowmajor original
        xhat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * xhat + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache
'''


def test_verify_replays_every_branch_the_examples_reach() -> None:
    """The checks run batchnorm_forward three times in training mode and many more times in a
    gradient check before they run its test mode: a translation right in training mode and wrong
    in test mode (the 1-D running statistics broadcast along the examples) must not pass."""
    source = read("cs231n_layers")
    verdicts = verify(source, source + WRONG_BATCHNORM_TEST_MODE, to="colmajor",
                                  examples=read("cs231n_layers_checks"), module="cs231n_layers")
    verdict = verdicts["batchnorm_forward"]
    assert verdict.status not in VERIFIED, (
        f"{verdict}: the test-mode call (about the 40th) was never replayed; a call that reaches lines or "
        "kinds and shapes of arguments no earlier recorded call reached must be recorded too")


# --------------------------------------------------------------------------------------- the CLI
def cli(stem: str, capsys: pytest.CaptureFixture[str], path: Path | None = None,
        checks: Path | None = None) -> tuple[int, str]:
    path = path or CORPUS / f"{stem}.py"
    checks = checks or CORPUS / f"{stem}_checks.py"
    code = main(["translate", str(path), "--to", CASES[stem].to, "--run", str(checks), "--check"])
    out = capsys.readouterr()
    return code, out.out + out.err


GOOD_PORTS = ["cs231n_fc_net", "dlai_step_by_step", "nnfs_layers"]

WRONG_AFFINE_RELU = '''

def affine_relu(x, w, b):
    # the 1-D bias broadcast along the examples: wrong numbers when the batch is square
    a = w.dot(x) + b
    return np.maximum(a, 0), (x, w, a)
'''


@pytest.mark.parametrize("stem", GOOD_PORTS)
def test_cli_check_exits_0_on_a_good_port(stem: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = cli(stem, capsys)
    assert code == 0, out


@pytest.mark.parametrize("plant", ["untranslated", "bias"])
def test_cli_check_fails_a_planted_wrong_translation(plant: str, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The translation replaced by the original as it was, or by the good translation with
    ``affine_relu`` redefined the way a guessed 2-D bias ports it (class 1)."""
    planted = source = read("cs231n_fc_net")
    if plant == "bias":
        good = outcome("cs231n_fc_net", "examples").translated
        planted = (good or source) + WRONG_AFFINE_RELU
    monkeypatch.setattr(nnconv.port, "translate", lambda *args, **kwargs: planted)
    code, out = cli("cs231n_fc_net", capsys)
    assert code != 0, out
    if plant == "bias":
        line = next((line for line in out.splitlines() if line.strip().startswith("affine_relu ")), "")
        assert re.search(r"\b(wrong|failed)\b", line), out


def test_cli_check_fails_when_the_original_crashes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cs231n_optim.py"
    path.write_text(read("cs231n_optim"), encoding="utf-8")
    checks = tmp_path / "crash_checks.py"
    checks.write_text("import numpy as np\nfrom cs231n_optim import sgd_momentum\n\n"
                      "sgd_momentum(np.ones((2, 3)), np.ones((3, 2)))\n", encoding="utf-8")
    code, out = cli("cs231n_optim", capsys, path, checks)
    assert code != 0, out


# ------------------------------------------------------------------------------------- the table
def reason_key(reason: str, source: str) -> str:
    """A refusal's reason without its names, code and numbers, to count refusals by reason:
    the names of the line it refers to become "…"."""
    line = re.search(r"line (\d+)", reason)
    lines = source.splitlines()
    names = set()
    if line and 1 <= int(line.group(1)) <= len(lines):
        names = set(re.findall(r"[A-Za-z_]\w*", lines[int(line.group(1)) - 1])) - STOPWORDS
    text = re.sub(r"^(\S+: )?line \d+: ('[^']*'|\"[^\"]*\"): ", "", reason)
    text = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "…", text)
    text = re.sub(r"\s*\(in (?!the other)[^;]*$", "", re.split(r";|: ", text)[0])
    text = re.sub(r"[\w.]+[(\[]\S*|\b\w+\.\w[\w.]*", "…", text)
    text = re.sub(r"\b\w+\b", lambda m: "…" if m.group(0) in names else m.group(0), text)
    text = re.sub(r"\b\d+\b(?!-D)", "N", text)
    return re.sub(r"(…\s*)+", "… ", text).strip()[:90]


STOPWORDS = {"a", "an", "the", "of", "in", "is", "to", "or", "and", "for", "with", "as", "by", "on", "at", "axis",
             "shape", "order", "size", "array", "rows", "columns"}
"""Words kept in a reason even where the line's code uses them as names."""


def corpus_table() -> dict[str, Any]:
    """Per mode: files for which ``translate`` returned code (no whole-file refusal) and
    whose every exercised function is verified; exercised functions verified (exact or close),
    refused, wrong or failed; refusals by reason, as [files, functions]."""
    table: dict[str, Any] = {}
    for mode in MODES:
        row: Counter[str] = Counter()
        reasons: dict[str, list[int]] = {}
        for case in MANIFEST:
            result = outcome(case.stem, "plain" if mode == "hints" and not case.hints else mode)
            row["files"] += 1
            statuses = []
            keys = set()
            for name in sorted(exercised(case.stem)):
                status, reason = result.status(name)
                statuses.append(status)
                row["functions"] += 1
                row[status] += 1
                if status == "refused":
                    key = reason_key(reason, read(case.stem))
                    reasons.setdefault(key, [0, 0])[1] += 1
                    keys.add(key)
            for key in keys:
                reasons[key][0] += 1
            row["code returned"] += result.error is None and result.crash is None
            row["all verified"] += all(s in VERIFIED for s in statuses)
            row["verified"] += sum(s in VERIFIED for s in statuses)
        ordered = sorted(reasons.items(), key=lambda item: (-item[1][1], item[0]))
        table[mode] = {"counts": dict(row), "refusals": dict(ordered)}
    return table


def format_table(table: dict[str, Any]) -> str:
    columns = ["files", "code returned", "all verified", "functions", "verified", "exact", "close", "refused",
               "wrong", "failed", "crashed", "not exercised", "missing"]
    lines = ["mode      " + " | ".join(columns)]
    for mode, entry in table.items():
        lines.append(f"{mode:<9} " + " | ".join(f"{entry['counts'].get(c, 0):>{len(c)}}" for c in columns))
    for mode, entry in table.items():
        lines.append(f"refusals by reason, {mode} (files, functions):")
        lines += [f"  {files:>3} {functions:>4}  {reason}" for reason, (files, functions) in entry["refusals"].items()]
    return "\n".join(lines)


def test_corpus_table(capsys: pytest.CaptureFixture[str]) -> None:
    """The closing figures; no mode may leave a wrong or failed function."""
    table = corpus_table()
    with capsys.disabled():
        print("\n" + format_table(table))
    for mode, entry in table.items():
        counts = entry["counts"]
        assert not any(counts.get(s, 0) for s in ("wrong", "failed", "crashed", "missing")), (mode, counts)
        assert sum(n for _, n in entry["refusals"].values()) == counts.get("refused", 0)


if __name__ == "__main__":
    with contextlib.redirect_stdout(io.StringIO()):
        figures = corpus_table()
    print(format_table(figures))
