"""The start-up the benchmarks and drills share: a free loopback port, gunicorn serving the
app until it answers, rq workers up and idle, stopping them, and the percentile their
figures are read with. Not a benchmark itself.

The commands are the project's own tools in `.venv/bin`, run from the project root.
Scripts run as `.venv/bin/python benchmarks/<name>.py` import it as `serving`.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
# The city-scale set's database; BENCH_DB names another copy (`createdb -T bench_city`), so
# that a benchmark which changes the schema or the scores leaves the shared set as it was.
CITY_DB = os.environ.get("BENCH_DB", "bench_city")
# Every client of a benchmark or drill is this one address, which the public side's
# per-address limits (creditsvc/rate_limits.py) would soon refuse; the limiter still
# counts each request, so its cost stays in the figures. An environment may set its own.
UNTHROTTLED = {
    "RATE_LIMIT_PUBLIC_READS": "1000000000 per minute",
    "RATE_LIMIT_PUBLIC_EXPORTS": "1000000000 per minute",
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at the moment."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    port: int,
    env: dict[str, str],
    *,
    workers: int,
    threads: int | None = None,
    health: str = "/healthz",
    extra_args: Sequence[str] = (),
    log: IO[bytes] | None = None,
) -> subprocess.Popen:
    """`gunicorn -w WORKERS [--threads THREADS] -b 127.0.0.1:PORT [EXTRA_ARGS] wsgi:app`,
    returned once `GET health` answers 200. Its output goes to `log` if given, else to
    this process's own. Its control socket is its port's own, as `make run`'s is."""
    env = {**UNTHROTTLED, **env}
    command = [str(BIN / "gunicorn"), "-w", str(workers)]
    if threads is not None:
        command += ["--threads", str(threads)]
    command += ["-b", f"127.0.0.1:{port}", "--control-socket", str(control_socket(port))]
    command += [*extra_args, "wsgi:app"]
    server = subprocess.Popen(  # noqa: S603 - the project's own gunicorn, no shell
        command, cwd=ROOT, env=env, stdout=log, stderr=None if log is None else subprocess.STDOUT
    )
    for _ in range(300):  # about 30 s
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", health)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return server
        except OSError:
            pass  # not listening yet
        time.sleep(0.1)  # also after a 503 (the database not reachable yet)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer {health}")


def control_socket(port: int) -> Path:
    """gunicorn's control socket for the instance on `port`: by default every gunicorn of
    a user shares one path, and the last started takes it over (issue 17)."""
    return ROOT / "instance" / f"gunicorn-{port}.ctl"


def start_workers(
    env: dict[str, str], count: int, nice: int = 0, within: float = 60
) -> list[subprocess.Popen]:
    """`count` rq workers (`creditsvc worker`, at `nice -n NICE` if given, as the Procfile
    runs them), returned once Redis (`env["REDIS_URL"]`) lists them all and they have had
    a second to finish starting, so they are idle on the queue (at most `within` seconds)."""
    from redis import Redis
    from rq import Worker

    command = [str(BIN / "creditsvc"), "worker"]
    if nice:
        command = ["nice", "-n", str(nice), *command]
    workers = [
        subprocess.Popen(  # noqa: S603 - the project's own CLI, no shell
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(count)
    ]
    redis = Redis.from_url(env["REDIS_URL"])
    deadline = time.monotonic() + within  # seconds; a loaded host takes a minute to import
    while len(Worker.all(connection=redis)) < count:
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            stop(workers)
            raise SystemExit("the rq workers did not start")
        time.sleep(0.2)
    time.sleep(1)
    return workers


def stop(processes: Iterable[subprocess.Popen], timeout: float | None = None) -> None:
    """Terminate every process, then wait for each (an rq worker finishes its job first)."""
    processes = list(processes)
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=timeout)


def percentile(values: Sequence[float], share: float) -> float:
    """The value at `share` (0 to 1) of the values by nearest rank, as numpy's
    `percentile(values, 100 * share, method="nearest")`; 0.0 for no values."""
    ordered = sorted(values)
    return ordered[round(share * (len(ordered) - 1))] if ordered else 0.0
