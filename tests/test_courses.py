"""The published outputs of the course exercises, reproduced with nnconv.

Each test regenerates an exercise's inputs with the exercise's own seeded calls
(``np.random.seed(s)`` then ``np.random.randn``/``rand``: the legacy generator, here as
``np.random.RandomState(s)``, which draws the same numbers without touching the global state),
feeds them through nnconv in the course's convention (colmajor for deeplearning.ai, rowmajor for
CS231n), and asserts the published numbers to the digits published. The other convention gets
the transposed inputs and must give the transposed outputs, bit for bit.

Where a course's formula differs from nnconv's, the test shows the mapping: the step count t
and the moment names of Adam, the ε that some expected outputs put inside the square root,
CS231n's velocity (−α times nnconv's) and its regularization strength (no 1/m).

The sources (the numbers are quoted; the courses' code is not):

- deeplearning.ai, "Improving Deep Neural Networks" (course 2), week 1, "Regularization": the
  expected outputs in ``public_tests.py`` and the notebook. 27 outputs.
- the same course, week 2, "Optimization methods": three generations of expected outputs (the
  original notebook's tables, an earlier ``public_tests.py``, the current one). 84 outputs (24
  of them the zeros of the initial state), 8 through the ε-inside mapping.
- deeplearning.ai, "Neural Networks and Deep Learning" (course 1), week 4, "Building your Deep
  Neural Network: Step by Step", ``L_model_backward``. 6 outputs.
- CS231n assignment 2: the checks of ``FullyConnectedNets.ipynb`` (10 outputs) and the printed
  results of the checks in ``Dropout.ipynb`` (6) and ``BatchNormalization.ipynb`` (8).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar

import numpy as np
import pytest
from test_exact import equal_transposed

from nnconv import colmajor, optim, rowmajor, transpose
from nnconv.types import Array, LayerCache

T = TypeVar("T")
NUMBER = re.compile(r"[-+]?\d+\.?\d*(?:e[-+]?\d+)?")
HIDDEN = ["relu", "relu", "sigmoid"]
"""The three-layer network of the Regularization exercise: LINEAR→RELU→LINEAR→RELU→LINEAR→SIGMOID."""


def legacy(seed: int) -> np.random.RandomState:
    """The generator behind ``np.random.seed(seed)``: its randn and rand draw the courses' numbers."""
    return np.random.RandomState(seed)


def draw(rs: np.random.RandomState, shapes: list[tuple[str, tuple[int, int]]], prefix: str = "") -> dict[str, Array]:
    """``{prefix + name: rs.randn(*shape)}``, drawn in the order of ``shapes``, as the test cases draw them."""
    return {prefix + name: rs.randn(*shape) for name, shape in shapes}


def rounds_to(actual: Any, printout: str) -> bool:
    """Whether ``actual`` rounds to ``printout``, NumPy's printout of it (or an array literal
    copied from one), element by element in reading order. NumPy prints 8 decimals, of the
    mantissa in scientific notation: each number is within half a unit of its last printed digit."""
    tokens = NUMBER.findall(printout)
    printed = np.array([float(t) for t in tokens])
    half_unit = np.array([0.5e-8 * 10.0 ** int(t.split("e")[1]) if "e" in t else 0.5e-8 for t in tokens])
    values = np.ravel(np.asarray(actual, dtype=np.float64))
    assert values.shape == printed.shape, (values.shape, printed.shape)
    return bool(np.all(np.abs(values - printed) <= half_unit + 1e-15 * np.abs(printed)))


def assert_printed(actual: Any, printout: str) -> None:
    """``actual`` rounds to ``printout`` (:func:`rounds_to`)."""
    assert rounds_to(actual, printout), (np.asarray(actual), printout)


def both(course: ModuleType, compute: Callable[[ModuleType, Callable[[Any], Any]], T]) -> T:
    """``compute(nn, to)`` in the course's convention (``to`` keeps the course's arrays) and in
    the other one (``to`` transposes them); the other's outputs must be the bitwise transpose of
    the course's. Returns the course's."""
    other = rowmajor if course is colmajor else colmajor
    ours = compute(course, lambda a: a)
    equal_transposed(compute(other, transpose), ours)
    return ours


def round8(a: Array) -> Array:
    """An array as a course's test case holds it: NumPy's printout of it, 8 decimals."""
    return np.round(a, 8)


# ---------------------------------------------------------------------------------------------
# deeplearning.ai, course 2, week 1, "Regularization" (W1A2)
# ---------------------------------------------------------------------------------------------


NETWORK = [("W1", (2, 3)), ("b1", (2, 1)), ("W2", (3, 2)), ("b2", (3, 1)), ("W3", (1, 3)), ("b3", (1, 1))]
"""The parameters of the Regularization exercise's test cases, in the order they are drawn."""


def regularization_case() -> tuple[Array, Array, dict[str, Array]]:
    """X (3, 5), Y (1, 5) and the parameters of the exercise's backward and dropout test cases:
    seed 1, X = randn(3, 5), then the parameters."""
    rs = legacy(1)
    X = rs.randn(3, 5)
    return X, np.array([[1.0, 1, 0, 1, 0]]), draw(rs, NETWORK)


def dropout_masks(keep_prob: float) -> list[Array]:
    """D1 (2, 5) and D2 (3, 5) as ``forward_propagation_with_dropout`` draws them: it calls
    ``np.random.seed(1)``, then ``rand(...) < keep_prob`` for each hidden layer."""
    rs = legacy(1)
    return [rs.rand(2, 5) < keep_prob, rs.rand(3, 5) < keep_prob]


