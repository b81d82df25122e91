"""Words in messages: counts with the right form of their noun."""


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 seed``, ``2 seeds``: the count and the noun in the form that goes with it.

    Args:
        count: how many.
        noun: the singular.
        nouns: the plural, when it is not the singular with an ``s``.
    """
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"
