"""Errors for bad input, and the one "did you mean" used everywhere a name can be misspelt."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from typing import Any

SHOWN_LENGTH = 60
"""Characters of a value a problem shows before cutting it short."""
LONGEST_WORD = 300
"""Characters of one word of a problem (a name, a path, a value as typed) shown whole; a longer
one is cut to :data:`SHOWN_LENGTH` and its length said, so a megabyte of input is never echoed."""
LONGEST_PROBLEM = 4_000
"""Characters of one problem shown."""
_LONG_WORD = re.compile(rf"\S{{{LONGEST_WORD + 1},}}")


class ScenarioError(ValueError):
    """One or more problems in the input, each naming the field, the value and what is allowed.

    Each problem is kept short however long the input it quotes (:func:`bounded`)."""

    def __init__(self, problems: list[str]):
        self.problems = [bounded(problem) for problem in problems]
        super().__init__("\n".join(self.problems))

    def __reduce__(self) -> tuple[type, tuple[list[str]]]:
        """Pickle with the list of problems (errors cross process boundaries in sweeps)."""
        return (type(self), (self.problems,))


def bounded(problem: str) -> str:
    """A problem with every word longer than :data:`LONGEST_WORD` characters cut short (its
    length said), and at most :data:`LONGEST_PROBLEM` characters in all."""
    problem = _LONG_WORD.sub(lambda word: f"{word.group()[:SHOWN_LENGTH]}... ({len(word.group()):,} characters)",
                             str(problem))
    return problem if len(problem) <= LONGEST_PROBLEM else problem[:LONGEST_PROBLEM - 3] + "..."


def close_match(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt name, if any is close enough (none for a name far
    longer than any candidate could be)."""
    if len(str(word)) > LONGEST_WORD:
        return None
    found = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(word: str, candidates: Iterable[str], quote: bool = True) -> str:
    """`` — did you mean 'x'?`` for the closest candidate, or an empty string.

    ``quote`` shows the match as ``repr`` does (for names quoted in the message); dotted
    parameter paths are shown bare, as the user types them.
    """
    hint = close_match(word, candidates)
    if hint is None:
        return ""
    return f" — did you mean {hint!r}?" if quote else f" — did you mean {hint}?"


def shown(value: Any) -> str:
    """A value as a problem shows it: its ``repr`` cut to :data:`SHOWN_LENGTH` characters, and a
    whole number too long to read (or to print: Python refuses past 4,300 digits) by its size."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**SHOWN_LENGTH:
        return f"a whole number of about {int(math.log10(abs(value))) + 1} digits"
    text = repr(value)
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH - 3] + "..."