def forward_with_dropout(
    nn: ModuleType, X: Array, params: dict[str, Array], masks: list[Array], keep_prob: float
) -> tuple[Array, list[LayerCache]]:
    """The exercise's forward pass with nnconv's steps: dropout after each relu layer."""
    A, caches = X, []
    for l, activation in enumerate(HIDDEN, start=1):
        A_prev, W, b = A, params[f"W{l}"], params[f"b{l}"]
        Z = nn.linear_forward(A_prev, W, b)
        A = nn.activation_forward(Z, activation)
        if l < len(HIDDEN):
            A, mask = nn.dropout_forward(A, keep_prob, mask=masks[l - 1])
            assert mask is masks[l - 1] or np.array_equal(mask, masks[l - 1])
        caches.append(LayerCache(A_prev, W, b, Z))
    return A, caches


def as_printed(caches: list[LayerCache]) -> list[LayerCache]:
    """The caches as the exercise's test cases hold them: every array printed to 8 decimals,
    except X, which the test case draws itself. (With the unrounded values the outputs differ
    from the published ones by up to 7.7e-9, more than the printing's 5e-9.)"""
    return [LayerCache(A_prev if l == 0 else round8(A_prev), round8(W), round8(b), round8(Z))
            for l, (A_prev, W, b, Z) in enumerate(caches)]


def test_dlai_compute_cost_with_regularization() -> None:
    # compute_cost_with_regularization_test_case: seed 1, the parameters drawn first; a3 is the
    # printout of the forward pass of the backward test case's network; lambd = 0.1.
    params = draw(legacy(1), NETWORK)
    X, Y, network = regularization_case()
    a3 = round8(colmajor.forward(X, network, HIDDEN)[0])

    def compute(nn: ModuleType, to: Callable[[Any], Any]) -> float:
        cost: float = nn.cost(to(a3), to(Y), "bce", params=to(params), l2=0.1)
        return cost

    J = both(colmajor, compute)
    # public_tests.py, compute_cost_with_regularization_test: expected_output
    np.testing.assert_allclose(J, 1.7864859451590758, rtol=1e-15)
    # the notebook's expected output, "cost = 1.78648594516"
    assert abs(J - 1.78648594516) <= 0.5e-11


REGULARIZATION_BACKWARD = {  # public_tests.py, backward_propagation_with_regularization_test: expected_output
    "dZ3": "[[-0.59317598, -0.98370716,  0.16722898, -0.89881889,  0.40682402]]",
    "dW3": "[[-1.77691347, -0.11832879, -0.09397446]]",
    "db3": "[[-0.38032981]]",
    "dA2": """[[ 0.40761434,  0.67597671, -0.11491519,  0.6176438 , -0.27955836],
            [ 0.50135568,  0.83143484, -0.14134288,  0.7596868 , -0.34384996],
            [ 0.39816708,  0.66030962, -0.11225181,  0.6033287 , -0.27307905]]""",
    "dZ2": """[[ 0.40761434,  0.67597671, -0.11491519,  0.6176438 , -0.27955836],
            [ 0.        ,  0.        , -0.        ,  0.        , -0.        ],
            [ 0.        ,  0.        , -0.        ,  0.        , -0.        ]]""",
    "dW2": "[[ 0.79276486,  0.85133918], [-0.0957219 , -0.01720463], [-0.13100772, -0.03750433]]",
    "db2": "[[0.26135226], [0.        ], [0.        ]]",
    "dA1": """[[ 0.2048239 ,  0.33967447, -0.05774423,  0.31036252, -0.14047649],
            [ 0.3672018 ,  0.60895764, -0.10352203,  0.5564081 , -0.25184181]]""",
    "dZ1": """[[ 0.        ,  0.33967447, -0.05774423,  0.31036252, -0.        ],
            [ 0.        ,  0.60895764, -0.10352203,  0.5564081 , -0.        ]]""",
    "dW1": "[[-0.25604646,  0.12298827, -0.28297129], [-0.17706303,  0.34536094, -0.4410571 ]]",
    "db1": "[[0.11845855], [0.21236874]]",
}


def test_dlai_backward_propagation_with_regularization() -> None:
    # backward_propagation_with_regularization_test_case: X from seed 1 and the cache of the
    # forward pass, printed to 8 decimals; lambd = 0.7. The exercise's backward is nnconv's:
    # dZ3 = A3 - Y, then dW[l] = (1/m) dZ A_prev^T + (lambd/m) W[l].
    X, Y, params = regularization_case()
    _, caches = colmajor.forward(X, params, HIDDEN)
    printed = as_printed(caches)
    A3 = round8(colmajor.activation_forward(caches[2].Z, "sigmoid"))

    def compute(nn: ModuleType, to: Callable[[Any], Any]) -> dict[str, Array]:
        grads: dict[str, Array] = nn.backward(to(A3), to(Y), to(printed), HIDDEN, "bce", l2=0.7)
        grads["dZ3"] = to(A3) - to(Y)  # where backward starts (sigmoid + bce), computed here
        for l in (1, 2):
            grads[f"dZ{l}"] = nn.activation_backward(grads[f"dA{l}"], to(printed[l - 1].Z), "relu")
        del grads["dA0"]
        return grads

    grads = both(colmajor, compute)
    # (the notebook prints dW1, dW2 and dW3, the same numbers)
    for name, printout in REGULARIZATION_BACKWARD.items():
        assert_printed(grads[name], printout)


