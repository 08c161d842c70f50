"""Rewriting from kinds: each rule of transposition, applied where the kinds say it applies.

The rewrite works on the source with libcst (comments and formatting survive). The kind of
every name, attribute and item comes from :mod:`nnconv.port.kinds` (evidence, hints, static
rules); the kind of every expression follows from its parts. The rules, each an identity of
transposition:

- ``A @ B`` → ``B @ A``, and so for ``np.dot``, ``np.matmul`` and ``A.dot(B)``: (AB)ᵀ = BᵀAᵀ
  (for 1-D operands too).
- ``.T``, ``.transpose()``, ``np.transpose``: kept (transposition commutes with itself).
- Elementwise arithmetic, comparisons and NumPy's elementwise functions: unchanged, except a
  1-D array against a 2-D one, which becomes a column ``v[:, None]`` so that it broadcasts
  along the same axis as before (marked ``# nnconv:``).
- Reductions (``sum``, ``mean``, ``max``, ``argmax``, ``argsort``…) of a matrix: axis 0 ↔ 1
  (negative axes too), keepdims kept, no axis unchanged.
- ``X.shape[0]`` ↔ ``X.shape[1]``; ``m, n = X.shape`` → ``n, m = X.shape``; ``len(X)`` →
  ``X.shape[1]``; ``X.shape == (a, b)`` → ``X.shape == (b, a)``.
- ``np.zeros((a, b))`` → ``np.zeros((b, a))`` (``ones``, ``empty``, ``full``, ``eye``);
  ``np.zeros(X.shape)`` and ``np.zeros_like(X)`` unchanged.
- Random draws keep their values: ``np.random.randn(a, b)`` → ``np.random.randn(a, b).T``
  (and ``….T`` → the bare draw; ``*X.shape`` → ``*X.shape[::-1]``).
- Indexing a matrix: ``X[i, j]`` → ``X[j, i]``, ``X[:, k]`` → ``X[k, :]``, ``X[i]`` →
  ``X[:, i]``; a 2-D boolean mask ``X[mask] = v`` unchanged; ``params["W1"]`` unchanged.
  Indexing a vector is unchanged, and ``v[None, :]`` ↔ ``v[:, None]``.
- A reshape, ``ravel`` or ``flatten`` of a matrix reads and fills in the other memory order
  (``order="F"`` ↔ ``"C"``), marked ``# nnconv:``.

Where a rule depends on a kind nothing established (an unknown name broadcast against an
array, indexed, given to ``len`` or reshaped), where the code loops over or unpacks the rows
of an array, or hands a 2-D array to a function defined elsewhere, the rewrite raises
:class:`~nnconv.port.TranslationError` naming the variable, the line and what to pass.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Mapping, Sequence

import libcst as cst
from libcst.metadata import PositionProvider

from .errors import HintError, TranslationError, shortened
from .kinds import (
    ARRAYS,
    CONTAINER_METHODS,
    ND,
    NONE,
    SH,
    USH,
    VSH,
    C,
    Evidence,
    F,
    Hints,
    KindError,
    Kinds,
    M,
    O,
    S,
    U,
    Usage,
    V,
    parameter_kind,
    string_key,
)

NOTE = "# nnconv:"
RANDOM_NOTE = f"{NOTE} the same random draw, transposed (swapped dimensions would draw other numbers)"
RESHAPE_NOTE = f"{NOTE} reshaped in the other memory order: the transpose of the original reshape"
BROADCAST_NOTE = f"{NOTE} the 1-D array as a column, to broadcast as in the original"
SHAPES = (SH, VSH, USH)
KEYED = re.compile(r"\[[A-Za-z_]\w*\]$")
"""A path ending in an item looked up with a key held in a variable: ``params[k]``."""

REDUCTIONS = {"sum", "mean", "max", "min", "prod", "std", "var", "amax", "amin", "nansum", "nanmean",
              "nanmax", "nanmin", "nanstd", "nanvar", "nanprod", "all", "any", "median", "ptp",
              "argmax", "argmin", "nanargmax", "nanargmin", "cumsum", "cumprod", "count_nonzero"}
FLAT_WITHOUT_AXIS = {"argmax", "argmin", "nanargmax", "nanargmin", "cumsum", "cumprod"}
ELEMENTWISE = {
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "square", "abs", "absolute", "fabs",
    "sign", "tanh", "sinh", "cosh", "sin", "cos", "tan", "arctan", "arcsin", "arccos", "maximum",
    "minimum", "fmax", "fmin", "where", "clip", "power", "float_power", "multiply", "add",
    "subtract", "divide", "true_divide", "floor_divide", "negative", "positive", "reciprocal",
    "heaviside", "floor", "ceil", "round", "around", "rint", "trunc", "isnan", "isinf", "isfinite",
    "nan_to_num", "logical_and", "logical_or", "logical_not", "logical_xor", "greater",
    "greater_equal", "less", "less_equal", "equal", "not_equal", "logaddexp", "copysign",
    "isclose", "real", "imag", "conj", "mod", "remainder", "fmod", "erf",
}
SCALAR_RESULTS = {"allclose", "array_equal", "isscalar", "ndim", "size", "pi", "e", "inf", "nan"}
KEEP = {"copy", "asarray", "array", "ascontiguousarray", "asfortranarray", "zeros_like", "ones_like",
        "empty_like", "full_like", "transpose", "float64", "float32", "int64", "int32"}
CONSTRUCTORS = {"zeros", "ones", "empty", "full"}
RANDOM_DIMS = {"rand", "randn"}
RANDOM_SIZE = {"random": 0, "random_sample": 0, "sample": 0, "standard_normal": 0, "normal": 2,
               "uniform": 2, "randint": 2, "choice": 1, "integers": 2, "binomial": 2, "exponential": 1,
               "poisson": 1, "beta": 2, "gamma": 2, "laplace": 2, "logistic": 2, "lognormal": 2}
ARRAY_METHODS_KEPT = {"copy", "astype", "clip", "round", "conj", "fill", "view", "transpose"}
SORTS = {"sort", "argsort"}
SAME_SHAPE = {"cumsum", "cumprod", *SORTS}
ARRAY_METHODS = REDUCTIONS | SORTS | ARRAY_METHODS_KEPT | {"dot", "reshape", "ravel", "flatten", "squeeze", "item",
                                                         "tolist", "nonzero", "swapaxes"}
"""Methods of an ndarray: on a value of unknown kind they are taken as the array's."""
ARRAY_ATTRIBUTES = {"shape", "ndim", "size", "itemsize", "nbytes", "real", "imag", "flat", "dtype"}
BUILTIN_SCALARS = {"float", "int", "bool", "round", "sum", "isinstance", "hasattr", "callable"}
BUILTIN_OTHER = {"range", "enumerate", "zip", "reversed", "print", "str", "repr", "sorted", "list", "dict",
                 "tuple", "set", "map", "filter", "type", "iter", "next", "format", "super", "open"}
ELEMENT_HEAVY = (cst.BinaryOperation, cst.UnaryOperation, cst.BooleanOperation, cst.Comparison,
                 cst.IfExp, cst.Lambda, cst.NamedExpr, cst.Await)
MULTIPLICATIVE = (cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.MatrixMultiply)
LOWER_THAN_MATMUL = (cst.Add, cst.Subtract, cst.LeftShift, cst.RightShift, cst.BitAnd, cst.BitOr,
                     cst.BitXor)


def dotted(node: cst.BaseExpression) -> str | None:
    """``np.random.randn`` for the expression ``np.random.randn``; None for anything else.
    ``numpy`` is spelled ``np``."""
    if isinstance(node, cst.Name):
        return "np" if node.value == "numpy" else node.value
    if isinstance(node, cst.Attribute):
        head = dotted(node.value)
        return None if head is None else f"{head}.{node.attr.value}"
    return None


def int_value(node: cst.BaseExpression | None) -> int | None:
    """The value of an integer literal such as ``1`` or ``-1``; None otherwise."""
    if isinstance(node, cst.Integer):
        return int(node.value)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = int_value(node.expression)
        return None if inner is None else -inner
    return None


def parenthesized(node: cst.BaseExpression) -> cst.BaseExpression:
    """``node`` wrapped in parentheses if it is an operation that has none."""
    if isinstance(node, ELEMENT_HEAVY) and not node.lpar:
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


def shape_elements(node: cst.BaseExpression) -> list[cst.BaseExpression] | None:
    """The elements of a literal tuple or list such as ``(a, b)``; None for other expressions."""
    if isinstance(node, (cst.Tuple, cst.List)):
        elements = []
        for e in node.elements:
            if isinstance(e, cst.StarredElement):
                return None
            elements.append(e.value)
        return elements
    return None


def swap_elements(node: cst.Tuple | cst.List) -> cst.Tuple | cst.List:
    """The 2-element literal ``(a, b)`` as ``(b, a)``, keeping commas and spacing."""
    first, second = node.elements
    return node.with_changes(elements=[first.with_changes(value=second.value),
                                       second.with_changes(value=first.value)])


def swap_args(args: Sequence[cst.Arg], i: int = 0, j: int = 1) -> list[cst.Arg]:
    """``args`` with the values of positions i and j exchanged (commas and keywords stay)."""
    new = list(args)
    new[i], new[j] = args[i].with_changes(value=args[j].value), args[j].with_changes(value=args[i].value)
    return new


