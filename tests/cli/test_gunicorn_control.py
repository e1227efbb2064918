"""Two gunicorns on one host, started as `make run` and as the benchmarks start them: each
keeps its own control socket (`gunicornc`), so the second never takes over the first's
(issue 17)."""

from __future__ import annotations

import http.client
import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from gunicorn.ctl.client import ControlClient

from benchmarks import serving
from creditsvc.config import PROJECT_ROOT
from tests.workers import job_env, kill_tree, wait_until

pytestmark = pytest.mark.slow


def make_run_command(port: int) -> list[str]:
    """The gunicorn command line of `make run PORT=port` (its last recipe line)."""
    printed = subprocess.run(  # noqa: S603 (the project's own Makefile)
        ["make", "-n", "-s", "run", f"PORT={port}"],  # noqa: S607 (make from PATH)
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return shlex.split(printed.replace("\\\n", " ").strip().splitlines()[-1])


def control_socket_of(command: list[str], env: dict[str, str]) -> Path:
    """Where that gunicorn listens for gunicornc: its --control-socket, else the default
    gunicorn computes from the same environment."""
    if "--control-socket" in command:
        return PROJECT_ROOT / command[command.index("--control-socket") + 1]
    script = "from gunicorn.config import ControlSocket as C; print(C.default)"
    default = subprocess.run(  # noqa: S603 (this interpreter)
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return Path(default.stdout.strip())


def answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz/live")
        return conn.getresponse().status == 200
    except OSError:
        return False


@contextmanager
def make_run(port: int, env: dict[str, str]) -> Iterator[tuple[int, Path]]:
    command = make_run_command(port)
    proc = subprocess.Popen(  # noqa: S603 (the project's own gunicorn)
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until(f"gunicorn on {port}", lambda: answers(port), timeout=60, proc=proc)
        yield proc.pid, control_socket_of(command, env)
    finally:
        kill_tree(proc)


@contextmanager
def benchmark_serving(port: int, env: dict[str, str]) -> Iterator[tuple[int, Path]]:
    proc = serving.start_gunicorn(port, env, workers=1, health="/healthz/live", log=None)
    try:
        yield proc.pid, serving.control_socket(port)
    finally:
        serving.stop([proc], timeout=30)


def master_pid(socket_path: Path) -> int:
    wait_until(f"control socket {socket_path}", socket_path.exists, timeout=20)
    with ControlClient(str(socket_path), timeout=5) as client:
        return client.send_command("show stats")["pid"]


@pytest.mark.parametrize("start", [make_run, benchmark_serving], ids=["make run", "serving.py"])
def test_a_second_instance_keeps_off_the_first_ones_control_socket(app, tmp_path, start: Callable):
    env = job_env(app, HOME=str(tmp_path))  # gunicorn's default lies under HOME
    env.pop("XDG_RUNTIME_DIR", None)
    with start(serving.free_port(), env) as (first_pid, first_socket):
        assert master_pid(first_socket) == first_pid
        with start(serving.free_port(), env) as (second_pid, second_socket):
            assert master_pid(second_socket) == second_pid
            assert first_socket != second_socket
            assert master_pid(first_socket) == first_pid
    assert os.path.commonpath([first_socket, PROJECT_ROOT / "instance"]) == str(
        PROJECT_ROOT / "instance"
    )
