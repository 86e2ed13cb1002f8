"""Small-group protection: which counts the report may show, so no figure describes fewer than k people.

A count of 1 to k-1 is hidden (primary suppression). Within one question the shown total would give a
single hidden count back by subtraction, so more cells are hidden, smallest first, until the hidden cells
together hold at least k people: a reader then learns only that some group of k or more answered among
them. A question answered by fewer than k people is hidden whole. A zero describes no one and is shown.
"""

from __future__ import annotations

from collections.abc import Sequence

Shown = int | None
"""A count as the report may print it; None when it is hidden."""


def visible(count: int, k: int) -> Shown:
    """One count on its own (a funnel step, a group size): hidden when it describes 1 to k-1 people."""
    return count if count == 0 or count >= k else None


def protect(counts: Sequence[int], k: int) -> list[Shown] | None:
    """The cells of one distribution as they may be shown, or None when its total is below k."""
    if sum(counts) < k:
        return None
    hidden = {i for i, n in enumerate(counts) if 0 < n < k}
    while hidden and sum(counts[i] for i in hidden) < k:
        # The next smallest non-zero cell: hiding a zero would protect nothing.
        candidates = [i for i, n in enumerate(counts) if i not in hidden and n > 0]
        hidden.add(min(candidates, key=lambda i: (counts[i], i)))
    return [None if i in hidden else n for i, n in enumerate(counts)]
