"""`creditsvc` processes on the test's database and Redis (workers, the scheduler), bounded
by a timeout and killed with their work horses when the test ends; waiting for what they
do; and what a rescore must leave behind."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from creditsvc.config import PROJECT_ROOT
from creditsvc.extensions import db
from creditsvc.models import CurrentScore, ScoreSnapshot
from scoring.policy import DEFAULT_POLICY

CREDITSVC = str(Path(sys.executable).with_name("creditsvc"))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
DISTRICTS = ("310101", "310104", "310106", "310115")
WORKER_TIMEOUT = 120

# A worker whose rescore of one district raises, kills its work horse, or stops after
# writing its snapshots and before committing them (the window a crash would hit). Only
# this script, run by the tests, has these hooks.
HOOKED_WORKER = """
import os, sys, time
from pathlib import Path

from creditsvc.command import main
from creditsvc.services.standing import rescoring

original = rescoring.district

def district(code, **kwargs):
    counts = original(code, **kwargs)
    if code == os.environ.get("FAIL_DISTRICT"):
        raise RuntimeError(f"test failure in {code}")
    if code == os.environ.get("KILL_DISTRICT"):
        os.kill(os.getpid(), 9)  # the work horse dies, as under the kernel's OOM killer
    if code == os.environ.get("SLOW_DISTRICT"):
        Path(os.environ["SLOW_MARKER"]).touch()
        time.sleep(600)
    return counts

rescoring.district = district
sys.argv = ["creditsvc", *sys.argv[1:]]
main()
"""


def job_env(app, **extra: str) -> dict[str, str]:
    """The environment of a `creditsvc` process sharing the test's database and Redis."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=app.config["REDIS_URL"] or "",
        SECRET_KEY=app.config["SECRET_KEY"],
        PERSONAL_DATA_KEY=app.config["PERSONAL_DATA_KEY"],
        STORAGE_DIR=app.config["STORAGE_DIR"],
        SIGNING_KEY_FILE=app.config["SIGNING_KEY_FILE"],
        SIGNING_CERT_FILE=app.config["SIGNING_CERT_FILE"],
        PUBLIC_BASE_URL=app.config["PUBLIC_BASE_URL"] or "",
    )
    env.update(extra)
    return env


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (a work horse runs in a process group of its own)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, IndexError, ValueError):
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        below = children.get(todo.pop(), [])
        found += below
        todo += below
    return found


def kill_tree(proc: subprocess.Popen) -> None:
    """SIGKILL a process that is still running and everything below it, as a crash would."""
    if proc.poll() is not None:
        return
    for pid in [proc.pid, *descendants(proc.pid)]:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=10)


@contextmanager
def creditsvc(app, tmp_path: Path, *args: str, hooked: bool | str = False, **env: str):
    """Run `creditsvc ARGS` in the background; yield (process, log). `hooked`: through
    HOOKED_WORKER, or through the script given, which ends by calling the command."""
    log = tmp_path / f"creditsvc-{time.monotonic_ns()}.log"
    if hooked:
        script = hooked if isinstance(hooked, str) else HOOKED_WORKER
        command = [sys.executable, "-c", script, *args]
    else:
        command = [CREDITSVC, *args]
    db.session.commit()  # end this session's reads: on SQLite they would block the process's writes
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603 (the project's own executables)
            command,
            cwd=PROJECT_ROOT,
            env=job_env(app, **env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield proc, log
    finally:
        kill_tree(proc)


def run_worker(app, tmp_path: Path, hooked: bool = False, **env: str) -> str:
    """Run `creditsvc worker --burst` until the queues are empty; return its log."""
    with creditsvc(app, tmp_path, "worker", "--burst", hooked=hooked, **env) as (proc, log):
        try:
            proc.wait(timeout=WORKER_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"worker still busy after {WORKER_TIMEOUT}s:\n{log.read_text()}")
    assert proc.returncode == 0, log.read_text()
    return log.read_text()


def wait_until(what: str, check: Callable[[], Any], timeout: float = 60, proc=None) -> Any:
    """Poll until `check` returns something true; fail if `proc` exits first."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"process exited ({proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {timeout}s")
        time.sleep(0.2)


def wait_for(what: str, check: Callable[[], Any], timeout: float = 60, proc=None) -> Any:
    """wait_until for a check that reads the database. Each poll ends its read
    transaction: on SQLite an open read would block the worker's commit."""

    def check_and_end_read() -> Any:
        try:
            return check()
        finally:
            db.session.rollback()

    return wait_until(what, check_and_end_read, timeout, proc)


@contextmanager
def served(app, tmp_path: Path, workers: int = 2):
    """The app as `make run` serves it: gunicorn with `workers` sync workers on a free
    loopback port, on the test's database, with no Redis (jobs run in-process). Yields
    (host, port) once /healthz answers; the log is shown if the test fails."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # A control socket of its own: parallel test runs on one host must not share one.
    command = [GUNICORN, "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    command += ["--control-socket", str(tmp_path / "gunicorn.ctl"), "wsgi:app"]
    log = tmp_path / f"gunicorn-{time.monotonic_ns()}.log"
    db.session.commit()  # end this session's reads: on SQLite they would block the server's writes
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603 (the project's own gunicorn)
            command,
            cwd=PROJECT_ROOT,
            env=job_env(app),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until("gunicorn answering", lambda: _healthy(port), timeout=60, proc=proc)
        yield "127.0.0.1", port
    except BaseException:
        print(log.read_text())  # pytest shows it with the failure
        raise
    finally:
        kill_tree(proc)


def _healthy(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False


# What a rescore leaves ---------------------------------------------------------------------


def grade_for(score: float) -> str:
    return next(g["grade"] for g in DEFAULT_POLICY["grades"] if score >= g["min"])


def standings() -> dict[int, tuple[CurrentScore, ScoreSnapshot]]:
    rows = db.session.execute(
        select(CurrentScore, ScoreSnapshot).join(
            ScoreSnapshot, ScoreSnapshot.id == CurrentScore.snapshot_id
        )
    ).all()
    return {current.merchant_id: (current, snapshot) for current, snapshot in rows}


def assert_complete(merchant_ids: list[int]) -> dict[int, ScoreSnapshot]:
    """Each merchant's pointer names a whole snapshot: its own, with the same facts, its
    reasons, and a grade its score gives (the test data has no capping finding)."""
    found = standings()
    assert set(merchant_ids) <= set(found)
    for merchant_id in merchant_ids:
        current, snapshot = found[merchant_id]
        assert snapshot.merchant_id == merchant_id
        facts = (current.rated, current.score, current.grade, current.policy_version)
        assert facts == (snapshot.rated, snapshot.score, snapshot.grade, snapshot.policy_version)
        assert snapshot.rated and snapshot.reasons
        assert snapshot.grade == grade_for(snapshot.score)
    return {merchant_id: found[merchant_id][1] for merchant_id in merchant_ids}
