"""Status rows of jobs a person waits for (an import, a full rescore, a render)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from creditsvc.models.base import Base, UTCDateTime, utcnow
from creditsvc.models.lifecycle import Lifecycle, codes


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


# A job may finish or fail without reporting progress first. Status rows are written by
# statements of their own (services.jobruns), while the job's transaction is open. A row
# given up as failed (its job lost from Redis, say) whose job committed after all is done:
# the row follows what was stored (issue 17). Nothing else leaves `failed` or `done`.
JOB_LIFECYCLE = Lifecycle(
    JobStatus,
    {
        JobStatus.QUEUED: (JobStatus.RUNNING, JobStatus.DONE, JobStatus.FAILED),
        JobStatus.RUNNING: (JobStatus.RUNNING, JobStatus.DONE, JobStatus.FAILED),
        JobStatus.FAILED: (JobStatus.DONE,),
    },
)
JOB_STATUSES = codes(JobStatus)


class JobRun(Base):
    """Keyed by the job id; progress is `done` out of `total` units of work."""

    __tablename__ = "job_runs"
    lifecycle: ClassVar[Lifecycle[JobStatus]] = JOB_LIFECYCLE

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)
    stage: Mapped[str] = mapped_column(String(32), default="")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(96))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    district_code: Mapped[str | None] = mapped_column(String(6), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