def test_dlai_forward_propagation_with_dropout() -> None:
    # forward_propagation_with_dropout_test_case: X and the parameters from seed 1, keep_prob = 0.7,
    # the masks drawn after np.random.seed(1) inside the function.
    X, _, params = regularization_case()
    masks = dropout_masks(0.7)

    def compute(nn: ModuleType, to: Callable[[Any], Any]) -> tuple[Array, list[LayerCache]]:
        A3, caches = forward_with_dropout(nn, to(X), to(params), to(masks), 0.7)
        return A3, caches

    A3, caches = both(colmajor, compute)
    # public_tests.py, forward_propagation_with_dropout_test: A3 and the cache
    # (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3); the notebook prints A3.
    assert_printed(A3, "[[0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721]]")
    assert_printed(caches[0].Z, """[[-1.52855314,  3.32524635,  2.13994541,  2.60700654, -0.75942115],
                                    [-1.98043538,  4.1600994 ,  0.79051021,  1.46493512, -0.45506242]]""")
    assert_printed(caches[1].A_prev, """[[0.        , 0.        , 3.05706487, 3.72429505, 0.        ],
                                         [0.        , 5.94299915, 1.1293003 , 2.09276446, 0.        ]]""")  # A1
    assert_printed(caches[1].Z, """[[ 0.53035547,  5.88414161,  3.08385015,  4.28707196,  0.53035547],
                                    [-0.69166075, -1.42199726, -2.92064114, -3.49524533, -0.69166075],
                                    [-0.39675353, -1.98881216, -3.55998747, -4.44246165, -0.39675353]]""")
    assert_printed(caches[2].A_prev, """[[0.75765067, 8.40591658, 4.40550021, 0.        , 0.75765067],
                                         [0.        , 0.        , 0.        , 0.        , 0.        ],
                                         [0.        , 0.        , 0.        , 0.        , 0.        ]]""")  # A2
    assert_printed(caches[2].Z, "[[-0.53330145, -5.78898099, -3.04000407, -0.0126646 , -0.53330145]]")
    # and the masks are the test case's D1 and D2
    assert_printed(masks[0], "[[ True, False,  True,  True,  True], [ True,  True,  True,  True,  True]]"
                   .replace("True", "1.").replace("False", "0."))
    assert_printed(masks[1], """[[ True,  True,  True, False,  True], [ True,  True,  True,  True,  True],
                                 [False, False,  True,  True, False]]""".replace("True", "1.").replace("False", "0."))


DROPOUT_BACKWARD = {  # public_tests.py, backward_propagation_with_dropout_test: expected_output
    "dZ3": "[[-0.67733606, -0.50316611,  0.00348883, -0.50316611,  0.32266394]]",
    "dW3": "[[-0.06951191,  0.        ,  0.        ]]",
    "db3": "[[-0.2715031]]",
    "dA2": """[[ 0.58180856,  0.        , -0.00299679,  0.        , -0.27715731],
            [ 0.        ,  0.53159854, -0.        ,  0.53159854, -0.34089673],
            [ 0.        ,  0.        , -0.00292733,  0.        , -0.        ]]""",
    "dZ2": """[[ 0.58180856,  0.        , -0.00299679,  0.        , -0.27715731],
            [ 0.        ,  0.        , -0.        ,  0.        , -0.        ],
            [ 0.        ,  0.        , -0.        ,  0.        , -0.        ]]""",
    "dW2": "[[-0.00256518, -0.0009476 ], [ 0.        ,  0.        ], [ 0.        ,  0.        ]]",
    "db2": "[[0.06033089], [0.        ], [0.        ]]",
    "dA1": """[[ 0.36544439,  0.        , -0.00188233,  0.        , -0.17408748],
            [ 0.65515713,  0.        , -0.00337459,  0.        , -0.        ]]""",
    "dZ1": """[[ 0.        ,  0.        , -0.00188233,  0.        , -0.        ],
            [ 0.        ,  0.        , -0.00337459,  0.        , -0.        ]]""",
    "dW1": "[[0.00019884, 0.00028657, 0.00012138], [0.00035647, 0.00051375, 0.00021761]]",
    "db1": "[[-0.00037647], [-0.00067492]]",
}


def test_dlai_backward_propagation_with_dropout() -> None:
    # backward_propagation_with_dropout_test_case: X from seed 1 and the cache, printed to 8
    # decimals, of forward_propagation_with_dropout with keep_prob = 0.5 (masks rand < 0.5 after
    # seed 1); the backward pass then runs with keep_prob = 0.8, as the test case does.
    X, Y, params = regularization_case()
    masks = dropout_masks(0.5)
    A3, caches = forward_with_dropout(colmajor, X, params, masks, 0.5)
    A3, printed = round8(A3), as_printed(caches)

    def compute(nn: ModuleType, to: Callable[[Any], Any]) -> dict[str, Array]:
        grads = {"dZ3": to(A3) - to(Y)}  # the fused start of sigmoid + bce
        for l in (3, 2, 1):
            A_prev, W, _, _ = to(printed[l - 1])
            dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = nn.linear_backward(grads[f"dZ{l}"], A_prev, W)
            if l > 1:
                grads[f"dA{l - 1}"] = nn.dropout_backward(dA_prev, to(masks[l - 2]), 0.8)
                grads[f"dZ{l - 1}"] = nn.activation_backward(grads[f"dA{l - 1}"], to(printed[l - 2].Z), "relu")
        return grads

    grads = both(colmajor, compute)
    # (the notebook prints dA1 and dA2, the same numbers)
    for name, printout in DROPOUT_BACKWARD.items():
        assert_printed(grads[name], printout)


# ---------------------------------------------------------------------------------------------
# deeplearning.ai, course 1, week 4, "Building your Deep Neural Network: Step by Step"
# ---------------------------------------------------------------------------------------------


