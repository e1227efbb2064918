"""The import job: thin, takes the status row's id."""

from __future__ import annotations

from creditsvc.imports import runner


def run_import(run_id: str) -> None:
    runner.run(run_id)
