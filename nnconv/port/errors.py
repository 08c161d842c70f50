"""The error :func:`nnconv.port.translate` raises for code its rules do not cover."""

from __future__ import annotations


def shortened(construct: str) -> str:
    """``construct`` cut to 80 characters, ending in ``...`` when it was longer."""
    return construct if len(construct) <= 80 else construct[:77] + "..."


class TranslationError(ValueError):
    """A construct the translation rules do not cover, named with its line number.

    Attributes
    ----------
    line : int
        The line of the construct in the source (1-based; 0 when unknown).
    construct : str
        The source text of the construct.
    reason : str
        Why it cannot be translated, and what to write instead.
    """

    def __init__(self, line: int, construct: str, reason: str) -> None:
        self.line, self.construct, self.reason = line, construct, reason
        super().__init__(f"line {line}: {shortened(construct)!r}: {reason}")


class ExamplesError(ValueError):
    """The example calls could not run on the original code: what failed and where."""


class HintError(TranslationError):
    """A hint the evidence contradicts: the whole translation stops, since the hint is wrong."""