def test_dlai_L_model_backward_from_randn() -> None:
    # L_model_backward_test_case: seed 3, AL = randn(1, 2), Y = [[1, 0]]; layer 1's cache
    # (A0 (4, 2), W1 (3, 4), b1 (3, 1)), Z1 (3, 2); layer 2's (A1 (3, 2), W2 (1, 3), b2 (1, 1)), Z2 (1, 2).
    # AL is not sigmoid(Z2) and lies outside (0, 1): the exercise's chain dAL -> dZ2 -> ... is
    # defined all the same, and nnconv computes it step by step.
    rs = legacy(3)
    AL, Y = rs.randn(1, 2), np.array([[1.0, 0.0]])
    A0, W1, b1, Z1 = rs.randn(4, 2), rs.randn(3, 4), rs.randn(3, 1), rs.randn(3, 2)
    A1, W2, b2, Z2 = rs.randn(3, 2), rs.randn(1, 3), rs.randn(1, 1), rs.randn(1, 2)
    assert AL[0, 0] > 1

    def compute(nn: ModuleType, to: Callable[[Any], Any]) -> dict[str, Array]:
        grads: dict[str, Array] = {}
        dAL = nn.loss_backward(to(AL), to(Y), "bce")
        dZ2 = nn.activation_backward(dAL, to(Z2), "sigmoid")
        grads["dA1"], grads["dW2"], grads["db2"] = nn.linear_backward(dZ2, to(A1), to(W2))
        dZ1 = nn.activation_backward(grads["dA1"], to(Z1), "relu")
        grads["dA0"], grads["dW1"], grads["db1"] = nn.linear_backward(dZ1, to(A0), to(W1))
        return grads

    grads = both(colmajor, compute)
    # the notebook's expected output (and public_tests.py's L_model_backward_test)
    assert_printed(grads["dA0"], "[[ 0.  0.52257901] [ 0. -0.3269206 ] [ 0. -0.32070404] [ 0. -0.74079187]]")
    assert_printed(grads["dA1"], "[[ 0.12913162 -0.44014127] [-0.14175655  0.48317296] [ 0.01663708 -0.05670698]]")
    assert_printed(grads["dW1"], """[[0.41010002 0.07807203 0.13798444 0.10502167]
                                     [0.         0.         0.         0.        ]
                                     [0.05283652 0.01005865 0.01777766 0.0135308 ]]""")
    assert_printed(grads["dW2"], "[[-0.39202432 -0.13325855 -0.04601089]]")
    assert_printed(grads["db1"], "[[-0.22007063] [ 0.        ] [-0.02835349]]")
    assert_printed(grads["db2"], "[[0.15187861]]")

    # backward starts from the fused dZ2 = AL - Y, which is this chain only when AL = sigmoid(Z2)
    caches = [LayerCache(A0, W1, b1, Z1), LayerCache(A1, W2, b2, Z2)]
    fused = colmajor.backward(AL, Y, caches, ["relu", "sigmoid"], "bce")
    assert not np.allclose(fused["dW2"], grads["dW2"])


# ---------------------------------------------------------------------------------------------
# deeplearning.ai, course 2, week 2, "Optimization methods" (W2A1)
# ---------------------------------------------------------------------------------------------

# Three generations of the exercise. "original": the notebook's "Expected Output" tables;
# "earlier": an earlier public_tests.py, W2 (3, 3); "current": the current public_tests.py,
# W2 (3, 2), and the notebook's "Expected values". The parameters and gradients are drawn after np.random.seed(1):
# W1 (2, 3), b1 (2, 1), W2, b2 (3, 1), then dW1, db1, dW2, db2 of the same shapes.
W2_SHAPE = {"original": (3, 3), "earlier": (3, 3), "current": (3, 2)}


def optimization_case(generation: str) -> tuple[dict[str, Array], dict[str, Array]]:
    rs = legacy(1)
    shapes = [("W1", (2, 3)), ("b1", (2, 1)), ("W2", W2_SHAPE[generation]), ("b2", (3, 1))]
    params = draw(rs, shapes)
    return params, draw(rs, shapes, prefix="d")


GD = {  # update_parameters_with_gd, learning_rate = 0.01
    "earlier": {  # the original notebook's table shows the same numbers
        "W1": "[[ 1.63535156, -0.62320365, -0.53718766], [-1.07799357,  0.85639907, -2.29470142]]",
        "b1": "[[ 1.74604067], [-0.75184921]]",
        "W2": """[[ 0.32171798, -0.25467393,  1.46902454], [-2.05617317, -0.31554548, -0.3756023 ],
                  [ 1.1404819 , -1.09976462, -0.1612551 ]]""",
        "b2": "[[-0.88020257], [ 0.02561572], [ 0.57539477]]"},
    "current": {
        "W1": "[[ 1.63312395, -0.61217855, -0.5339999], [-1.06196243,  0.85396039, -2.3105546]]",
        "b1": "[[ 1.73978682], [-0.77021546]]",
        "W2": "[[ 0.32587637, -0.24814147], [ 1.47146563, -2.05746183], [-0.32772076, -0.37713775]]",
        "b2": "[[ 1.13773698], [-1.09301954], [-0.16397615]]"},
}

MOMENTUM = {  # update_parameters_with_momentum, beta = 0.9, learning_rate = 0.01; params, then v
    "earlier": {  # the original notebook's table shows the same numbers
        "W1": "[[ 1.62544598, -0.61290114, -0.52907334], [-1.07347112,  0.86450677, -2.30085497]]",
        "b1": "[[ 1.74493465], [-0.76027113]]",
        "W2": """[[ 0.31930698, -0.24990073,  1.4627996 ], [-2.05974396, -0.32173003, -0.38320915],
                  [ 1.13444069, -1.0998786 , -0.1713109 ]]""",
        "b2": "[[-0.87809283], [ 0.04055394], [ 0.58207317]]",
        "dW1": "[[-0.11006192,  0.11447237,  0.09015907], [ 0.05024943,  0.09008559, -0.06837279]]",
        "db1": "[[-0.01228902], [-0.09357694]]",
        "dW2": """[[-0.02678881,  0.05303555, -0.06916608], [-0.03967535, -0.06871727, -0.08452056],
                   [-0.06712461, -0.00126646, -0.11173103]]""",
        "db2": "[[0.02344157], [0.16598022], [0.07420442]]"},
    "current": {
        "W1": "[[ 1.62522322, -0.61179863, -0.52875457], [-1.071868,    0.86426291, -2.30244029]]",
        "b1": "[[ 1.74430927], [-0.76210776]]",
        "W2": "[[ 0.31972282, -0.24924749], [ 1.46304371, -2.05987282], [-0.32294756, -0.38336269]]",
        "b2": "[[ 1.1341662 ], [-1.09920409], [-0.171583  ]]",
        "dW1": "[[-0.08778584,  0.00422137,  0.05828152], [-0.11006192,  0.11447237,  0.09015907]]",
        "db1": "[[0.05024943], [0.09008559]]",
        "dW2": "[[-0.06837279, -0.01228902], [-0.09357694, -0.02678881], [ 0.05303555, -0.06916608]]",
        "db2": "[[-0.03967535], [-0.06871727], [-0.08452056]]"},
}

