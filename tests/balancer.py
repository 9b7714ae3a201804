"""Replicas of the app started as the container image starts them, behind nginx with the project's configuration.

Shared by tests/test_balancer.py and bench/bench_classroom.py. Each replica runs deploy/start.sh (the image's
start step) and is waited on with deploy/healthcheck.py (the image's health check); nginx runs
deploy/nginx/classroom.conf as it is, with a replicas.conf and site.conf of loopback addresses. Everything
listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import APP_TIMEOUT_S, ROOT, _free_port, missing_resource, stop_process

DEPLOY = ROOT / "deploy"


@dataclass(frozen=True)
class Replicas:
    """Where the balancer listens, its access log, and each replica's address and process id."""

    url: str
    access_log: Path
    addresses: tuple[str, ...]
    process_ids: tuple[int, ...]


def nginx_path() -> str | None:
    return shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx",) if Path(path).is_file()), None)


def wait_until(condition: Callable[[], bool], timeout: float, what: str, process: subprocess.Popen) -> None:
    """Poll ``condition`` until it holds; fail saying ``what`` when ``process`` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before it was ready")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} was not ready after {timeout:.0f} s")
        time.sleep(0.3)


def is_healthy(port: int) -> bool:
    """What the image's HEALTHCHECK asks: deploy/healthcheck.py against the replica on ``port``."""
    checked = subprocess.run(["python", str(DEPLOY / "healthcheck.py")], env={**os.environ, "CNN_PORT": str(port)},
                             capture_output=True)
    return checked.returncode == 0


@contextlib.contextmanager
def started(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                                   env={**os.environ, **env})
        try:
            yield process
        finally:
            stop_process(process)


def nginx_configuration(folder: Path, port: int, replica_ports: list[int]) -> Path:
    """A main nginx.conf for a user's folder, around the project's deploy/nginx/classroom.conf, used as it is."""
    (folder / "replicas.conf").write_text("".join(f"server 127.0.0.1:{replica};\n" for replica in replica_ports))
    (folder / "site.conf").write_text(f"listen 127.0.0.1:{port};\naccess_log {folder}/access.log replicas;\n")
    temporary = "\n".join(f"    {kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                                 "uwsgi", "scgi"))
    main = folder / "nginx.conf"
    main.write_text(f"daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
                    f"events {{}}\nhttp {{\n{temporary}\n    include {DEPLOY}/nginx/classroom.conf;\n}}\n")
    return main


@contextlib.contextmanager
def balanced_replicas(count: int, env: dict[str, str],
                      prepare: Callable[[Path], None] | None = None) -> Iterator[Replicas]:
    """``count`` replicas with ``env`` behind nginx. ``prepare(folder)`` may write data into the run's folder
    before the replicas start (``env`` values may name ``{folder}``)."""
    nginx = nginx_path()
    if nginx is None:
        missing_resource("Debian's nginx package is not installed (apt-get install -y nginx)")
    with contextlib.ExitStack() as stack:
        # Not under pytest's folder: run as root, nginx's workers are "nobody", who may not enter that one.
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="balancer-")))
        folder.chmod(0o777)
        if prepare:
            prepare(folder)
        replica_ports, port = [_free_port() for _ in range(count)], _free_port()
        configuration = nginx_configuration(folder, port, replica_ports)
        processes = []
        for replica in replica_ports:
            replica_env = {"CNN_ADDRESS": "127.0.0.1", "CNN_PORT": str(replica),
                           **{name: value.format(folder=folder) for name, value in env.items()}}
            process = stack.enter_context(started(["sh", str(DEPLOY / "start.sh")], replica_env,
                                                  folder / f"replica-{replica}.log"))
            processes.append(process)
        for replica, process in zip(replica_ports, processes):
            wait_until(lambda replica=replica: is_healthy(replica), APP_TIMEOUT_S, "A replica (start.sh)", process)
        balancer = stack.enter_context(started([nginx, "-p", str(folder), "-c", str(configuration)], {},
                                               folder / "nginx.out"))
        wait_until(lambda: (folder / "nginx.pid").exists(), 30, "nginx", balancer)
        # start.sh execs Streamlit, so each replica's process is the server itself.
        yield Replicas(f"http://127.0.0.1:{port}", folder / "access.log",
                       tuple(f"127.0.0.1:{replica}" for replica in replica_ports),
                       tuple(process.pid for process in processes))
