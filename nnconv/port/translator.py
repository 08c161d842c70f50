"""Translate NumPy code between the conventions: every 2-D array then holds its transpose.

The translation rewrites the source with libcst (comments and formatting survive). It runs a
small kind inference alongside: every expression is a *scalar*, a 1-D *vector*, a 2-D
*matrix*, the *shape* of a matrix, a *container* (list, tuple, dict) or something *other*
(strings, modules, functions). The rules, each an identity of transposition:

- ``A @ B`` → ``B @ A``, and so for ``np.dot``, ``np.matmul`` and ``A.dot(B)``: (AB)ᵀ = BᵀAᵀ.
- ``.T``, ``.transpose()``, ``np.transpose``: kept (transposition commutes with itself).
- Elementwise arithmetic, comparisons and NumPy's elementwise functions: unchanged.
- Reductions (``sum``, ``mean``, ``max``, ``argmax``, …) of a matrix: axis 0 ↔ 1 (negative
  axes too), keepdims kept, no axis unchanged.
- ``X.shape[0]`` ↔ ``X.shape[1]``; ``m, n = X.shape`` → ``n, m = X.shape``; ``len(X)`` →
  ``X.shape[1]``.
- ``np.zeros((a, b))`` → ``np.zeros((b, a))`` (``ones``, ``empty``, ``full``, ``eye``);
  ``np.zeros(X.shape)`` and ``np.zeros_like(X)`` unchanged.
- Random draws keep their values: ``np.random.randn(a, b)`` → ``np.random.randn(a, b).T``
  (and ``….T`` → the bare draw), so that a seeded run of the translation holds exactly the
  transposes of the original's arrays. ``np.random.randn(b, a)`` would draw other values.
- Indexing a matrix: ``X[i, j]`` → ``X[j, i]``, ``X[:, k]`` → ``X[k, :]``, ``X[i]`` →
  ``X[:, i]``; a 2-D boolean mask ``X[mask] = v`` unchanged; ``params["W1"]`` unchanged.
  Indexing a vector is unchanged, and ``v[None, :]`` ↔ ``v[:, None]``.
- Fallbacks marked ``# nnconv:``: a reshape, ``ravel`` or ``flatten`` of a matrix reads and
  fills in the other memory order (``order="F"`` ↔ ``"C"``); a 1-D vector added to a matrix
  becomes a column ``v[:, None]`` so that it broadcasts along the same axis as before.

Names are taken to be 2-D arrays unless they are scalars (literals, ``X.shape[0]``,
``len(X)``, loop counters, parameters with a number as default, names in ``scalars=``),
1-D vectors (results such as ``X[:, 0]`` or ``np.sum(X, axis=0)``, names in ``vectors=``) or
containers (parameters such as ``params``, ``caches``, ``grads``, ``layer_dims``,
``activations``, or names looked up with a string). Everything else raises
:class:`~nnconv.port.TranslationError` naming the construct and its line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import libcst as cst
from libcst.metadata import PositionProvider

from .errors import TranslationError
from .names import hinted

S, V, M, SH, VSH, C, O, NONE = "scalar", "vector", "matrix", "shape", "vshape", "container", "other", "none"
ITEM = "item"
ARRAYS = (V, M)

NOTE = "# nnconv:"
RANDOM_NOTE = f"{NOTE} the same random draw, transposed (swapped dimensions would draw other numbers)"
RESHAPE_NOTE = f"{NOTE} reshaped in the other memory order: the transpose of the original reshape"
BROADCAST_NOTE = f"{NOTE} the 1-D array as a column, to broadcast as in the original"
ITEM_NOTE = f"{NOTE} an item of a list's item is taken to be a tuple's, not an array's row"

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
               "uniform": 2, "randint": 2, "integers": 2, "binomial": 2, "exponential": 1,
               "poisson": 1, "beta": 2, "gamma": 2, "laplace": 2, "logistic": 2, "lognormal": 2}
ARRAY_METHODS_KEPT = {"copy", "astype", "clip", "round", "conj", "fill", "view", "transpose"}
CONTAINER_METHODS_ARRAY = {"get", "pop", "setdefault"}
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

    def __init__(self, scalars: Iterable[str], vectors: Iterable[str]) -> None:
        super().__init__()
        self.scalars, self.vectors = set(scalars), set(vectors)
        self.env: list[dict[str, str]] = [{}]
        self.kinds: dict[int, tuple[cst.CSTNode, str]] = {}
        self.notes: list[list[str]] = []
        self.added_T: set[int] = set()
        self.target_depth = 0
        self.origin: cst.CSTNode | None = None

    # ----------------------------------------------------------------------------- bookkeeping
    def error(self, reason: str, node: cst.CSTNode | None = None) -> TranslationError:
        node = node or self.origin
        line = 0
        if node is not None:
            try:
                line = self.get_metadata(PositionProvider, node).start.line
            except KeyError:
                line = 0
        construct = cst.Module([]).code_for_node(node).strip() if node is not None else ""
        return TranslationError(line, construct.splitlines()[0] if construct else "", reason)

    def mark(self, node: cst.BaseExpression, kind: str) -> cst.BaseExpression:
        self.kinds[id(node)] = (node, kind)
        return node

    def note(self, text: str) -> None:
        if self.notes and text not in self.notes[-1]:
            self.notes[-1].append(text)

    def lookup(self, name: str) -> str:
        if name in self.scalars:
            return S
        if name in self.vectors:
            return V
        for scope in reversed(self.env):
            if name in scope:
                return scope[name]
        if name in ("True", "False"):
            return S
        if name == "None":
            return NONE
        if name in ("np", "numpy", "math") or name in BUILTIN_OTHER or name in BUILTIN_SCALARS:
            return O
        return hinted(name) or M

    def bind(self, name: str, kind: str) -> None:
        if name in self.scalars:
            kind = S
        elif name in self.vectors:
            kind = V
        self.env[-1][name] = kind

    def kind(self, node: cst.BaseExpression) -> str:
        kind = self.raw_kind(node)
        return M if kind == ITEM else kind

    def raw_kind(self, node: cst.BaseExpression) -> str:
        """The kind, with ITEM (an element of a container: a 2-D array or a tuple) kept."""
        if id(node) in self.kinds:
            return self.kinds[id(node)][1]
        if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
            return S
        if isinstance(node, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)):
            return O
        if isinstance(node, cst.Name):
            return self.lookup(node.value)
        if isinstance(node, (cst.List, cst.Tuple, cst.Dict, cst.Set, cst.ListComp, cst.DictComp,
                             cst.SetComp, cst.GeneratorExp)):
            return C
        if isinstance(node, cst.Lambda):
            return O
        return M

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self.notes.append([])
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        self.origin = original_node
        result = super().on_leave(original_node, updated_node)
        if isinstance(result, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
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

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.bind(node.name.value, O)
        evidence = ContainerEvidence()
        node.body.visit(evidence)
        scope: dict[str, str] = {}
        params = node.params
        for p in [*params.posonly_params, *params.params, *params.kwonly_params]:
            name = p.name.value
            kind = hinted(name) or M
            if name in evidence.containers:
                kind = C
            if p.default is not None:
                kind = S if isinstance(p.default, (cst.Integer, cst.Float, cst.UnaryOperation)) else O
                if isinstance(p.default, cst.Name) and p.default.value in ("True", "False"):
                    kind = S
            if p.annotation is not None:
                ann = dotted(p.annotation.annotation)
                if ann in ("int", "float", "bool", "complex"):
                    kind = S
                elif ann in ("str", "dict", "list", "tuple", "Params"):
                    kind = O if ann == "str" else C
            if name in ("self", "cls"):
                kind = O
            scope[name] = kind
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                scope[star.name.value] = C
        self.env.append(scope)
        for name in list(scope):
            self.bind(name, scope[name])

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self.env.pop()
        return updated_node

    def bind_target(self, target: cst.BaseExpression, kind: str) -> None:
        if isinstance(target, cst.Name):
            self.bind(target.value, kind)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for e in target.elements:
                if isinstance(e, cst.StarredElement):
                    self.bind_target(e.value, C)
                else:
                    self.bind_target(e.value, self.unpacked_kind(e.value, kind))

    def unpacked_kind(self, target: cst.BaseExpression, kind: str) -> str:
        if kind in (SH, VSH):
            return S
        if isinstance(target, cst.Name):
            return hinted(target.value) or M
        return M

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        value = updated_node.value
        kind = self.kind(value)
        targets = []
        for t in updated_node.targets:
            target = t.target
            if kind == SH and isinstance(target, (cst.Tuple, cst.List)):
                if len(target.elements) != 2:
                    raise self.error("unpacking the shape of a 2-D array into other than two names")
                target = swap_elements(target)
                t = t.with_changes(target=target)
            values = shape_elements(value) if isinstance(value, (cst.Tuple, cst.List)) else None
            if (isinstance(target, (cst.Tuple, cst.List)) and values is not None
                    and len(values) == len(target.elements)):
                for e, v in zip(target.elements, values, strict=True):
                    k = self.kind(v)
                    if k == C and isinstance(v, cst.Name) and isinstance(e.value, cst.Name):
                        k = hinted(e.value.value) or M
                    self.bind_target(e.value, k)
            elif kind == C and isinstance(value, cst.Name) and isinstance(target, cst.Name):
                self.bind_target(target, hinted(target.value) or M)  # Z = cache: the cache is Z
            elif isinstance(target, cst.Name) and self.user_call(value):
                self.bind_target(target, hinted(target.value) or kind)  # params = init_params(...)
            else:
                self.bind_target(target, kind)
            targets.append(t)
        return updated_node.with_changes(targets=targets)

    @staticmethod
    def user_call(value: cst.BaseExpression) -> bool:
        """True for a call of a function that is not NumPy's: its result's kind is unknown."""
        if not isinstance(value, cst.Call):
            return False
        path = dotted(value.func)
        return isinstance(value.func, cst.Name) and path not in BUILTIN_SCALARS | BUILTIN_OTHER | {"len", "abs"}

    def leave_AnnAssign(self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign) -> cst.AnnAssign:
        if updated_node.value is not None:
            self.bind_target(updated_node.target, self.kind(updated_node.value))
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

    def loop_targets(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> None:
        func = dotted(iterable.func) if isinstance(iterable, cst.Call) else None
        if func in ("range", "reversed") or func == "np.arange":
            self.bind_target(target, S)
        elif func == "enumerate" and isinstance(target, (cst.Tuple, cst.List)) and len(target.elements) == 2:
            self.bind_target(target.elements[0].value, S)
            self.bind_target(target.elements[1].value, M)
        elif isinstance(iterable, cst.Name) and self.lookup(iterable.value) == M:
            raise self.error("a loop over the rows of a 2-D array; loop over range(X.shape[0]) instead",
                             iterable)
        else:
            self.bind_target(target, M)

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
            self.bind(p.name.value, M)

    # ----------------------------------------------------------------------------- expressions
    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self.mark(updated_node, self.lookup(updated_node.value))

    def leave_UnaryOperation(self, original_node: cst.UnaryOperation,
                             updated_node: cst.UnaryOperation) -> cst.BaseExpression:
        return self.mark(updated_node, self.kind(updated_node.expression))

    def combine(self, kinds: Sequence[str]) -> str:
        if any(k in (C, O, SH, VSH, NONE) for k in kinds):
            return O
        if M in kinds:
            return M
        if V in kinds:
            return V
        return S

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
        if {kl, kr} == {V, M}:
            self.note(BROADCAST_NOTE)
            if kl == V:
                left = self.as_column(left)
            else:
                right = self.as_column(right)
            return self.mark(updated_node.with_changes(left=left, right=right), M)
        return self.mark(updated_node, self.combine([kl, kr]))

    def as_column(self, node: cst.BaseExpression) -> cst.BaseExpression:
        column = cst.Subscript(
            value=parenthesized(node),
            slice=self.column_of(cst.SubscriptElement(cst.Index(cst.Name("None")))),
        )
        return self.mark(column, M)

    @staticmethod
    def product_kind(kl: str, kr: str) -> str:
        if kl == V and kr == V:
            return S
        if V in (kl, kr) and M in (kl, kr):
            return V
        if kl == S or kr == S:
            return M if M in (kl, kr) else V if V in (kl, kr) else S
        return M

    def leave_Comparison(self, original_node: cst.Comparison, updated_node: cst.Comparison) -> cst.BaseExpression:
        kinds = [self.kind(updated_node.left)] + [self.kind(c.comparator) for c in updated_node.comparisons]
        if V in kinds and M in kinds:
            raise self.error("a comparison between a 1-D and a 2-D array (broadcasting)")
        return self.mark(updated_node, self.combine(kinds) if kinds[0] != O else S)

    def leave_BooleanOperation(self, original_node: cst.BooleanOperation,
                               updated_node: cst.BooleanOperation) -> cst.BaseExpression:
        return self.mark(updated_node, S)

    def leave_IfExp(self, original_node: cst.IfExp, updated_node: cst.IfExp) -> cst.BaseExpression:
        return self.mark(updated_node, self.combine([self.kind(updated_node.body), self.kind(updated_node.orelse)]))

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        attr, base = updated_node.attr.value, updated_node.value
        path = dotted(updated_node)
        if path is not None and path.startswith("np."):
            name = path.split(".")[-1]
            if path == "np.newaxis":
                return self.mark(updated_node, NONE)
            return self.mark(updated_node, S if name in SCALAR_RESULTS else O)
        kind = self.kind(base)
        if attr == "T":
            if id(base) in self.added_T and isinstance(base, cst.Attribute):
                # the original was a transposed random draw: the translation is the bare draw
                self.notes[-1][:] = [n for n in self.notes[-1] if n != RANDOM_NOTE]
                return self.mark(base.value, M)
            return self.mark(updated_node, kind)
        if kind in ARRAYS:
            if attr == "shape":
                return self.mark(updated_node, SH if kind == M else VSH)
            if attr in ("ndim", "size", "itemsize", "nbytes"):
                return self.mark(updated_node, S)
            if attr in ("real", "imag"):
                return self.mark(updated_node, kind)
            if attr == "flat" and kind == M:
                raise self.error("X.flat lists the elements in memory order; use X.ravel()")
            return self.mark(updated_node, O)
        return self.mark(updated_node, M if kind in (C, M) else O)

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
        if kind == C:
            return V  # a list of indices: X[:, permutation]
        return "key"

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        base, elements = updated_node.value, list(updated_node.slice)
        kind = self.raw_kind(base)
        if kind == ITEM:
            if len(elements) == 1 and self.index_class(elements[0]) in ("int", "slice"):
                self.note(ITEM_NOTE)
                return self.mark(updated_node, M)  # caches[l][1]: a tuple's item
            kind = M
        if kind == SH:
            return self.mark(self.shape_index(updated_node, elements), S)
        if kind == VSH:
            return self.mark(updated_node, S)
        if kind not in ARRAYS:
            return self.mark(updated_node, ITEM if kind == C else M if kind == O else O)
        classes = [self.index_class(e) for e in elements]
        if "key" in classes:
            return self.mark(updated_node, M)  # a dict look-up: params["W1"]
        if kind == V:
            if classes == ["new"]:
                return self.mark(updated_node.with_changes(slice=self.column_of(elements[0])), M)
            if len(classes) == 1:
                return self.mark(updated_node, S if classes == ["int"] else V)
            if sorted(classes) == ["new", "slice"]:
                return self.mark(updated_node.with_changes(slice=self.swapped(elements)), M)
            raise self.error("this index of a 1-D array")
        if "new" in classes:
            raise self.error("a new axis on a 2-D array makes a 3-D array, which has no transpose here")
        if len(classes) == 1:
            cls = classes[0]
            if cls == M:  # a boolean mask of the same shape: elementwise
                if self.target_depth == 0:
                    raise self.error("the index is taken to be a 2-D boolean mask, and X[mask] lists the "
                                     "selected elements in memory order, which the transpose changes; assign "
                                     "through the mask or use np.where; if the index is a number or a 1-D "
                                     "index array, name it in scalars= or vectors=")
                return self.mark(updated_node, V)
            new = [cst.SubscriptElement(cst.Slice(None, None),
                                        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                   elements[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
            return self.mark(updated_node.with_changes(slice=new), V if cls == "int" else M)
        if len(classes) == 2:
            if M in classes:  # index arrays, paired: X[a, b] -> X[b, a] picks the same elements
                if "slice" in classes:
                    raise self.error("a 2-D index array beside a slice")
                return self.mark(updated_node.with_changes(slice=self.swapped(elements)), M)
            ints = classes.count("int") + (1 if classes.count(V) == 2 else 0)
            result = {2: S, 1: V, 0: M}[min(ints, 2)]
            if classes.count(V) == 2:
                result = V
            return self.mark(updated_node.with_changes(slice=self.swapped(elements)), result)
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
        if len(elements) != 1 or not isinstance(elements[0].slice, cst.Index):
            raise self.error("a slice of the shape of a 2-D array; index it with 0 or 1")
        value = int_value(elements[0].slice.value)
        if value is None or value not in (0, 1, -1, -2):
            raise self.error("the shape of a 2-D array indexed by other than 0, 1, -1 or -2")
        new = cst.Integer(str(1 - value % 2))
        return node.with_changes(slice=[elements[0].with_changes(slice=cst.Index(new))])

    # ------------------------------------------------------------------------------------ calls
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = updated_node.func
        path = dotted(func)
        if path is not None and (path.startswith("np.") or path == "np"):
            return self.numpy_call(updated_node, path)
        if isinstance(func, cst.Name):
            return self.builtin_call(updated_node, func.value)
        if isinstance(func, cst.Attribute):
            receiver = self.kind(func.value)
            method = func.attr.value
            if receiver in ARRAYS:
                return self.array_method(updated_node, func, method, receiver)
            if receiver == O and method in RANDOM_DIMS | set(RANDOM_SIZE):
                return self.random_call(updated_node, method)
            if path is not None and path.startswith("math."):
                return self.mark(updated_node, S)
            if receiver == C:
                return self.mark(updated_node, M if method in CONTAINER_METHODS_ARRAY else O)
        return self.mark(updated_node, M)

    def positional(self, call: cst.Call) -> list[cst.Arg]:
        return [a for a in call.args if a.keyword is None and not a.star]

    def keyword(self, call: cst.Call, name: str) -> cst.Arg | None:
        return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)

    def builtin_call(self, call: cst.Call, name: str) -> cst.BaseExpression:
        args = self.positional(call)
        if name == "len" and len(args) == 1:
            kind = self.kind(args[0].value)
            if kind == M:
                shape = cst.Attribute(value=parenthesized(args[0].value), attr=cst.Name("shape"))
                node = cst.Subscript(value=shape, slice=[cst.SubscriptElement(cst.Index(cst.Integer("1")))])
                return self.mark(node, S)
            return self.mark(call, S)
        if name in ("abs", "max", "min") and args:
            return self.mark(call, self.combine([self.kind(a.value) for a in args]))
        if name in BUILTIN_SCALARS:
            return self.mark(call, S)
        if name in ("list", "dict", "tuple", "sorted", "set"):
            return self.mark(call, C)
        if name in BUILTIN_OTHER:
            return self.mark(call, O)
        return self.mark(call, M)

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
        raise self.error("an axis given by a variable; write it as a literal 0 or 1")

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
        if kind != M:
            return self.mark(call, S if no_axis or kind == V and not keep else V)
        if no_axis:
            if name in FLAT_WITHOUT_AXIS:
                raise self.error(f"{name} without an axis works on the flattened array, whose order "
                                 "the transpose changes; give an axis")
            return self.mark(call, M if keep else S)
        assert axis_at is not None
        axis = args[axis_at].value
        args[axis_at] = args[axis_at].with_changes(value=self.map_axis(axis))
        full = isinstance(axis, cst.Tuple)
        result = M if keep or name in ("cumsum", "cumprod") else (S if full else V)
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
        if name in REDUCTIONS:
            return self.reduction(call, name, first, 1)
        if name in ELEMENTWISE:
            if name == "where" and len(call.args) == 1:
                raise self.error("np.where with one argument lists indices in memory order")
            arg_kinds = [self.kind(a.value) for a in args]
            if V in arg_kinds and M in arg_kinds:
                raise self.error(f"np.{name} of a 1-D and a 2-D array (broadcasting)")
            return self.mark(call, self.combine([k if k != O else S for k in arg_kinds]))
        if name in SCALAR_RESULTS:
            return self.mark(call, S)
        if name in KEEP:
            if args and isinstance(args[0].value, (cst.List, cst.Tuple)):
                values = shape_elements(args[0].value) or []
                if any(isinstance(v, (cst.List, cst.Tuple)) for v in values):
                    raise self.error("a nested list literal as a 2-D array; build it transposed by hand")
                return self.mark(call, V)
            return self.mark(call, first if first in ARRAYS else M)
        if name in CONSTRUCTORS:
            return self.constructor(call, name)
        if name == "eye":
            if len(call.args) > 2 or any(a.keyword is not None and a.keyword.value in ("k", "M") for a in call.args):
                raise self.error("np.eye with an offset or a keyword shape")
            new = swap_args(call.args) if len(args) == 2 else list(call.args)
            return self.mark(call.with_changes(args=new), M)
        if name in ("shape",):
            return self.mark(call, SH if first == M else VSH)
        if name in ("arange", "linspace", "bincount", "unique"):
            return self.mark(call, V)
        if name in ("reshape", "ravel"):
            return self.reshape(call, name, first, function=True)
        if name == "squeeze":
            if self.keyword(call, "axis") or len(args) > 1:
                return self.reduction(call, name, first, 1)
            return self.mark(call, V if first in ARRAYS else first)
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
        if kind in (S, VSH):
            return self.mark(call, V)
        elements = shape_elements(shape)
        if elements is None:
            raise self.error(f"np.{name} with a shape given by a variable; write (rows, columns) out")
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
            if any(a.star or a.keyword is not None for a in dims):
                raise self.error(f"{name} with starred or keyword dimensions; write them out")
            count = len(dims)
        elif name in RANDOM_SIZE:
            size = self.keyword(call, "size")
            positional = self.positional(call)
            if size is None and len(positional) > RANDOM_SIZE[name]:
                size = positional[RANDOM_SIZE[name]]
            if size is None:
                count = 0
            else:
                kind = self.kind(size.value)
                elements = shape_elements(size.value)
                if kind in (S, VSH):
                    count = 1
                elif elements is not None:
                    count = len(elements)
                else:
                    raise self.error(f"{name} with a size given by a variable or a shape; write (rows, columns) out")
        else:
            if name in ("seed", "default_rng", "RandomState", "get_state", "set_state"):
                return self.mark(call, O)
            if name == "permutation" and self.kind(call.args[0].value) != M:
                return self.mark(call, V)
            raise self.error(f"np.random.{name} is not covered by the translation rules")
        if count == 0:
            return self.mark(call, S)
        if count == 1:
            return self.mark(call, V)
        if count > 2:
            raise self.error(f"a {count}-D random draw")
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
        if kind not in ARRAYS:
            raise self.error(f"{name} of something not known to be an array")
        if order_at is None:
            self.note(RESHAPE_NOTE)
            order = cst.Arg(value=cst.SimpleString('"F"'), keyword=cst.Name("order"),
                            equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                  whitespace_after=cst.SimpleWhitespace("")))
            if args:
                args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            args.append(order)
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
        if elements is None:
            raise self.error(f"np.{name} of a sequence given by a variable; list the arrays")
        kinds = {self.kind(e) for e in elements}
        if kinds == {M}:
            if name == "concatenate":
                axis = self.keyword(call, "axis") or (args[1] if len(args) > 1 else None)
                if axis is None:
                    new = [*call.args[:-1], call.args[-1].with_changes(
                        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                        cst.Arg(cst.Integer("1"), keyword=cst.Name("axis"),
                                equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                      whitespace_after=cst.SimpleWhitespace("")))]
                    return self.mark(call.with_changes(args=new), M)
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
            return self.mark(call, V)
        if method in ARRAY_METHODS_KEPT:
            return self.mark(call, kind)
        if method == "item":
            return self.mark(call, S)
        raise self.error(f"the array method .{method}() is not covered by the translation rules")


class ContainerEvidence(cst.CSTVisitor):
    """Names a function body uses as containers: looked up with a string, appended to,
    iterated with ``.items()``, or unpacked into several names."""

    def __init__(self) -> None:
        super().__init__()
        self.containers: set[str] = set()

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if isinstance(node.value, cst.Name) and len(node.slice) == 1:
            s = node.slice[0].slice
            if isinstance(s, cst.Index) and isinstance(
                    s.value, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)):
                self.containers.add(node.value.value)
            if isinstance(s, cst.Index) and isinstance(s.value, cst.BinaryOperation) and isinstance(
                    s.value.left, (cst.SimpleString, cst.FormattedString)):
                self.containers.add(node.value.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value in (
                "append", "items", "keys", "values", "get", "extend", "insert", "update", "pop"):
            self.containers.add(func.value.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Name) and any(isinstance(t.target, (cst.Tuple, cst.List))
                                                    for t in node.targets):
            self.containers.add(node.value.value)


def translate_source(source: str, scalars: Iterable[str] = (), vectors: Iterable[str] = ()) -> str:
    """The source rewritten for the other convention (see the module docstring)."""
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        raise TranslationError(error.raw_line, "", f"not valid Python: {error.message}") from error
    wrapper = cst.MetadataWrapper(module)
    return wrapper.visit(Translator(scalars, vectors)).code