ADAM_SETTINGS = {  # update_parameters_with_adam: t, learning_rate, beta1, beta2, epsilon
    "original": (2, 0.01, 0.9, 0.999, 1e-8),
    "earlier": (2, 0.02, 0.8, 0.888, 1e-2),
    "current": (2, 0.02, 0.8, 0.888, 1e-2),
}

ADAM = {  # the new parameters, v["dW1"], ..., s["dW1"], ...
    "original": {
        "W1": "[[ 1.63178673 -0.61919778 -0.53561312] [-1.08040999  0.85796626 -2.29409733]]",
        "b1": "[[ 1.75225313] [-0.75376553]]",
        "W2": "[[ 0.32648046 -0.25681174  1.46954931] [-2.05269934 -0.31497584 -0.37661299] "
              "[ 1.14121081 -1.09245036 -0.16498684]]",
        "b2": "[[-0.88529978] [ 0.03477238] [ 0.57537385]]",
        "v_dW1": "[[-0.11006192  0.11447237  0.09015907] [ 0.05024943  0.09008559 -0.06837279]]",
        "v_db1": "[[-0.01228902] [-0.09357694]]",
        "v_dW2": "[[-0.02678881  0.05303555 -0.06916608] [-0.03967535 -0.06871727 -0.08452056] "
                 "[-0.06712461 -0.00126646 -0.11173103]]",
        "v_db2": "[[ 0.02344157] [ 0.16598022] [ 0.07420442]]",
        "s_dW1": "[[ 0.00121136  0.00131039  0.00081287] [ 0.0002525   0.00081154  0.00046748]]",
        "s_db1": "[[  1.51020075e-05] [  8.75664434e-04]]",
        "s_dW2": "[[  7.17640232e-05   2.81276921e-04   4.78394595e-04] "
                 "[  1.57413361e-04   4.72206320e-04   7.14372576e-04] "
                 "[  4.50571368e-04   1.60392066e-07   1.24838242e-03]]",
        "s_db2": "[[  5.49507194e-05] [  2.75494327e-03] [  5.50629536e-04]]"},
    "earlier": {
        "W1": "[[ 1.63949493, -0.62691477, -0.54326465], [-1.08769515,  0.85031501, -2.28657079]]",
        "b1": "[[1.7549895], [-0.7461017]]",
        "W2": """[[ 0.33262355, -0.26414959,  1.47708248], [-2.0457142 , -0.30744639, -0.36898502],
                  [ 1.14872646, -1.09849003, -0.15727519]]""",
        "b2": "[[-0.89102966], [0.02699863], [0.56780324]]",
        "v_dW1": "[[-0.22012384,  0.22894474,  0.18031814], [ 0.10049887,  0.18017119, -0.13674557]]",
        "v_db1": "[[-0.02457805], [-0.18715389]]",
        "v_dW2": """[[-0.05357762,  0.10607109, -0.13833215], [-0.07935071, -0.13743454, -0.16904113],
                     [-0.13424923, -0.00253292, -0.22346207]]""",
        "v_db2": "[[0.04688314], [0.33196044], [0.14840883]]",
        "s_dW1": "[[0.13567261, 0.14676395, 0.09104097], [0.02828006, 0.09089264, 0.05235818]]",
        "s_db1": "[[0.00169142], [0.09807442]]",
        "s_dW2": """[[0.00803757, 0.03150302, 0.05358019], [0.0176303 , 0.05288711, 0.08000973],
                     [5.04639932e-02, 1.79639114e-05, 1.39818830e-01]]""",
        "s_db2": "[[0.00615448], [0.30855365], [0.06167051]]"},
    "current": {  # the parameters in full (the notebook), v and s by their first row (public_tests.py)
        "W1": "[[ 1.63937725 -0.62327448 -0.54308727] [-1.0578897   0.85032154 -2.31657668]]",
        "b1": "[[ 1.72995096] [-0.7762447 ]]",
        "W2": "[[ 0.33400549 -0.23563857] [ 1.47715417 -2.04561842] [-0.33729882 -0.36908457]]",
        "b2": "[[ 1.14852557] [-1.08492339] [-0.15740527]]",
        "v_dW1": "[-0.17557168,  0.00844275,  0.11656304]",
        "v_db1": "[0.10049887]",
        "v_dW2": "[-0.13674557, -0.02457805]",
        "v_db2": "[-0.07935071]",
        "s_dW1": "[0.08631117, 0.00019958, 0.03804344]",
        "s_db1": "[0.02828006]",
        "s_dW2": "[0.05235818, 0.00169142]",
        "s_db2": "[0.0176303 ]"},
}

EPSILON_INSIDE = {"original", "earlier"}
"""The generations whose expected parameters were computed with ε inside the square root,
θ − α v̂ / √(ŝ + ε), though the notebooks' formula (and nnconv) puts it outside."""


@pytest.mark.parametrize("generation", ["earlier", "current"])
def test_dlai_update_parameters_with_gd(generation: str) -> None:
    params, grads = optimization_case(generation)

    def compute(nn: ModuleType, to: Callable[[Any], Any]) -> dict[str, Array]:
        sgd: dict[str, Array] = optim.sgd(to(params), to(grads), optim.init_state("sgd", to(params)),
                                          learning_rate=0.01)[0]
        if generation == "current":  # the earlier shapes are no network (W2 (3, 3) after W1 (2, 3)): update refuses
            update = nn.update(to(params), to(grads), 0.01)
            assert all(np.array_equal(update[name], sgd[name]) for name in sgd)  # bit for bit
        return sgd

    sgd = both(colmajor, compute)
    for name, printout in GD[generation].items():
        assert_printed(sgd[name], printout)


