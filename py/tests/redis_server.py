"""A redis-server for the store tests, on 127.0.0.1, started and stopped by them.

No persistence (``--save ""``, ``--appendonly no``): a stop loses everything,
as an outage may.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from typing import Any, Optional

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RedisServer:
    """``redis-server`` on ``port``; ``stop`` and ``start`` again on the same port."""

    def __init__(self, executable: str, port: int) -> None:
        self.executable = executable
        self.port = port
        self.process: Optional[subprocess.Popen[bytes]] = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        probe = self.client()
        deadline = time.monotonic() + 20
        while True:
            try:
                probe.ping()
                return
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"redis-server did not start on port {self.port}")
                time.sleep(0.05)
            finally:
                probe.close()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    @property
    def running(self) -> bool:
        return self.process is not None

    def client(self, **options: Any) -> redis.Redis:
        """A client that fails fast: bounded timeouts, no retries."""
        settings: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "socket_timeout": 2.0,
            "socket_connect_timeout": 2.0,
            "retry": Retry(NoBackoff(), 0),
        }
        settings.update(options)
        return redis.Redis(**settings)


def find_redis_server() -> Optional[str]:
    return shutil.which("redis-server") or next(
        (path for path in ("/usr/bin/redis-server", "/usr/sbin/redis-server") if shutil.which(path)),
        None,
    )
