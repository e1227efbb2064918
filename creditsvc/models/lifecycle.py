"""Lifecycles as data (STYLE.md 16): a status set is a `StrEnum`, its allowed moves one
table beside it, and one guard (`creditsvc.services.lifecycle`) refuses any other move.

Members compare and hash equal to their strings, so the stored values, the API and the
templates read them as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    """The moves a status set allows (status → the statuses it may move to; a status with
    no entry is final), and how a refused move is explained: `refusal` is formatted with
    the current `status`, the statuses the move `needs`, and the `options` it has."""

    statuses: type[S]
    moves: Mapping[str, tuple[S, ...]]  # keyed by the members, found by stored strings
    refusal: str = "the record is {status}; this needs {needs}"
    field: str | None = None  # the input field a refusal is reported on, if any

    def options(self, status: str) -> tuple[S, ...]:
        return self.moves.get(status, ())

    def allows(self, status: str, to: str) -> bool:
        return to in self.options(status)

    def is_final(self, status: str) -> bool:
        return not self.options(status)

    def sources(self, to: str) -> tuple[S, ...]:
        """The statuses a move to `to` may start from, in the set's order."""
        return tuple(s for s in self.statuses if to in self.moves.get(s, ()))

    def refused(self, status: str, needs: Iterable[str]) -> str:
        options = ", ".join(self.options(status)) or "nothing (it is final)"
        return self.refusal.format(status=status, needs=" or ".join(needs), options=options)


def codes(statuses: type[StrEnum]) -> tuple[str, ...]:
    """The stored values of a status set, in its order (for validation and listings)."""
    return tuple(s.value for s in statuses)