INITIAL_SHAPES = {  # initialize_velocity_test_case and initialize_adam_test_case: seed 1, then randn of these
    ("momentum", "earlier"): [(2, 3), (2, 1), (3, 3), (3, 1)],
    ("momentum", "current"): [(3, 2), (3, 1), (3, 3), (3, 1)],
    ("adam", "earlier"): [(2, 3), (2, 1), (3, 3), (3, 1)],
    ("adam", "current"): [(2, 3), (2, 1), (3, 2), (3, 1)],
}


@pytest.mark.parametrize(("optimizer", "generation"), list(INITIAL_SHAPES))
def test_dlai_initialize_velocity_and_adam(optimizer: str, generation: str) -> None:
    # expected: v (and s) hold zeros shaped like each parameter, and nnconv's t starts at 0
    params = draw(legacy(1), list(zip(["W1", "b1", "W2", "b2"], INITIAL_SHAPES[optimizer, generation])))
    moments = ["v", "s"] if optimizer == "adam" else ["v"]

    def compute(nn: ModuleType, to: Callable[[Any], Any]) -> list[dict[str, Array]]:
        state = optim.init_state(optimizer, to(params))
        assert state.get("t", 0) == 0
        return [state[moment] for moment in moments]

    for zeros in both(colmajor, compute):
        for name in params:  # nnconv keys the state by the parameter: the course's v["dW1"] is v["W1"]
            assert zeros[name].shape == params[name].shape and not np.any(zeros[name])


@pytest.mark.parametrize("generation", ["earlier", "current"])
def test_dlai_update_parameters_with_momentum(generation: str) -> None:
    params, grads = optimization_case(generation)

    def compute(nn: ModuleType, to: Callable[[Any], Any]) -> tuple[dict[str, Array], dict[str, Any]]:
        state = optim.init_state("momentum", to(params))
        result: tuple[dict[str, Array], dict[str, Any]] = optim.momentum(
            to(params), to(grads), state, learning_rate=0.01, beta=0.9, form="ema")
        return result

    new, state = both(colmajor, compute)
    for name, printout in MOMENTUM[generation].items():
        assert_printed(state["v"][name[1:]] if name.startswith("d") else new[name], printout)


@pytest.mark.parametrize("generation", ["original", "earlier", "current"])
def test_dlai_update_parameters_with_adam(generation: str) -> None:
    params, grads = optimization_case(generation)
    t, learning_rate, beta1, beta2, epsilon = ADAM_SETTINGS[generation]

    def compute(nn: ModuleType, to: Callable[[Any], Any]) -> tuple[dict[str, Array], dict[str, Any]]:
        state = optim.init_state("adam", to(params))
        state["t"] = t - 1  # the course passes the step's t; nnconv counts it: t <- t + 1 first
        new, state = optim.adam(
            to(params), to(grads), state, learning_rate=learning_rate, beta1=beta1, beta2=beta2, epsilon=epsilon)
        assert state["t"] == t
        return new, {"v": state["v"], "s": state["s"]}

    new, state = both(colmajor, compute)
    expected = ADAM[generation]
    first_row = generation == "current"
    for moment in ("v", "s"):  # the course's v["dW1"] is nnconv's state["v"]["W1"]
        for name in params:
            value = state[moment][name]
            assert_printed(value[0] if first_row else value, expected[f"{moment}_d{name}"])
    if generation not in EPSILON_INSIDE:
        for name in params:
            assert_printed(new[name], expected[name])
        return
    # These expected parameters put ε inside the root: from nnconv's moments they are
    # θ − α v̂ / √(ŝ + ε), while nnconv's step is θ − α v̂ / (√ŝ + ε).
    inside = {}
    for name in params:
        v_hat = state["v"][name] / (1 - beta1**t)
        s_hat = state["s"][name] / (1 - beta2**t)
        inside[name] = params[name] - learning_rate * v_hat / np.sqrt(s_hat + epsilon)
        assert_printed(inside[name], expected[name])
    # nnconv's own step rounds to them only where ε is negligible: with ε = 1e-8, all but W2
    # (W2[2, 1], whose gradient is small) and b2 (b2[0] crosses a rounding boundary); with
    # ε = 1e-2, none.
    agree = [name for name in params if rounds_to(new[name], expected[name])]
    assert agree == (["W1", "b1"] if generation == "original" else [])


# ---------------------------------------------------------------------------------------------
# CS231n assignment 2: FullyConnectedNets.ipynb, Dropout.ipynb, BatchNormalization.ipynb
# ---------------------------------------------------------------------------------------------


def test_cs231n_two_layer_net_scores_loss_and_reg() -> None:
    # FullyConnectedNets.ipynb, "Two-layer network": N, D, H, C = 3, 5, 50, 7; the parameters
    # and X from np.linspace; y = [0, 5, 1]; correct_scores, correct_loss (reg = 0 and 1.0).
    N, D, H, C = 3, 5, 50, 7
    params = {"W1": np.linspace(-0.7, 0.3, num=D * H).reshape(D, H), "b1": np.linspace(-0.1, 0.9, num=H)[None, :],
              "W2": np.linspace(-0.3, 0.4, num=H * C).reshape(H, C), "b2": np.linspace(-0.9, 0.1, num=C)[None, :]}
    X = np.linspace(-5.5, 4.5, num=N * D).reshape(D, N).T
    Y = np.eye(C)[[0, 5, 1]]  # one-hot rows for y = [0, 5, 1]
    reg = 1.0

    def compute(nn: ModuleType, to: Callable[[Any], Any]) -> tuple[Array, float, float]:
        scores, _ = nn.forward(to(X), to(params), ["relu", "linear"])
        probs, _ = nn.forward(to(X), to(params), ["relu", "softmax"])
        loss = nn.cost(probs, to(Y), "ce")
        # CS231n adds 0.5 * reg * sum(W**2) to a loss that is a mean over the N examples; nnconv
        # adds (l2 / 2m) sum(W**2), so reg = l2 / m: l2 = reg * N.
        loss_reg = nn.cost(probs, to(Y), "ce", params=to(params), l2=reg * N)
        return scores, loss, loss_reg

    scores, loss, loss_reg = both(rowmajor, compute)
    assert_printed(scores, """
        [[11.53165108,  12.2917344,   13.05181771,  13.81190102,  14.57198434, 15.33206765,  16.09215096],
         [12.05769098,  12.74614105,  13.43459113,  14.1230412,   14.81149128, 15.49994135,  16.18839143],
         [12.58373087,  13.20054771,  13.81736455,  14.43418138,  15.05099822, 15.66781506,  16.2846319 ]]""")
    assert abs(loss - 3.4702243556) < 1e-10  # correct_loss, to the notebook's own 1e-10
    assert abs(loss_reg - 26.5948426952) < 1e-10


