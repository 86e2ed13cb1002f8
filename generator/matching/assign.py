"""The best set of pairs: as much total score as possible, then as many pairs as possible.

A mentor who takes k mentees is k columns of the cost matrix; each mentee also has a column of their
own meaning "unmatched", worth the minimum score, so no one is pushed into a pair below it to make
room for others. Pairs the rules forbid cost a finite penalty larger than any assignment could gain,
so the solver never prefers one (and the result is checked anyway).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

RESOLUTION = 1000
"""Scores are compared to a thousandth of a point, so sums are exact and ties are true ties."""


class AssignmentError(RuntimeError):
    """The solver returned a pair the rules forbid: a bug, never a result to write."""


def assign(scores: np.ndarray, allowed: np.ndarray, capacity: Sequence[int], minimum: float) -> list[int | None]:
    """For each mentee (row), the mentor (column) proposed, or None.

    Pairs must be allowed and score at least `minimum`; mentor j takes at most capacity[j] mentees.
    Among assignments with the same total score the one with more pairs wins; the order of rows and
    columns decides between any left equal, so the same input always gives the same pairs.
    """
    mentees, mentors = scores.shape
    if mentees == 0:
        return []
    slots = np.repeat(np.arange(mentors), np.asarray(capacity, dtype=np.int64))
    gain = np.round((scores - minimum) * RESOLUTION)
    usable = allowed & (gain >= 0)
    # Total gain first, then one more point per pair: (mentees + 1) times the gain outweighs any count of pairs.
    value = np.where(usable, gain * (mentees + 1) + 1, 0)
    penalty = float(value.max(initial=0)) * mentees + 1
    cost = np.full((mentees, len(slots) + mentees), penalty)
    cost[:, : len(slots)] = np.where(usable[:, slots], -value[:, slots], penalty)
    cost[np.arange(mentees), len(slots) + np.arange(mentees)] = 0
    rows, columns = linear_sum_assignment(cost)
    proposed: list[int | None] = [None] * mentees
    for row, column in zip(rows, columns, strict=True):
        if column < len(slots):
            proposed[row] = int(slots[column])
        elif column - len(slots) != row:
            raise AssignmentError(f"mentee {row} was given another mentee's 'unmatched' column")
    for row, mentor in enumerate(proposed):
        if mentor is not None and not usable[row, mentor]:
            raise AssignmentError(f"mentee {row} was given mentor {mentor}, a pair the rules forbid")
    return proposed