class Translator(cst.CSTTransformer):
    """The rewriting pass; see the module docstring for the rules."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, kinds: Kinds, defined: set[str], classes: set[str], methods: set[str],
                 refused: dict[str, TranslationError], unreached: dict[int, TranslationError]) -> None:
        super().__init__()
        self.kinds, self.refused, self.unreached = kinds, refused, unreached
        self.elifs: set[int] = set()
        self.defined, self.classes, self.methods = defined, classes, methods
        self.env: list[dict[str, str]] = [{}]
        self.class_env: list[dict[str, str]] = []
        self.scope: list[tuple[str, bool]] = []
        self.imported: set[str] = set()
        self.expr_kinds: dict[int, tuple[cst.CSTNode, str]] = {}
        self.notes: list[list[str]] = []
        self.lines: list[int] = [0]
        self.added_T: set[int] = set()
        self.target_depth = 0
        self.origin: cst.CSTNode | None = None

    # ----------------------------------------------------------------------------- bookkeeping
    def error(self, reason: str, node: cst.CSTNode | None = None) -> TranslationError:
        """A refusal at ``node`` (by default the node being left); the reason names the
        construct when it names nothing else of its line."""
        node = node or self.origin
        line = self.line_of(node) if node is not None else 0
        construct = cst.Module([]).code_for_node(node).strip() if node is not None else ""
        construct = construct.splitlines()[0] if construct else ""
        if construct and construct not in reason:
            reason = f"{reason} (in {shortened(construct)})"
        return TranslationError(line, construct, reason)

    def line_of(self, node: cst.CSTNode) -> int:
        try:
            return int(self.get_metadata(PositionProvider, node).start.line)
        except KeyError:
            return self.lines[-1]

    @property
    def function(self) -> str:
        """The qualified name of the function being rewritten (``"<module>"`` outside any)."""
        if not self.scope:
            return "<module>"
        parts = []
        for i, (name, _) in enumerate(self.scope):
            parts.append(name)
            if self.scope[i][1] and i < len(self.scope) - 1:
                parts.append("<locals>")
        return ".".join(parts)

    def mark(self, node: cst.BaseExpression, kind: str) -> cst.BaseExpression:
        self.expr_kinds[id(node)] = (node, kind)
        return node

    def note(self, text: str) -> None:
        if self.notes and text not in self.notes[-1]:
            self.notes[-1].append(text)

    def unknown(self, node: cst.BaseExpression, what: str, at: cst.CSTNode | None = None) -> TranslationError:
        """The error for a rule that needs the kind of ``node``, which nothing established: it
        names the unknown names inside it and what to pass."""
        paths = self.unknown_parts(node) or [path_of(node) or cst.Module([]).code_for_node(node)]
        return self.error(f"{what}; {self.kinds.why_unknown(self.function, self.lines[-1], paths)}", at)

    def unknown_parts(self, node: cst.BaseExpression) -> list[str]:
        """The names, attributes and items of unknown kind an expression is made of."""
        path = path_of(node)
        if isinstance(node, cst.Attribute) and node.attr.value == "T":
            return self.unknown_parts(node.value)
        if path is not None and self.kind(node) == U:
            return [path]
        parts: list[str] = []
        for child in node.children:
            if isinstance(child, cst.BaseExpression) and not isinstance(child, cst.Call):
                parts += [p for p in self.unknown_parts(child) if p not in parts]
            elif isinstance(child, cst.Arg):
                parts += [p for p in self.unknown_parts(child.value) if p not in parts]
        return parts

    def established(self, path: str, line: int, *, parameter: bool = False) -> str | None:
        """The kind evidence or a hint gives ``path`` here; a hint the evidence contradicts
        is an error."""
        try:
            kind = self.kinds.observed(self.function, line, path, parameter=parameter)
            if kind is None and line != self.lines[-1]:  # a continuation line that ran no event of its own
                kind = self.kinds.observed(self.function, self.lines[-1], path, parameter=parameter)
            return kind
        except KindError as error:
            raise HintError(line, path, str(error)) from None

    def lookup(self, name: str, line: int) -> str:
        """A name's kind: evidence at this line, else what the rewrite bound it to, else a hint."""
        kind = self.established(name, line)
        bound = next((scope[name] for scope in reversed(self.env) if name in scope), None)
        if kind is not None:
            return bound if bound in SHAPES and kind == C else kind
        if bound is not None and bound != U:
            return bound
        hint = self.kinds.hints.get(self.function, name)
        if hint is not None:
            return hint
        if bound is not None:
            return bound
        if name in ("True", "False"):
            return S
        if name == "None":
            return NONE
        if name in ("np", "numpy", "math") or name in BUILTIN_OTHER or name in BUILTIN_SCALARS or name in (
                "len", "abs", "max", "min", "self", "cls") or name in self.defined or name in self.imported:
            return O
        return U

    def path_kind(self, node: cst.BaseExpression) -> str | None:
        """The kind of an attribute or item (``self.W``, ``params["W1"]``) from evidence, a
        hint or an assignment the rewrite saw."""
        path = path_of(node)
        if path is None:
            return None
        line = self.line_of(node)
        kind = self.established(path, line)
        if kind is None and path.endswith("]") and not path.endswith("*]"):
            kind = self.established(path[:path.rindex("[")] + "[*]", line)
        if kind is None and KEYED.search(path):
            kind = self.kinds.hints.get(self.function, path[:path.rindex("[")] + "[*]")
        if kind is not None:
            return kind
        for scope in reversed(self.env):
            if path in scope and scope[path] != U:
                return scope[path]
        if path.startswith("self.") and self.class_env and self.class_env[-1].get(path, U) != U:
            return self.class_env[-1][path]
        return self.kinds.hints.get(self.function, path)

    def bind(self, name: str, kind: str) -> None:
        self.env[-1][name] = kind

    def bind_path(self, node: cst.BaseExpression, kind: str) -> None:
        """Remember the kind assigned to an attribute or item; an attribute of ``self`` given
        two kinds in a class is unknown."""
        path = path_of(node)
        if path is None:
            return
        self.env[-1][path] = kind
        if path.startswith("self.") and self.class_env:
            before = self.class_env[-1].get(path, kind)
            self.class_env[-1][path] = kind if before == kind else U

    def kind(self, node: cst.BaseExpression) -> str:
        """The kind of an expression the rewrite has left."""
        if id(node) in self.expr_kinds:
            return self.expr_kinds[id(node)][1]
        if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
            return S
        if isinstance(node, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)):
            return O
        if isinstance(node, cst.Name):
            return self.lookup(node.value, self.lines[-1])
        if isinstance(node, (cst.List, cst.Tuple, cst.Dict, cst.Set, cst.ListComp, cst.DictComp,
                             cst.SetComp, cst.GeneratorExp)):
            return C
        if isinstance(node, cst.Lambda):
            return O
        return U

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self.notes.append([])
            self.lines.append(self.line_of(node))
            if isinstance(node, cst.If) and isinstance(node.orelse, cst.If):
                self.elifs.add(id(node.orelse))
            if self.lines[-1] in self.unreached:
                return False
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        self.origin = original_node
        result = super().on_leave(original_node, updated_node)
        if isinstance(result, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            if self.lines[-1] in self.unreached:
                result = unreached_stub(self.unreached[self.lines[-1]], id(original_node) in self.elifs)
            self.lines.pop()
            notes = self.notes.pop()
            kept = [line for line in result.leading_lines
                    if not (line.comment and line.comment.value.startswith(NOTE))]
            added = [cst.EmptyLine(comment=cst.Comment(text)) for text in notes]
            result = result.with_changes(leading_lines=[*kept, *added])
        return result  # type: ignore[return-value]

    # ------------------------------------------------------------------------------ statements
    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        """Drop the marks of an earlier translation from the module's header comments."""
        header = [line for line in updated_node.header if not (line.comment and line.comment.value.startswith(NOTE))]
        return updated_node.with_changes(header=header)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = alias.asname.name if alias.asname else alias.name
            self.imported.add(cst.Module([]).code_for_node(name).split(".")[0])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, Sequence):
            for alias in node.names:
                name = alias.asname.name if alias.asname else alias.name
                self.imported.add(cst.Module([]).code_for_node(name))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scope.append((node.name.value, False))
        self.class_env.append({})

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self.scope.pop()
        self.class_env.pop()
        return updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        """Bind the parameters: the kind a default or an annotation fixes, or what the body
        shows without doubt; ``self`` is an object, ``*args`` and ``**kwargs`` containers. A
        function refused earlier is not visited."""
        self.bind(node.name.value, O)
        self.scope.append((node.name.value, True))
        usage = Usage()
        node.body.visit(usage)
        certain = usage.certain()
        params = node.params
        scope: dict[str, str] = {}
        for p in [*params.posonly_params, *params.params, *params.kwonly_params]:
            name = p.name.value
            kind = parameter_kind(p) or certain.get(name, U)
            if name in ("self", "cls") and len(self.scope) > 1 and not self.scope[-2][1]:
                kind = O
            scope[name] = kind
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                scope[star.name.value] = C
        self.env.append(scope)
        return self.function not in self.refused

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        refusal = self.refused.get(self.function)
        self.env.pop()
        self.scope.pop()
        return updated_node if refusal is None else refused_stub(updated_node, refusal)

    def bind_target(self, target: cst.BaseExpression, kind: str) -> None:
        if isinstance(target, cst.Name):
            self.bind(target.value, kind)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for e in target.elements:
                self.bind_target(e.value, C if isinstance(e, cst.StarredElement) else U)
        else:
            self.bind_path(target, kind)

    def unpack(self, target: cst.Tuple | cst.List, value: cst.BaseExpression, kind: str) -> cst.BaseExpression:
        """``a, b = value``: the two sides of a shape (swapped), the items of a literal, of a
        container or of a call's result; never the rows of an array."""
        count = len(target.elements)
        if kind == SH or (kind == USH and count == 2):
            if count != 2:
                raise self.error("unpacking the shape of a 2-D array into other than two names")
            for e in target.elements:
                self.bind_target(e.value, S)
            return swap_elements(target)
        values = shape_elements(value)
        if values is not None and len(values) == count:
            for e, v in zip(target.elements, values, strict=True):
                self.bind_target(e.value, self.kind(v))
            return target
        if kind == M:
            raise self.error(f"unpacking the rows of a 2-D array into {count} names (they would get its columns "
                             "after the transpose); index the rows, X[0], X[1], …, or name it in containers= "
                             "if it is a list")
        if kind == U and not isinstance(value, cst.Call):
            raise self.unknown(value, f"unpacking {path_of(value) or 'a value'} into {count} names "
                                      "(items of a container, or rows of a 2-D array?)")
        for e in target.elements:
            self.bind_target(e.value, S if kind in (V, VSH) else U)
        return target

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        value = updated_node.value
        kind = self.kind(value)
        targets = []
        for t in updated_node.targets:
            if isinstance(t.target, (cst.Tuple, cst.List)):
                t = t.with_changes(target=self.unpack(t.target, value, kind))
            else:
                self.bind_target(t.target, kind)
            targets.append(t)
        return updated_node.with_changes(targets=targets)

    def leave_AnnAssign(self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign) -> cst.AnnAssign:
        if updated_node.value is not None:
            self.bind_target(updated_node.target, self.kind(updated_node.value))
        return updated_node

    def leave_AugAssign(self, original_node: cst.AugAssign, updated_node: cst.AugAssign) -> cst.AugAssign:
        """``Z += b``: a 1-D ``b`` broadcast into a 2-D ``Z`` becomes a column, as in ``Z + b``."""
        target, value = updated_node.target, updated_node.value
        kt, kv = self.kind(target), self.kind(value)
        self.check_broadcast(target, kt, value, kv)
        if (kt, kv) == (M, V):
            self.note(BROADCAST_NOTE)
            return updated_node.with_changes(value=self.as_column(value))
        return updated_node

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.target_depth += 1

    def leave_AssignTarget(self, original_node: cst.AssignTarget, updated_node: cst.AssignTarget) -> cst.AssignTarget:
        self.target_depth -= 1
        return updated_node

    def visit_AugAssign_target(self, node: cst.AugAssign) -> None:
        self.target_depth += 1

    def leave_AugAssign_target(self, node: cst.AugAssign) -> None:
        self.target_depth -= 1

    def iterated_kind(self, node: cst.BaseExpression) -> str:
        """The kind of what a loop iterates, before the rewrite has visited it."""
        if isinstance(node, cst.Name):
            return self.lookup(node.value, self.line_of(node))
        if isinstance(node, cst.Subscript) and all(isinstance(e.slice, cst.Slice) for e in node.slice):
            base = self.iterated_kind(node.value)
            return base if base in (C, V) and len(node.slice) == 1 else U if base == U else M
        if isinstance(node, (cst.Attribute, cst.Subscript)):
            return self.path_kind(node) or U
        if isinstance(node, (cst.List, cst.Tuple, cst.ListComp, cst.Dict)):
            return C
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add) and \
                self.iterated_kind(node.left) == self.iterated_kind(node.right) == C:
            return C  # coefs + intercepts: lists joined
        if isinstance(node, cst.Call) and isinstance(node.func, (cst.Name, cst.Attribute)):
            name = node.func.value if isinstance(node.func, cst.Name) else node.func.attr.value
            if name in self.defined or name in self.methods:
                returned = self.established(f"{name}()", self.line_of(node))
                return C if returned in (C, O) else returned or U
        if isinstance(node, cst.Call) and dotted(node.func) in ("list", "sorted", "dict.items"):
            return C
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in (
                "items", "keys", "values"):
            return C
        return U

    def loop_targets(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> None:
        """``for x in …``: counters are scalars, items of containers are looked up where they
        are used; rows of a 2-D array (directly, through ``zip`` or ``enumerate``) are refused."""
        func = dotted(iterable.func) if isinstance(iterable, cst.Call) else None
        if func in ("range", "reversed", "np.arange"):
            self.bind_target(target, S)
            return
        if func in ("zip", "enumerate") and isinstance(iterable, cst.Call):
            items = [a.value for a in iterable.args if a.keyword is None]
            if func == "enumerate" and items and isinstance(items[0], cst.Call) and dotted(items[0].func) == "zip":
                for inner in items[0].args:  # enumerate(zip(X, Y))
                    self.refuse_rows(inner.value, self.iterated_kind(inner.value), "zip")
                if isinstance(target, (cst.Tuple, cst.List)):
                    self.bind_target(target.elements[0].value, S)
                    self.bind_target(target.elements[-1].value, U)
                return
            kinds = [self.iterated_kind(v) for v in items]
            for v, k in zip(items, kinds, strict=True):
                self.refuse_rows(v, k, func)
            if isinstance(target, (cst.Tuple, cst.List)):
                offset = 1 if func == "enumerate" else 0
                if offset:
                    self.bind_target(target.elements[0].value, S)
                for e, k in zip(target.elements[offset:], kinds, strict=False):
                    self.bind_target(e.value, S if k == V else U)
            return
        kind = self.iterated_kind(iterable)
        self.refuse_rows(iterable, kind, "for")
        self.bind_target(target, S if kind == V else U)

    def refuse_rows(self, node: cst.BaseExpression, kind: str, how: str) -> None:
        what = {"for": "a loop", "zip": "a loop through zip()", "enumerate": "a loop through enumerate()"}[how]
        if kind == M:
            path = path_of(node)
            name = path if path and "*" not in path else "X"
            raise self.error(f"{what} over the rows of a 2-D array (after the transpose they are its columns); "
                             f"loop over range({name}.shape[0]) and index {name}[i], or name it in containers= "
                             "if it is a list", node)
        if kind == U:
            raise self.unknown(node, f"{what} over {path_of(node) or 'a value'}: the rows of a 2-D array "
                                     "or the items of a container?", node)

    def visit_For(self, node: cst.For) -> None:
        self.loop_targets(node.target, node.iter)

    def comprehension(self, node: cst.ListComp | cst.SetComp | cst.GeneratorExp | cst.DictComp) -> None:
        """Bind the loop variables before the element, which comes first in the source."""
        for_in: cst.CompFor | None = node.for_in
        while for_in is not None:
            self.loop_targets(for_in.target, for_in.iter)
            for_in = for_in.inner_for_in

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self.comprehension(node)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self.comprehension(node)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self.comprehension(node)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self.comprehension(node)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        for p in node.params.params:
            self.bind(p.name.value, U)

    # ----------------------------------------------------------------------------- expressions
    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self.mark(updated_node, self.lookup(updated_node.value, self.line_of(original_node)))

    def leave_UnaryOperation(self, original_node: cst.UnaryOperation,
                             updated_node: cst.UnaryOperation) -> cst.BaseExpression:
        return self.mark(updated_node, self.kind(updated_node.expression))

    @staticmethod
    def combine(kinds: Sequence[str]) -> str:
        """The kind of an elementwise result of operands of these kinds."""
        if any(k in (C, O, NONE, *SHAPES) for k in kinds):
            return O
        if U in kinds:
            return U
        if M in kinds:
            return M
        if V in kinds:
            return V
        return S

    def check_broadcast(self, left: cst.BaseExpression, kl: str, right: cst.BaseExpression, kr: str) -> None:
        """An elementwise operation of two arrays needs both ranks: a 1-D array against a 2-D one
        must become a column; of an unknown rank nothing can be said."""
        if ND in (kl, kr):
            raise self.error("an array of 3 or more dimensions has no transpose here")
        if U in (kl, kr) and {kl, kr} <= {U, V, M, S} and len((self.possible(left) | self.possible(right)) - {S}) <= 1:
            return  # X * c, c a number in one call and a 2-D mask in another: no rank to align
        if U in (kl, kr) and {kl, kr} <= {U, V, M}:
            node = cst.BinaryOperation(left, cst.Add(), right)
            parts = self.unknown_parts(node)
            if kl == kr and parts and all(KEYED.search(p) for p in parts) and self.kinds.same_rank(
                    self.function, self.lines[-1], parts):
                return  # params[k] - lr * grads[k]: ranks vary with k, but always alike
            raise self.unknown(node, "an elementwise operation of arrays of unknown rank (a 1-D array against a "
                                     "2-D one is rewritten as a column)")

    def leave_BinaryOperation(self, original_node: cst.BinaryOperation,
                              updated_node: cst.BinaryOperation) -> cst.BaseExpression:
        left, right = updated_node.left, updated_node.right
        kl, kr = self.kind(left), self.kind(right)
        if isinstance(updated_node.operator, cst.MatrixMultiply):
            new_right = left
            if isinstance(new_right, cst.BinaryOperation) and not new_right.lpar and isinstance(
                    new_right.operator, MULTIPLICATIVE + LOWER_THAN_MATMUL):
                new_right = new_right.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            new_left = right
            if (isinstance(new_left, cst.BinaryOperation) and len(new_left.lpar) == 1
                    and isinstance(new_left.operator, MULTIPLICATIVE)):
                new_left = new_left.with_changes(lpar=[], rpar=[])  # left-associative: not needed
            node = updated_node.with_changes(left=new_left, right=new_right)
            return self.mark(node, self.product_kind(kl, kr))
        self.check_broadcast(left, kl, right, kr)
        if {kl, kr} == {V, M}:
            self.note(BROADCAST_NOTE)
            if kl == V:
                left = self.as_column(left)
            else:
                right = self.as_column(right)
            return self.mark(updated_node.with_changes(left=left, right=right), M)
        if {kl, kr} <= {S, O, C} and C in (kl, kr) and isinstance(updated_node.operator, cst.Add):
            return self.mark(updated_node, C)  # cache + (x,): tuples and lists joined
        return self.mark(updated_node, self.combine([kl, kr]))

    def as_column(self, node: cst.BaseExpression) -> cst.BaseExpression:
        column = cst.Subscript(
            value=parenthesized(node),
            slice=self.column_of(cst.SubscriptElement(cst.Index(cst.Name("None")))),
        )
        return self.mark(column, M)

    @staticmethod
    def product_kind(kl: str, kr: str) -> str:
        """(AB)ᵀ = BᵀAᵀ holds for 1-D operands too, so the swap needs no kinds; the result's
        kind does."""
        if U in (kl, kr):
            return U
        if kl == V and kr == V:
            return S
        if V in (kl, kr) and M in (kl, kr):
            return V
        if kl == S or kr == S:
            return M if M in (kl, kr) else V if V in (kl, kr) else S
        return M

    def leave_Comparison(self, original_node: cst.Comparison, updated_node: cst.Comparison) -> cst.BaseExpression:
        """Elementwise comparisons as arithmetic; a shape compared with a literal pair
        (``Z.shape == (n, m)``) gets the pair swapped."""
        left = updated_node.left
        comparisons = list(updated_node.comparisons)
        kinds = [self.kind(left)] + [self.kind(c.comparator) for c in comparisons]
        for i, c in enumerate(comparisons):
            before = kinds[i]
            operand = c.comparator
            if before in (SH, USH) and is_pair(operand):
                assert isinstance(operand, (cst.Tuple, cst.List))
                comparisons[i] = c.with_changes(comparator=swap_elements(operand))
            elif i == 0 and kinds[1] in (SH, USH) and is_pair(left):
                assert isinstance(left, (cst.Tuple, cst.List))
                left = swap_elements(left)
            elif SH in (before, kinds[i + 1]) and C in (before, kinds[i + 1]):
                raise self.error("the shape of a 2-D array compared with a tuple held in a variable; "
                                 "write the tuple out, (rows, columns)")
        node = updated_node.with_changes(left=left, comparisons=comparisons)
        if any(k in SHAPES or k in (C, O, NONE) for k in kinds):
            return self.mark(node, S)
        for k, c in zip(kinds[1:], comparisons, strict=True):
            self.check_broadcast(updated_node.left, kinds[0], c.comparator, k)
        if V in kinds and M in kinds:
            raise self.error("a comparison between a 1-D and a 2-D array (broadcasting)")
        return self.mark(node, self.combine(kinds))

    def leave_BooleanOperation(self, original_node: cst.BooleanOperation,
                               updated_node: cst.BooleanOperation) -> cst.BaseExpression:
        return self.mark(updated_node, S)

    def leave_IfExp(self, original_node: cst.IfExp, updated_node: cst.IfExp) -> cst.BaseExpression:
        kinds = {self.kind(updated_node.body), self.kind(updated_node.orelse)}
        return self.mark(updated_node, kinds.pop() if len(kinds) == 1 else U)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        attr, base = updated_node.attr.value, updated_node.value
        path = dotted(updated_node)
        if path is not None and path.startswith("np."):
            name = path.split(".")[-1]
            if path == "np.newaxis":
                return self.mark(updated_node, NONE)
            return self.mark(updated_node, S if name in SCALAR_RESULTS else O)
        if isinstance(base, cst.Call) and dotted(base.func) in ("np.finfo", "np.iinfo"):
            return self.mark(updated_node, S)  # np.finfo(x.dtype).eps
        kind = self.kind(base)
        if attr == "T":
            if id(base) in self.added_T and isinstance(base, cst.Attribute):
                # the original was a transposed random draw: the translation is the bare draw
                self.notes[-1][:] = [n for n in self.notes[-1] if n != RANDOM_NOTE]
                return self.mark(base.value, M)
            return self.mark(updated_node, kind)
        if kind in (*ARRAYS, U, ND) and attr in ARRAY_ATTRIBUTES:
            return self.mark(updated_node, self.array_attribute(kind, attr))
        return self.mark(updated_node, self.path_kind(original_node) or U)

    def array_attribute(self, kind: str, attr: str) -> str:
        """``X.shape`` (a shape), ``X.ndim`` (a number), ``X.real``; ``X.flat`` is refused."""
        if kind == ND:
            raise self.error("an array of 3 or more dimensions in the examples: it has no transpose here")
        if attr == "shape":
            return {M: SH, V: VSH}.get(kind, USH)
        if attr in ("ndim", "size", "itemsize", "nbytes"):
            return S
        if attr in ("real", "imag"):
            return kind
        if attr == "flat" and kind != V:
            raise self.error("X.flat lists the elements in memory order; use X.ravel()")
        return O

    # ------------------------------------------------------------------------------ subscripts
    def index_class(self, element: cst.SubscriptElement) -> str:
        s = element.slice
        if isinstance(s, cst.Slice):
            return "slice"
        assert isinstance(s, cst.Index)
        if s.star is not None:
            raise self.error("a starred index")
        if isinstance(s.value, cst.Ellipsis):
            raise self.error("an Ellipsis index; write the axes out")
        kind = self.kind(s.value)
        if kind == NONE:
            return "new"
        if kind == S:
            return "int"
        if kind in ARRAYS:
            return kind
        if kind == C or (isinstance(s.value, cst.Call) and dotted(s.value.func) == "range"):
            return V  # a list of indices or a range: X[:, permutation], probs[range(N), y]
        if kind == U:
            raise self.unknown(s.value, f"the index {path_of(s.value) or 'here'}: a number, an index array "
                                        "or a boolean mask?")
        return "key"

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        base, elements = updated_node.value, list(updated_node.slice)
        kind = self.kind(base)
        if dotted(base) in ("np.c_", "np.r_"):
            return self.pieces(updated_node, str(dotted(base)))
        if dotted(base) in ("np.s_", "np.index_exp"):
            raise self.error(f"{dotted(base)}[…] makes an index whose axes the transpose changes; write it out")
        if kind == SH:
            reversed_shape = len(elements) == 1 and reverses(elements[0])
            return self.mark(self.shape_index(updated_node, elements), SH if reversed_shape else S)
        if kind == USH:
            return self.mark(self.unknown_shape_index(updated_node, elements), S)
        if kind == VSH:
            return self.mark(updated_node, S)
        if kind in (C, O, NONE) or (kind == U and len(elements) == 1 and isinstance(elements[0].slice, cst.Index)
                                    and string_key(elements[0].slice.value)):
            return self.mark(updated_node, self.path_kind(original_node) or U)
        if kind == U:
            raise self.unknown(base, f"indexing {path_of(base) or 'this value'}: a list, a 1-D or a 2-D array?")
        if kind == ND:
            raise self.error("an array of 3 or more dimensions has no transpose here")
        classes = [self.index_class(e) for e in elements]
        if "key" in classes:
            raise self.error("an array indexed by something that is neither a number, a slice nor an index array")
        if kind == V:
            return self.vector_index(updated_node, elements, classes)
        return self.matrix_index(updated_node, elements, classes)

    def pieces(self, node: cst.Subscript, builder: str) -> cst.BaseExpression:
        """``np.c_[ones, X]`` (columns side by side; a 1-D piece is a column) becomes
        ``np.vstack((ones, X))`` (rows one under the other; a 1-D piece is a row);
        ``np.r_[A, B]`` of 2-D pieces becomes ``np.hstack((A, B))``."""
        elements = list(node.slice)
        indices = [e.slice for e in elements]
        values = [i.value for i in indices if isinstance(i, cst.Index)]
        if len(values) != len(indices):
            raise self.error(f"{builder}[…] with slices (ranges); write the arrays out")
        kinds = [self.kind(v) for v in values]
        allowed = {V, M} if builder == "np.c_" else {M}
        if not set(kinds) <= allowed:
            unknown = next((v for v, k in zip(values, kinds, strict=True) if k == U), None)
            if unknown is not None:
                raise self.unknown(unknown, f"{builder}[…] joins its pieces along an axis the transpose changes")
            raise self.error(f"{builder}[…] of pieces that are not all 2-D{' or 1-D' * (builder == 'np.c_')} arrays")
        stack = "vstack" if builder == "np.c_" else "hstack"
        pieces = cst.Tuple([cst.Element(v) for v in values])
        return self.mark(cst.Call(cst.Attribute(cst.Name("np"), cst.Name(stack)), [cst.Arg(pieces)]), M)

    def vector_index(self, node: cst.Subscript, elements: list[cst.SubscriptElement],
                     classes: list[str]) -> cst.BaseExpression:
        """``v[i]`` and ``v[a:b]`` unchanged; ``v[None, :]`` ↔ ``v[:, None]``."""
        if classes == ["new"]:
            return self.mark(node.with_changes(slice=self.column_of(elements[0])), M)
        if len(classes) == 1:
            return self.mark(node, S if classes == ["int"] else V)
        if sorted(classes) == ["new", "slice"]:
            return self.mark(node.with_changes(slice=self.swapped(elements)), M)
        raise self.error("this index of a 1-D array")

    def matrix_index(self, node: cst.Subscript, elements: list[cst.SubscriptElement],
                     classes: list[str]) -> cst.BaseExpression:
        """``X[i, j]`` → ``X[j, i]``, ``X[i]`` → ``X[:, i]``; a 2-D mask only as a target."""
        if "new" in classes:
            raise self.error("a new axis on a 2-D array makes a 3-D array, which has no transpose here")
        if len(classes) == 1:
            cls = classes[0]
            if cls == M:  # a boolean mask of the same shape: elementwise
                if self.target_depth == 0:
                    raise self.error("a 2-D boolean mask: X[mask] lists the selected elements in memory "
                                     "order, which the transpose changes; assign through the mask or use "
                                     "np.where")
                return self.mark(node, V)
            return self.mark(node.with_changes(slice=self.column_of(elements[0])), V if cls == "int" else M)
        if len(classes) == 2:
            if M in classes:  # index arrays, paired: X[a, b] -> X[b, a] picks the same elements
                if "slice" in classes:
                    raise self.error("a 2-D index array beside a slice")
                return self.mark(node.with_changes(slice=self.swapped(elements)), M)
            # two numbers pick an element; one number, or two index arrays paired, give a 1-D array
            result = V if classes.count(V) == 2 else {2: S, 1: V, 0: M}[classes.count("int")]
            return self.mark(node.with_changes(slice=self.swapped(elements)), result)
        raise self.error("more than two indices: a 3-D array has no transpose here")

    @staticmethod
    def swapped(elements: list[cst.SubscriptElement]) -> list[cst.SubscriptElement]:
        first, second = elements
        return [first.with_changes(slice=second.slice), second.with_changes(slice=first.slice)]

    @staticmethod
    def column_of(element: cst.SubscriptElement) -> list[cst.SubscriptElement]:
        return [cst.SubscriptElement(cst.Slice(None, None),
                                     comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                element.with_changes(comma=cst.MaybeSentinel.DEFAULT)]

    def shape_index(self, node: cst.Subscript, elements: list[cst.SubscriptElement]) -> cst.Subscript:
        """``X.shape[0]`` ↔ ``X.shape[1]``; ``X.shape[::-1]`` is a shape, rewritten like one
        (not at all)."""
        if len(elements) == 1 and reverses(elements[0]):
            return node
        if len(elements) != 1 or not isinstance(elements[0].slice, cst.Index):
            raise self.error("a slice of the shape of a 2-D array; index it with 0 or 1")
        value = int_value(elements[0].slice.value)
        if value is None or value not in (0, 1, -1, -2):
            raise self.error("the shape of a 2-D array indexed by other than 0, 1, -1 or -2")
        new = cst.Integer(str(1 - value % 2))
        return node.with_changes(slice=[elements[0].with_changes(slice=cst.Index(new))])

    def unknown_shape_index(self, node: cst.Subscript, elements: list[cst.SubscriptElement]) -> cst.Subscript:
        """``X.shape[1]`` or ``X.shape[-2]`` shows X is 2-D; ``X.shape[0]`` does not."""
        value = int_value(elements[0].slice.value) if len(elements) == 1 and isinstance(
            elements[0].slice, cst.Index) else None
        if value in (1, -2):
            return self.shape_index(node, elements)
        base = node.value.value if isinstance(node.value, cst.Attribute) else node.value
        raise self.unknown(base, f"{cst.Module([]).code_for_node(node)} is rewritten only for a 2-D array")

    # ------------------------------------------------------------------------------------ calls
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = updated_node.func
        path = dotted(func)
        if path is not None and (path.startswith("np.") or path == "np"):
            return self.numpy_call(updated_node, path)
        if isinstance(func, cst.Name):
            return self.builtin_call(updated_node, func.value, original_node)
        if isinstance(func, cst.Attribute):
            receiver = self.kind(func.value)
            method = func.attr.value
            if receiver in ARRAYS or (receiver == U and method in ARRAY_METHODS):
                return self.array_method(updated_node, func, method, receiver)
            if receiver in (O, U) and method in RANDOM_DIMS | set(RANDOM_SIZE) | {"choice", "permutation",
                                                                                  "shuffle"}:
                return self.random_call(updated_node, method)
            if path is not None and path.startswith("math."):
                return self.mark(updated_node, S)
            if receiver == C or method in CONTAINER_METHODS:
                return self.mark(updated_node, C if method in ("items", "keys", "values", "copy") else U)
            if receiver == O and path is not None and path.split(".")[0] in self.imported:
                self.refuse_foreign(updated_node, path)
            elif receiver == U and method not in self.methods:
                self.refuse_foreign(updated_node, cst.Module([]).code_for_node(func))
            return self.mark(updated_node, self.result_kind(original_node, method))
        return self.mark(updated_node, U)

    def result_kind(self, call: cst.Call, name: str) -> str:
        """What a call of a function or method of this source returned here in the examples."""
        return self.established(f"{name}()", self.line_of(call)) or U

    def refuse_foreign(self, call: cst.Call, name: str) -> None:
        """A 2-D array (or a value of unknown kind) handed to a function this source does not
        define: what it does with the transpose is unknown."""
        for a in call.args:
            kind = self.kind(a.value)
            if kind in (M, U, ND):
                what = "a 2-D array" if kind == M else f"{path_of(a.value) or 'a value'}, of unknown kind,"
                raise self.error(f"{name} is not defined in this source and gets {what}: what it does with the "
                                 "transpose is unknown; translate its source with this file, or write the "
                                 "operation with NumPy (np.dot for a product)")

    def positional(self, call: cst.Call) -> list[cst.Arg]:
        return [a for a in call.args if a.keyword is None and not a.star]

    def keyword(self, call: cst.Call, name: str) -> cst.Arg | None:
        return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)

    def builtin_call(self, call: cst.Call, name: str, original: cst.Call) -> cst.BaseExpression:
        """``len(X)`` → ``X.shape[1]``; builtins of known results; a call of a function or a
        class of this source (its result's kind read at the line of ``original``, the call as
        in the source); anything else is foreign."""
        args = self.positional(call)
        if name == "len" and len(args) == 1:
            kind = self.kind(args[0].value)
            if kind == M:
                shape = cst.Attribute(value=parenthesized(args[0].value), attr=cst.Name("shape"))
                node = cst.Subscript(value=shape, slice=[cst.SubscriptElement(cst.Index(cst.Integer("1")))])
                return self.mark(node, S)
            if kind in (U, ND):
                raise self.unknown(args[0].value, f"len({path_of(args[0].value) or '…'}) counts the items of a "
                                                  "list but the rows of a 2-D array")
            return self.mark(call, S)
        if name in ("abs", "max", "min") and args:
            return self.mark(call, self.combine([self.kind(a.value) for a in args]))
        if name in BUILTIN_SCALARS:
            return self.mark(call, S)
        if name in ("list", "dict", "tuple", "sorted", "set"):
            listed = self.kind(args[0].value) if name in ("list", "tuple", "sorted") and args else None
            if listed == U:
                raise self.unknown(args[0].value, f"{name}() of {path_of(args[0].value) or 'a value'} lists the "
                                                  "rows of a 2-D array (or the items of a container?)")
            if listed == M:
                raise self.error(f"{name}() of a 2-D array lists its rows, which the transpose makes columns")
            return self.mark(call, C)
        if name in BUILTIN_OTHER:
            return self.mark(call, O)
        if name in self.classes:
            return self.mark(call, O)
        if name not in self.defined and self.kind(call.func) != F:
            self.refuse_foreign(call, name)
            return self.mark(call, U)
        return self.mark(call, self.result_kind(original, name))

    def pair_in_examples(self, node: cst.BaseExpression) -> bool:
        """True when the examples gave ``node`` (a name holding a tuple) exactly two items."""
        path = path_of(node)
        line = self.lines[-1]
        return path is not None and bool(self.kinds.seen(self.function, line, f"{path}[1]", False)) and not \
            self.kinds.seen(self.function, line, f"{path}[2]", False)

    def possible(self, node: cst.BaseExpression) -> set[str]:
        """The kinds ``node`` may hold: its own when known; for a name, attribute or item of
        unknown kind, those the examples gave it here; else any."""
        kind = self.kind(node)
        if kind != U:
            return {kind}
        path = path_of(node)
        seen = self.kinds.seen(self.function, self.lines[-1], path, False) - {NONE} if path else set()
        return seen or {S, V, M}

    def one_row_or_column(self, node: cst.BaseExpression) -> bool:
        """True when the examples gave ``node`` only shapes with a 1 in them, (n, 1) or (1, n):
        its flattened order is the same as its transpose's."""
        path = path_of(node)
        if path is None and isinstance(node, cst.Call):
            func = node.func
            name = func.value if isinstance(func, cst.Name) else func.attr.value if isinstance(
                func, cst.Attribute) else None
            path = f"{name}()" if name else None
        shapes = self.kinds.shapes(self.function, self.lines[-1], path) if path else set()
        return bool(shapes) and all(len(s) == 2 and 1 in s for s in shapes)

    def map_axis(self, axis: cst.BaseExpression) -> cst.BaseExpression:
        if isinstance(axis, cst.Name) and axis.value == "None":
            return axis
        value = int_value(axis)
        if value is not None:
            if value not in (0, 1, -1, -2):
                raise self.error(f"axis={value} of a 2-D array")
            return cst.Integer(str(1 - value % 2))
        elements = shape_elements(axis)
        if isinstance(axis, cst.Tuple) and elements is not None:
            return axis.with_changes(elements=[e.with_changes(value=self.map_axis(e.value))
                                               for e in axis.elements])
        if self.kind(axis) == S:  # a number held in a variable: 0 <-> 1, -1 <-> 0, -2 <-> 1
            return cst.BinaryOperation(cst.Integer("1"), cst.Subtract(), cst.BinaryOperation(
                parenthesized(axis), cst.Modulo(), cst.Integer("2")))
        raise self.error("an axis given by a variable not known to hold a number; write it as a literal 0 or 1, "
                         "or name it in scalars=")

    def reduction(self, call: cst.Call, name: str, kind: str, axis_position: int) -> cst.BaseExpression:
        """``np.sum(X, axis=0)`` or ``X.sum(axis=0)``: axis 0 <-> 1 for a 2-D array."""
        args = list(call.args)
        axis_at = next((i for i, a in enumerate(args) if a.keyword is not None and a.keyword.value == "axis"), None)
        positional = [i for i, a in enumerate(args) if a.keyword is None and not a.star]
        if axis_at is None and len(positional) > axis_position:
            axis_at = positional[axis_position]
        keepdims = self.keyword(call, "keepdims")
        keep = keepdims is not None and isinstance(keepdims.value, cst.Name) and keepdims.value.value == "True"
        if keepdims is not None and not isinstance(keepdims.value, cst.Name):
            raise self.error("keepdims given by an expression; write True or False")
        no_axis = axis_at is None or (isinstance(args[axis_at].value, cst.Name)
                                      and args[axis_at].value.value == "None")  # type: ignore[attr-defined]
        if kind == U and not no_axis:
            receiver = call.args[0].value if axis_position else call.func.value  # type: ignore[attr-defined]
            raise self.unknown(receiver, f"{name} along an axis is rewritten only for a 2-D array")
        if kind == U:
            return self.mark(call, U if keep else S)
        if kind != M:
            return self.mark(call, S if no_axis or kind == V and not keep else V)
        if no_axis:
            operand = call.args[0].value if axis_position else call.func.value  # type: ignore[attr-defined]
            if name in FLAT_WITHOUT_AXIS and not self.one_row_or_column(operand):
                raise self.error(f"{name} without an axis works on the flattened array, whose order "
                                 "the transpose changes; give an axis")
            return self.mark(call, M if keep else S)
        assert axis_at is not None
        axis = args[axis_at].value
        args[axis_at] = args[axis_at].with_changes(value=self.map_axis(axis))
        full = isinstance(axis, cst.Tuple)
        result = M if keep or name in SAME_SHAPE else (S if full else V)
        return self.mark(call.with_changes(args=args), result)

    def numpy_call(self, call: cst.Call, path: str) -> cst.BaseExpression:
        parts = path.split(".")
        name = parts[-1]
        args = self.positional(call)
        first = self.kind(args[0].value) if args else O
        if path.startswith("np.random.") and len(parts) == 3:
            return self.random_call(call, name)
        if len(parts) == 3 and path == "np.linalg.norm":
            if first == M and (self.keyword(call, "axis") or len(args) > 2):
                return self.reduction(call, "norm", first, 2)
            return self.mark(call, S if first == M or self.keyword(call, "axis") is None else V)
        if len(parts) != 2:
            raise self.error(f"{path} is not covered by the translation rules")
        if name in ("dot", "matmul"):
            if len(args) != 2 or len(call.args) != 2:
                raise self.error(f"np.{name} with other than two arguments")
            kinds = self.kind(args[0].value), self.kind(args[1].value)
            return self.mark(call.with_changes(args=swap_args(call.args)), self.product_kind(*kinds))
        if name in SORTS:
            return self.sort(call, name, first, 1)
        if name in REDUCTIONS:
            return self.reduction(call, name, first, 1)
        if name in ELEMENTWISE:
            if name == "where" and len(call.args) == 1 and first == V:
                return self.mark(call, C)  # the indices of a 1-D array: the same in both
            if name == "where" and len(call.args) == 1 and first == M:
                # the transpose of the translation's array is the original's: the same indices
                inner = args[0].value
                original = inner.value if isinstance(inner, cst.Attribute) and inner.attr.value == "T" else \
                    cst.Attribute(parenthesized(inner), cst.Name("T"))
                return self.mark(call.with_changes(args=[args[0].with_changes(value=original)]), C)
            if name == "where" and len(call.args) == 1:
                raise self.error("np.where with one argument lists indices in memory order")
            arg_kinds = [self.kind(a.value) for a in args]
            for a, b in zip(args, args[1:], strict=False):
                self.check_broadcast(a.value, self.kind(a.value), b.value, self.kind(b.value))
            if V in arg_kinds and M in arg_kinds:
                raise self.error(f"np.{name} of a 1-D and a 2-D array (broadcasting); write it with operators "
                                 "or make the 1-D array a column")
            return self.mark(call, self.combine([k if k != O else S for k in arg_kinds]))
        if name in ("diag", "diagflat"):
            if first == V:
                return self.mark(call, M)
            if first == M and name == "diag" and len(call.args) == 1:
                return self.mark(call, V)
            raise self.error(f"np.{name} of an array not known to be 1-D (or with an offset)")
        if name in SCALAR_RESULTS:
            return self.mark(call, S)
        if name in ("finfo", "iinfo", "dtype"):
            return self.mark(call, O)
        if name in KEEP:
            if args and isinstance(args[0].value, (cst.List, cst.Tuple)):
                values = shape_elements(args[0].value) or []
                if any(isinstance(v, (cst.List, cst.Tuple)) for v in values):
                    raise self.error("a nested list literal as a 2-D array; build it transposed by hand")
                return self.mark(call, V)
            if first == C and name in ("asarray", "array") and isinstance(args[0].value, cst.Call):
                return self.mark(call, C)  # np.asarray(np.where(...)): index arrays, the same in both
            return self.mark(call, first if first in (*ARRAYS, U) else U)
        if name in CONSTRUCTORS:
            return self.constructor(call, name)
        if name == "eye":
            if len(call.args) > 2 or any(a.keyword is not None and a.keyword.value in ("k", "M") for a in call.args):
                raise self.error("np.eye with an offset or a keyword shape")
            new = swap_args(call.args) if len(args) == 2 else list(call.args)
            return self.mark(call.with_changes(args=new), M)
        if name in ("shape",):
            return self.mark(call, {M: SH, V: VSH}.get(first, USH))
        if name in ("arange", "linspace", "bincount", "unique"):
            return self.mark(call, V)
        if name in ("reshape", "ravel"):
            return self.reshape(call, name, first, function=True)
        if name == "squeeze":
            if self.keyword(call, "axis") or len(args) > 1:
                return self.reduction(call, name, first, 1)
            return self.mark(call, V if first in ARRAYS else U)
        if name == "expand_dims":
            if first == V:
                axis = self.keyword(call, "axis") or (args[1] if len(args) > 1 else None)
                value = int_value(axis.value) if axis is not None else None
                if value is None or value not in (0, 1, -1, -2):
                    raise self.error("np.expand_dims with an axis other than a literal 0, 1, -1 or -2")
                new = [a.with_changes(value=cst.Integer(str(1 - value % 2))) if a is axis else a
                       for a in call.args]
                return self.mark(call.with_changes(args=new), M)
            raise self.error("np.expand_dims of a 2-D array makes a 3-D array")
        if name in ("concatenate", "vstack", "hstack", "column_stack", "row_stack"):
            return self.stack(call, name)
        if name == "append":
            axis = self.keyword(call, "axis") or (args[2] if len(args) > 2 else None)
            pair = [self.kind(a.value) for a in args[:2]]
            if axis is None or pair != [M, M]:
                raise self.error("np.append of other than two 2-D arrays along an axis (without an axis it "
                                 "flattens in memory order)")
            new = [a.with_changes(value=self.map_axis(a.value)) if a is axis else a for a in call.args]
            return self.mark(call.with_changes(args=new), M)
        if name == "outer":
            if [self.kind(a.value) for a in args] == [V, V]:
                return self.mark(call.with_changes(args=swap_args(call.args)), M)
            raise self.error("np.outer of arrays that are not known to be 1-D (it flattens 2-D ones); "
                             "name them in vectors=")
        if name in ("sqrt", "exp", "log") and not args:
            return self.mark(call, S)
        raise self.error(f"np.{name} is not covered by the translation rules")

    def constructor(self, call: cst.Call, name: str) -> cst.BaseExpression:
        args = list(call.args)
        at = next((i for i, a in enumerate(args) if a.keyword is not None and a.keyword.value == "shape"), None)
        if at is None:
            at = next((i for i, a in enumerate(args) if a.keyword is None), None)
        if at is None:
            raise self.error(f"np.{name} without a shape")
        shape = args[at].value
        kind = self.kind(shape)
        if kind == SH:
            return self.mark(call, M)
        if kind == USH:
            return self.mark(call, U)
        if kind in (S, VSH):
            return self.mark(call, V)
        elements = shape_elements(shape)
        if elements is None and kind == U:
            raise self.unknown(shape, f"np.{name}({path_of(shape) or '…'}): a number gives a 1-D array (name it "
                                      "in scalars=), a pair a 2-D one (write it out, (rows, columns))")
        if elements is None:
            raise self.error(f"np.{name} with a shape held in a variable; write (rows, columns) out")
        if len(elements) == 2:
            assert isinstance(shape, (cst.Tuple, cst.List))
            args[at] = args[at].with_changes(value=swap_elements(shape))
            return self.mark(call.with_changes(args=args), M)
        if len(elements) == 1:
            return self.mark(call, V)
        raise self.error(f"np.{name} of a {len(elements)}-D shape")

    def random_call(self, call: cst.Call, name: str) -> cst.BaseExpression:
        """A random draw: a 2-D one becomes the same draw, transposed (``….T``)."""
        if name in RANDOM_DIMS:
            dims = list(call.args)
            if len(dims) == 1 and dims[0].star == "*":
                return self.starred_draw(call, name)
            if any(a.star or a.keyword is not None for a in dims):
                raise self.error(f"{name} with starred or keyword dimensions; write them out")
            count = len(dims)
        elif name in RANDOM_SIZE:
            size = self.keyword(call, "size")
            positional = self.positional(call)
            if size is None and len(positional) > RANDOM_SIZE[name]:
                size = positional[RANDOM_SIZE[name]]
            if size is not None and self.kind(size.value) == SH:
                return self.sized_draw(call, size)
            if size is None:
                count = 0
            else:
                kind = self.kind(size.value)
                elements = shape_elements(size.value)
                if kind in (S, VSH):
                    count = 1
                elif elements is not None:
                    count = len(elements)
                elif kind == U:
                    raise self.unknown(size.value, f"{name} with size={path_of(size.value) or '…'}: a number "
                                                   "draws a 1-D array (name it in scalars=), a pair a 2-D one")
                else:
                    raise self.error(f"{name} with a size held in a variable or a shape; write (rows, columns) out")
        else:
            if name in ("seed", "default_rng", "RandomState", "get_state", "set_state"):
                return self.mark(call, O)
            if name == "permutation" and self.kind(call.args[0].value) in (S, V):
                return self.mark(call, V)
            if name == "shuffle" and self.kind(call.args[0].value) in (V, C):
                return self.mark(call, NONE)
            if name in ("permutation", "shuffle"):
                raise self.error(f"{name} of a value not known to be a number, a 1-D array or a list (it "
                                 "shuffles the rows of a 2-D array, which the transpose makes columns); shuffle "
                                 "an index array and index the columns")
            raise self.error(f"np.random.{name} is not covered by the translation rules")
        if count == 0:
            return self.mark(call, S)
        if count == 1:
            return self.mark(call, V)
        if count > 2:
            raise self.error(f"a {count}-D random draw")
        return self.transposed_draw(call)

    def transposed_draw(self, call: cst.Call) -> cst.BaseExpression:
        """``call.T``, marked as the same draw transposed (so that the original's ``.T`` of a
        draw becomes the bare draw)."""
        self.note(RANDOM_NOTE)
        node = cst.Attribute(value=call, attr=cst.Name("T"))
        self.added_T.add(id(node))
        return self.mark(node, M)

    def reshape(self, call: cst.Call, name: str, kind: str, *, function: bool) -> cst.BaseExpression:
        """reshape, ravel and flatten of a 2-D array: the same in the other memory order."""
        args = list(call.args)
        order_at = next((i for i, a in enumerate(args) if a.keyword is not None and a.keyword.value == "order"), None)
        shape_args = [a for a in args if a.keyword is None][1 if function else 0:]
        if name == "reshape" and not shape_args:
            newshape = self.keyword(call, "newshape") or self.keyword(call, "shape")
            if newshape is None:
                raise self.error("reshape without a shape")
            shape_args = [newshape]
        result = V
        if name == "reshape":
            if len(shape_args) == 1:
                shape = shape_args[0].value
                skind = self.kind(shape)
                elements = shape_elements(shape)
                if skind == SH:
                    result = M
                elif skind in (S, VSH):
                    result = V
                elif elements is not None and len(elements) in (1, 2):
                    result = V if len(elements) == 1 else M
                    if result == M:
                        assert isinstance(shape, (cst.Tuple, cst.List))
                        i = args.index(shape_args[0])
                        args[i] = args[i].with_changes(value=swap_elements(shape))
                elif skind == C and self.pair_in_examples(shape):
                    result = M  # a pair held in a variable: reversed, as a literal pair is swapped
                    i = args.index(shape_args[0])
                    args[i] = args[i].with_changes(value=reversed_of(shape))
                else:
                    raise self.error("a reshape to a shape given by a variable or to 3-D")
            elif len(shape_args) == 2:
                result = M
                i, j = args.index(shape_args[0]), args.index(shape_args[1])
                args = swap_args(args, i, j)
            else:
                raise self.error("a reshape to 3-D or more")
        if kind == V and result == V:
            return self.mark(call.with_changes(args=args), V)
        if kind == U:
            receiver = self.positional(call)[0].value if function else call.func.value  # type: ignore[attr-defined]
            if not (result == V and self.possible(receiver) <= {V, M}):
                raise self.unknown(receiver, f"{name} is rewritten (in the other memory order) only for a 2-D "
                                             "array")
            kind = M  # flattening in the other order changes nothing for the 1-D arrays among them
        if kind not in ARRAYS:
            raise self.error(f"{name} of something not known to be an array")
        if order_at is None:
            self.note(RESHAPE_NOTE)
            args = with_keyword(args, "order", cst.SimpleString('"F"'))
        else:
            value = args[order_at].value
            text = value.evaluated_value if isinstance(value, cst.SimpleString) else None
            if text == "F":
                del args[order_at]
                if args:
                    args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            elif text == "C":
                self.note(RESHAPE_NOTE)
                args[order_at] = args[order_at].with_changes(value=cst.SimpleString('"F"'))
            else:
                raise self.error(f"{name} with order={text!r}; only 'C' and 'F' have a transpose")
        return self.mark(call.with_changes(args=args), result)

    def stack(self, call: cst.Call, name: str) -> cst.BaseExpression:
        args = self.positional(call)
        if not args:
            raise self.error(f"np.{name} without arrays")
        elements = shape_elements(args[0].value)
        sequence = args[0].value
        if elements is None and isinstance(sequence, (cst.ListComp, cst.GeneratorExp)) and self.kind(
                sequence.elt) == V and name in ("concatenate", "hstack"):
            return self.mark(call, V)  # 1-D pieces joined end to end: the same in both
        if elements is None:
            raise self.error(f"np.{name} of a sequence given by a variable; list the arrays")
        kinds = {self.kind(e) for e in elements}
        if U in kinds:
            unknown = next(e for e in elements if self.kind(e) == U)
            raise self.unknown(unknown, f"np.{name} joins along an axis that depends on the ranks")
        if kinds == {M}:
            if name == "concatenate":
                axis = self.keyword(call, "axis") or (args[1] if len(args) > 1 else None)
                if axis is None:
                    return self.mark(call.with_changes(args=with_keyword(call.args, "axis", cst.Integer("1"))), M)
                if isinstance(axis.value, cst.Name) and axis.value.value == "None":
                    raise self.error("np.concatenate with axis=None flattens in memory order")
                new = [a.with_changes(value=self.map_axis(a.value)) if a is axis else a for a in call.args]
                return self.mark(call.with_changes(args=new), M)
            swap = {"vstack": "hstack", "row_stack": "hstack", "hstack": "vstack", "column_stack": "vstack"}
            func = call.func
            assert isinstance(func, cst.Attribute)
            return self.mark(call.with_changes(func=func.with_changes(attr=cst.Name(swap[name]))), M)
        if kinds == {V}:
            if name in ("concatenate", "hstack"):
                return self.mark(call, V)
            swap = {"vstack": "column_stack", "row_stack": "column_stack", "column_stack": "vstack"}
            func = call.func
            assert isinstance(func, cst.Attribute)
            return self.mark(call.with_changes(func=func.with_changes(attr=cst.Name(swap[name]))), M)
        raise self.error(f"np.{name} of arrays not all known to be 2-D or all 1-D")

    def array_method(self, call: cst.Call, func: cst.Attribute, method: str, kind: str) -> cst.BaseExpression:
        if method == "dot":
            args = self.positional(call)
            if len(args) != 1 or len(call.args) != 1:
                raise self.error("X.dot with other than one argument")
            other = args[0].value
            receiver = func.value
            if isinstance(receiver, ELEMENT_HEAVY) and receiver.lpar:
                receiver = receiver.with_changes(lpar=[], rpar=[])  # an argument needs no parentheses
            node = call.with_changes(func=func.with_changes(value=parenthesized(other)),
                                     args=[call.args[0].with_changes(value=receiver)])
            return self.mark(node, self.product_kind(kind, self.kind(other)))
        if method in SORTS:
            return self.sort(call, method, kind, 0)
        if method in REDUCTIONS:
            return self.reduction(call, method, kind, 0)
        if method in ("reshape", "ravel", "flatten"):
            return self.reshape(call, method, kind, function=False)
        if method == "transpose":
            if len(call.args) not in (0, 2):
                raise self.error("transpose with axes other than two")
            return self.mark(call, kind)
        if method == "squeeze":
            if call.args:
                return self.reduction(call, method, kind, 0)
            return self.mark(call, V if kind in ARRAYS else U)
        if method in ARRAY_METHODS_KEPT:
            return self.mark(call, kind)
        if method == "item":
            return self.mark(call, S)
        if method == "tolist" and kind in ARRAYS:
            # the nested lists a 2-D array's rows make are the original's: lists have no transpose
            node = call.with_changes(func=func.with_changes(value=cst.Attribute(parenthesized(func.value),
                                                                                  cst.Name("T"))))
            return self.mark(node if kind == M else call, C)
        raise self.error(f"the array method .{method}() is not covered by the translation rules")

    def sort(self, call: cst.Call, name: str, kind: str, axis_position: int) -> cst.BaseExpression:
        """``np.argsort(X)`` sorts along the last axis: for a 2-D array the translation names
        the first, ``axis=0``; an explicit axis is swapped as for a reduction."""
        args = list(call.args)
        positional = [a for a in args if a.keyword is None and not a.star]
        has_axis = self.keyword(call, "axis") is not None or len(positional) > axis_position
        if kind == V:
            return self.mark(call, V)
        if kind != M:
            receiver = positional[0].value if axis_position else call.func.value  # type: ignore[attr-defined]
            raise self.unknown(receiver, f"{name} sorts along an axis the transpose changes; it is rewritten "
                                         "only for a 1-D or a 2-D array")
        if has_axis:
            return self.reduction(call, name, kind, axis_position)
        return self.mark(call.with_changes(args=with_keyword(args, "axis", cst.Integer("0"))), M)

    def sized_draw(self, call: cst.Call, size: cst.Arg) -> cst.BaseExpression:
        """``np.random.uniform(size=X.shape)``: the same draw, transposed:
        ``uniform(size=X.shape[::-1]).T``."""
        reversed_shape = reversed_of(size.value)
        args = [a.with_changes(value=reversed_shape) if a is size else a for a in call.args]
        return self.transposed_draw(call.with_changes(args=args))

    def starred_draw(self, call: cst.Call, name: str) -> cst.BaseExpression:
        """``np.random.rand(*X.shape)``: the same draw, transposed: ``rand(*X.shape[::-1]).T``."""
        arg = call.args[0]
        kind = self.kind(arg.value)
        if kind == VSH:
            return self.mark(call, V)
        if kind != SH:
            raise self.unknown(arg.value, f"{name}(*…) draws as many dimensions as the shape has") if kind == USH \
                else self.error(f"{name} with starred dimensions other than a 2-D array's shape; write them out")
        return self.transposed_draw(call.with_changes(args=[arg.with_changes(value=reversed_of(arg.value))]))


def with_keyword(args: Sequence[cst.Arg], name: str, value: cst.BaseExpression) -> list[cst.Arg]:
    """``args`` and then ``name=value`` (``X.reshape(n, -1)`` → ``X.reshape(n, -1, order="F")``)."""
    args = list(args)
    if args:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    equal = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
    return [*args, cst.Arg(value, keyword=cst.Name(name), equal=equal)]


def path_of(node: cst.BaseExpression) -> str | None:
    """The path under which evidence and hints name a value: ``x``, ``self.W``,
    ``params['W1']``, ``cache[0]``, ``params['W*']`` for a key built from the prefix ``"W"``,
    ``caches[*]`` for any item."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = path_of(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        base = path_of(node.value)
        if base is None:
            return None
        key = node.slice[0].slice.value
        if isinstance(key, cst.SimpleString):
            return f"{base}[{key.evaluated_value!r}]"
        if isinstance(key, cst.Integer):
            return f"{base}[{int(key.value)}]"
        if isinstance(key, cst.Name):
            return f"{base}[{key.value}]"
        prefix = key_prefix(key)
        return f"{base}[{prefix + '*'!r}]" if prefix is not None else f"{base}[*]"
    return None


def key_prefix(key: cst.BaseExpression) -> str | None:
    """``"W"`` for the keys ``"W" + str(l)`` and ``f"W{l}"``; None for other keys."""
    if isinstance(key, cst.BinaryOperation) and isinstance(key.left, cst.SimpleString):
        text = str(key.left.evaluated_value)
        return text.split("%")[0] if isinstance(key.operator, cst.Modulo) else text
    if isinstance(key, cst.FormattedString) and key.parts and isinstance(key.parts[0], cst.FormattedStringText):
        return key.parts[0].value
    return None


def reverses(element: cst.SubscriptElement) -> bool:
    """True for the index ``[::-1]``."""
    s = element.slice
    return isinstance(s, cst.Slice) and s.lower is None and s.upper is None and s.step is not None \
        and int_value(s.step) == -1


def reversed_of(shape: cst.BaseExpression) -> cst.BaseExpression:
    """``shape[::-1]``; ``shape`` for ``shape[::-1]`` (the rules are an involution)."""
    if isinstance(shape, cst.Subscript) and len(shape.slice) == 1 and reverses(shape.slice[0]):
        return shape.value
    step = cst.UnaryOperation(cst.Minus(), cst.Integer("1"))
    return cst.Subscript(value=shape, slice=[cst.SubscriptElement(cst.Slice(None, None, step=step,
                                                                            second_colon=cst.Colon()))])


def is_pair(node: cst.BaseExpression) -> bool:
    """True for a literal pair such as ``(n, m)``."""
    elements = shape_elements(node)
    return elements is not None and len(elements) == 2


def defined_names(module: cst.Module) -> tuple[set[str], set[str], set[str], set[str]]:
    """The functions and classes a source defines (names and qualified names) and the names
    of the methods of its classes."""
    functions, classes, methods, qualified = set(), set(), set(), set()

    def walk(body: Sequence[cst.CSTNode], prefix: str, in_class: bool) -> None:
        for node in body:
            if isinstance(node, cst.FunctionDef):
                functions.add(node.name.value)
                qualified.add(prefix + node.name.value)
                if in_class:
                    methods.add(node.name.value)
                if isinstance(node.body, cst.IndentedBlock):
                    walk(node.body.body, f"{prefix}{node.name.value}.<locals>.", False)
            elif isinstance(node, cst.ClassDef):
                classes.add(node.name.value)
                if isinstance(node.body, cst.IndentedBlock):
                    walk(node.body.body, f"{prefix}{node.name.value}.", True)
            elif isinstance(node, cst.BaseCompoundStatement) and isinstance(node.body, cst.IndentedBlock):
                walk(node.body.body, prefix, in_class)

    walk(module.body, "", False)
    return functions | classes, classes, methods, qualified


def parse(source: str) -> cst.Module:
    """The source parsed, or a TranslationError; what Python itself refuses (a syntax error,
    too deep a nesting) is refused before libcst sees it."""
    try:
        ast.parse(source)
    except SyntaxError as error:
        raise TranslationError(error.lineno or 0, (error.text or "").strip(), f"not valid Python: {error.msg}") \
            from None
    except (RecursionError, MemoryError):
        raise TranslationError(0, "", "nested too deeply for Python to compile") from None
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        raise TranslationError(error.raw_line, "", f"not valid Python: {error.message}") from None


REFUSED = "nnconv: not translated"


def raising(error: TranslationError, comment: str) -> cst.SimpleStatementLine:
    """``raise NotImplementedError("nnconv: not translated: ...")`` saying why, below the
    ``# nnconv:`` line ``comment``."""
    message = f"{REFUSED}: {error}"
    return cst.SimpleStatementLine(
        [cst.Raise(cst.Call(cst.Name("NotImplementedError"), [cst.Arg(cst.SimpleString(repr(message)))]))],
        leading_lines=[cst.EmptyLine(comment=cst.Comment(f"{NOTE} {comment}"))])


def refused_stub(node: cst.FunctionDef, error: TranslationError) -> cst.FunctionDef:
    """A function the rules could not translate: its body raises, saying why."""
    statement = raising(error, f"not translated, line {error.line}: the original is in the source you translated")
    return node.with_changes(body=cst.IndentedBlock([statement]))


def unreached_stub(error: TranslationError, elif_: bool) -> cst.SimpleStatementLine | cst.Else:
    """A statement the examples never reach and the rules cannot translate without its kinds:
    it raises, saying why (an ``elif`` becomes an ``else`` that raises)."""
    statement = raising(error, f"not translated: the examples never reach line {error.line}")
    return cst.Else(body=cst.IndentedBlock([statement])) if elif_ else statement


def statements_by_line(wrapper: cst.MetadataWrapper) -> list[tuple[int, int]]:
    """(first line, last line) of every statement."""
    positions = wrapper.resolve(PositionProvider)
    return [(span.start.line, span.end.line) for node, span in positions.items()
            if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement))]