LINSPACE = {  # N, D = 4, 5 and np.linspace(start, stop, num=N*D).reshape(N, D), as the checks draw them
    "w": (-0.4, 0.6), "dw": (-0.6, 0.4), "v": (0.6, 0.9), "cache": (0.6, 0.9), "m": (0.6, 0.9), "v_adam": (0.7, 0.5),
}


def linspace(name: str) -> Array:
    start, stop = LINSPACE[name]
    return np.linspace(start, stop, num=20).reshape(4, 5)


def test_cs231n_sgd_momentum() -> None:
    # FullyConnectedNets.ipynb, "SGD+Momentum": learning_rate 1e-3, momentum 0.9, velocity v.
    # CS231n's velocity is −α times nnconv's form="sum" velocity: v_cs <- μ v_cs − α dw,
    # w <- w + v_cs is v <- μ v + dw, w <- w − α v with v = −v_cs / α.
    w, dw, velocity, alpha = linspace("w"), linspace("dw"), linspace("v"), 1e-3

    def compute(nn: ModuleType, to: Callable[[Any], Any]) -> tuple[Array, Array]:
        state = {"v": {"W1": to(-velocity / alpha)}}
        new, state = optim.momentum({"W1": to(w)}, {"dW1": to(dw)}, state, learning_rate=alpha, beta=0.9, form="sum")
        return new["W1"], -alpha * state["v"]["W1"]

    next_w, next_velocity = both(rowmajor, compute)
    assert_printed(next_w, """[[ 0.1406,      0.20738947,  0.27417895,  0.34096842,  0.40775789],
                              [ 0.47454737,  0.54133684,  0.60812632,  0.67491579,  0.74170526],
                              [ 0.80849474,  0.87528421,  0.94207368,  1.00886316,  1.07565263],
                              [ 1.14244211,  1.20923158,  1.27602105,  1.34281053,  1.4096    ]]""")
    assert_printed(next_velocity, """[[ 0.5406,      0.55475789,  0.56891579, 0.58307368,  0.59723158],
                                     [ 0.61138947,  0.62554737,  0.63970526,  0.65386316,  0.66802105],
                                     [ 0.68217895,  0.69633684,  0.71049474,  0.72465263,  0.73881053],
                                     [ 0.75296842,  0.76712632,  0.78128421,  0.79544211,  0.8096    ]]""")


def test_cs231n_rmsprop() -> None:
    # FullyConnectedNets.ipynb, "RMSProp": learning_rate 1e-2, decay_rate 0.99, epsilon 1e-8, cache.
    # CS231n's cache is nnconv's s.
    def compute(nn: ModuleType, to: Callable[[Any], Any]) -> tuple[Array, Array]:
        state = {"s": {"W1": to(linspace("cache"))}}
        new, state = optim.rmsprop({"W1": to(linspace("w"))}, {"dW1": to(linspace("dw"))}, state, learning_rate=1e-2)
        return new["W1"], state["s"]["W1"]

    next_w, cache = both(rowmajor, compute)
    assert_printed(next_w, """[[-0.39223849, -0.34037513, -0.28849239, -0.23659121, -0.18467247],
                              [-0.132737,   -0.08078555, -0.02881884,  0.02316247,  0.07515774],
                              [ 0.12716641,  0.17918792,  0.23122175,  0.28326742,  0.33532447],
                              [ 0.38739248,  0.43947102,  0.49155973,  0.54365823,  0.59576619]]""")
    assert_printed(cache, """[[ 0.5976,      0.6126277,   0.6277108,   0.64284931,  0.65804321],
                             [ 0.67329252,  0.68859723,  0.70395734,  0.71937285,  0.73484377],
                             [ 0.75037008,  0.7659518,   0.78158892,  0.79728144,  0.81302936],
                             [ 0.82883269,  0.84469141,  0.86060554,  0.87657507,  0.8926    ]]""")


def test_cs231n_adam() -> None:
    # FullyConnectedNets.ipynb, "Adam": learning_rate 1e-2, beta1 0.9, beta2 0.999, epsilon 1e-8,
    # m, v and t = 5. CS231n's m and v are nnconv's v and s; both increment t before the step.
    def compute(nn: ModuleType, to: Callable[[Any], Any]) -> tuple[Array, Array, Array]:
        state = {"v": {"W1": to(linspace("m"))}, "s": {"W1": to(linspace("v_adam"))}, "t": 5}
        new, state = optim.adam({"W1": to(linspace("w"))}, {"dW1": to(linspace("dw"))}, state, learning_rate=1e-2)
        assert state["t"] == 6
        return new["W1"], state["s"]["W1"], state["v"]["W1"]

    next_w, v, m = both(rowmajor, compute)
    assert_printed(next_w, """[[-0.40094747, -0.34836187, -0.29577703, -0.24319299, -0.19060977],
                              [-0.1380274,  -0.08544591, -0.03286534,  0.01971428,  0.0722929],
                              [ 0.1248705,   0.17744702,  0.23002243,  0.28259667,  0.33516969],
                              [ 0.38774145,  0.44031188,  0.49288093,  0.54544852,  0.59801459]]""")
    assert_printed(v, """[[ 0.69966,     0.68908382,  0.67851319,  0.66794809,  0.65738853,],
                         [ 0.64683452,  0.63628604,  0.6257431,   0.61520571,  0.60467385,],
                         [ 0.59414753,  0.58362676,  0.57311152,  0.56260183,  0.55209767,],
                         [ 0.54159906,  0.53110598,  0.52061845,  0.51013645,  0.49966,   ]]""")
    assert_printed(m, """[[ 0.48,        0.49947368,  0.51894737,  0.53842105,  0.55789474],
                         [ 0.57736842,  0.59684211,  0.61631579,  0.63578947,  0.65526316],
                         [ 0.67473684,  0.69421053,  0.71368421,  0.73315789,  0.75263158],
                         [ 0.77210526,  0.79157895,  0.81105263,  0.83052632,  0.85      ]]""")


