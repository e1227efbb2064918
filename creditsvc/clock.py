"""The bureau's clock: every "today" and "now" of the service is Shanghai's.

The host may run on UTC. A decision entered at 07:30 in Shanghai is 23:30 of the day
before in UTC, and dating it by the host's calendar would shift its working-day deadlines
(《市场监督管理行政处罚信息公示规定》 counts them from the decision day). Moments are stored
in UTC (models.base.UTCDateTime) and shown, printed and exported in Shanghai time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from creditsvc.workdays import SHANGHAI


def now() -> datetime:
    """This moment, aware, in Shanghai time."""
    return datetime.now(SHANGHAI)


def today() -> date:
    """Today's date in Shanghai, whatever the host's zone."""
    return now().date()


def local(moment: datetime) -> datetime:
    """A stored moment in Shanghai time; a naive moment is read as UTC, as stored."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI)


def shown(moment: datetime | None, *, seconds: bool = False) -> str:
    """A moment as pages show it, in Shanghai time: 2026-12-07 07:30 (the `moment` filter)."""
    if moment is None:
        return ""
    return local(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def iso(moment: datetime) -> str:
    """A moment as the API and exports give it: ISO 8601 with the offset, +08:00."""
    return local(moment).isoformat()
