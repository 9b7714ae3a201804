"""Replicas of the app started as the container image starts them, behind nginx with the project's configuration.

Shared by tests/test_balancer.py and bench/bench_classroom.py. Each replica runs deploy/start.sh (the image's
start step); once its log says it listens, deploy/healthcheck.py (the image's health check) must pass; nginx runs
deploy/nginx/classroom.conf as it is, with a replicas.conf and site.conf of loopback addresses. Everything
listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import APP_TIMEOUT_S, ROOT, _free_port, missing_resource, stop_process
from tests.drive import wait_for_line
from ui import server_start

DEPLOY = ROOT / "deploy"
#: A replica's last line before it answers: app.py's start-up hook has finished (ui.server_start). Streamlit's
#: own "You can now view your Streamlit app" comes before the hook, while the replica cannot answer yet.
REPLICA_READY = server_start.WARMED_UP


@dataclass(frozen=True)
class Replicas:
    """Where the balancer listens, its access log, and each replica's address and process id."""

    url: str
    access_log: Path
    addresses: tuple[str, ...]
    process_ids: tuple[int, ...]


def nginx_path() -> str | None:
    return shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx",) if Path(path).is_file()), None)


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
    main.write_text(f"daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
                    f"error_log {folder}/error.log notice;\n"  # notice: it says when its worker has started
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
            log = folder / f"replica-{replica}.log"
            if not wait_for_line(log, REPLICA_READY, APP_TIMEOUT_S) or not is_healthy(replica):
                raise RuntimeError(f"The replica on port {replica} (start.sh) did not become healthy "
                                   f"(exit status {process.poll()}):\n{log.read_text(errors='replace')[-2000:]}")
        stack.enter_context(started([nginx, "-p", str(folder), "-c", str(configuration)], {}, folder / "nginx.out"))
        if not wait_for_line(folder / "error.log", "start worker process", 30):
            raise RuntimeError(f"nginx did not start:\n{(folder / 'nginx.out').read_text(errors='replace')}")
        # start.sh execs Streamlit, so each replica's process is the server itself.
        yield Replicas(f"http://127.0.0.1:{port}", folder / "access.log",
                       tuple(f"127.0.0.1:{replica}" for replica in replica_ports),
                       tuple(process.pid for process in processes))