def test_cs231n_dropout_forward() -> None:
    # Dropout.ipynb, "Dropout forward pass": seed 231, x = randn(500, 500) + 10; for p in
    # [0.25, 0.4, 0.7] the train-time mask is rand(500, 500) < p (p is the keep probability, as
    # in nnconv; the starter code before 2018 called the drop probability p). The printed means
    # and fractions of the notebook's check, as every completed copy prints them.
    rs = legacy(231)
    x = rs.randn(500, 500) + 10
    printed = {0.25: (10.014059116977283, 0.749784), 0.4: (9.977917658761159, 0.600796),
               0.7: (9.987811912159426, 0.30074)}
    for p, (mean, zeros) in printed.items():
        mask = rs.rand(500, 500) < p
        out = both(rowmajor, lambda nn, to: nn.dropout_forward(to(x), p, mask=to(mask))[0])  # noqa: B023
        np.testing.assert_allclose(out.mean(), mean, rtol=1e-15)  # the last digit is the sum's order
        assert (out == 0).mean() == zeros
        assert np.array_equal(rowmajor.dropout_forward(x, 1.0, mask=np.ones_like(mask))[0], x)  # test time


def two_layer_activations(rs: np.random.RandomState, N: int, W1: Array, W2: Array) -> Array:
    """a = relu(X W1) W2 for a fresh X = randn(N, D1), as the normalization checks build it."""
    X = rs.randn(N, W1.shape[0])
    a: Array = np.maximum(0, X.dot(W1)).dot(W2)
    return a


def test_cs231n_batchnorm_forward_train_and_test() -> None:
    # BatchNormalization.ipynb, "Batch normalization: forward": seed 231, N, D1, D2, D3 = 200, 50,
    # 60, 3; the printed means and stds (over the examples, axis 0) of its checks.
    rs = legacy(231)
    X = rs.randn(200, 50)
    W1, W2 = rs.randn(50, 60), rs.randn(60, 3)
    a = np.maximum(0, X.dot(W1)).dot(W2)
    for gamma, beta, means, stds in (
        ([[1.0, 1, 1]], [[0.0, 0, 0]], None, "[0.99999999 1.         1.        ]"),
        ([[1.0, 2, 3]], [[11.0, 12, 13]], "[11. 12. 13.]", "[0.99999999 1.99999999 2.99999999]"),
    ):
        out = both(rowmajor, lambda nn, to: nn.batchnorm_forward(to(a), to(np.array(gamma)), to(np.array(beta)))[0])  # noqa: B023
        assert_printed(out.std(axis=0), stds)
        if means is None:  # printed as rounding noise, about 1e-17
            assert np.all(np.abs(out.mean(axis=0)) < 1e-15)
        else:
            assert_printed(out.mean(axis=0), means)

    # test time: 50 training batches warm up the running statistics (momentum 0.9, from mean 0,
    # variance 0), then a fresh batch is normalised with them.
    rs = legacy(231)
    W1, W2 = rs.randn(50, 60), rs.randn(60, 3)
    batches = [two_layer_activations(rs, 200, W1, W2) for _ in range(51)]
    gamma, beta = np.ones((1, 3)), np.zeros((1, 3))

    def compute(nn: ModuleType, to: Callable[[Any], Any]) -> Array:
        running = None
        for a in batches[:50]:
            _, _, running = nn.batchnorm_forward(to(a), to(gamma), to(beta), running=running)
        out: Array = nn.batchnorm_forward(to(batches[50]), to(gamma), to(beta), running=running, train=False)[0]
        return out

    out = both(rowmajor, compute)
    assert_printed(out.mean(axis=0), "[-0.03927354 -0.04349152 -0.10452688]")
    assert_printed(out.std(axis=0), "[1.01531428 1.01238373 0.97819988]")


def test_cs231n_layernorm_forward() -> None:
    # BatchNormalization.ipynb, "Layer normalization: forward": seed 231, N, D1, D2, D3 = 4, 50,
    # 60, 3; the printed means and stds over each example's features (axis 1).
    rs = legacy(231)
    X = rs.randn(4, 50)
    W1, W2 = rs.randn(50, 60), rs.randn(60, 3)
    a = np.maximum(0, X.dot(W1)).dot(W2)
    for scale, shift, means, stds in (
        (1.0, 0.0, None, "[0.99999995 0.99999999 1.         0.99999969]"),
        (3.0, 5.0, "[5. 5. 5. 5.]", "[2.99999985 2.99999998 2.99999999 2.99999907]"),
    ):
        gamma, beta = np.full((1, 3), scale), np.full((1, 3), shift)
        out = both(rowmajor, lambda nn, to: nn.layernorm_forward(to(a), to(gamma), to(beta))[0])  # noqa: B023
        assert_printed(out.std(axis=1), stds)
        if means is None:
            assert np.all(np.abs(out.mean(axis=1)) < 1e-15)
        else:
            assert_printed(out.mean(axis=1), means)