def functions_by_line(wrapper: cst.MetadataWrapper) -> list[tuple[str, int, int]]:
    """(qualified name, first line, last line) of each top-level function and method."""
    positions = wrapper.resolve(PositionProvider)
    found = []
    for node in wrapper.module.body:
        members = [(node.name.value, node)] if isinstance(node, cst.FunctionDef) else []
        if isinstance(node, cst.ClassDef) and isinstance(node.body, cst.IndentedBlock):
            members = [(f"{node.name.value}.{m.name.value}", m) for m in node.body.body
                       if isinstance(m, cst.FunctionDef)]
        for name, member in members:
            span = positions[member]
            found.append((name, span.start.line, span.end.line))
    return found


def translate_source(module: cst.Module, hints: Mapping[str, Iterable[str]], evidence: Evidence | None = None) -> str:
    """The source (as :func:`parse` returns it) rewritten for the other convention (see the
    module docstring), with the kinds established by ``hints`` (``{"vectors": [...], ...}``)
    and ``evidence``.

    A function or method the rules refuse becomes a stub that raises NotImplementedError
    saying why, and the rest is translated; when every function is refused, or the refusal is
    outside any function, the TranslationError is raised."""
    defined, classes, methods, qualified = defined_names(module)
    try:
        kinds = Kinds(Hints.parse(hints, qualified), evidence)
    except KindError as error:
        raise TranslationError(0, "", str(error)) from None
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    refused: dict[str, TranslationError] = {}
    unreached: dict[int, TranslationError] = {}
    try:
        wrapper = cst.MetadataWrapper(module)
        spans = functions_by_line(wrapper)
        statements = statements_by_line(wrapper)
        while True:
            try:
                return wrapper.visit(Translator(kinds, defined, classes, methods, refused, unreached)).code
            except HintError:
                raise
            except TranslationError as error:
                inside = [name for name, first, last in spans if first <= error.line <= last and name not in refused]
                around = [first for first, last in statements if first <= error.line <= last]
                start = max(around, default=0)
                if inside and start not in unreached and kinds.unreached(inside[-1], start):
                    unreached[start] = error
                    continue
                if not inside or len(refused) + 1 >= len(spans):
                    raise
                refused[inside[-1]] = error
    except RecursionError:
        raise TranslationError(0, "", "an expression nested too deeply to rewrite; split it into "
                                      "several statements") from None
    finally:
        sys.setrecursionlimit(limit)
