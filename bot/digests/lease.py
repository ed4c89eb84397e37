"""The digest worker's lease: one owner per claim, kept alive by a heartbeat.

A worker (one ``DeliveryEngine``) renews its ``worker_leases`` row every third of its time to
live while it delivers; its claims are its own until the lease expires. Another worker resumes
a claim only after that (storage/deliveries.py), so a live process held up by a long 429 is
never doubled by a second process.

Waiting out the expiry after a crash is needed only when nobody can tell that the owner died.
On the same machine and pid namespace (the ``host`` key: host name, boot id and pid namespace)
a worker can: a lease whose pid no longer runs, or whose pid is this process's own but whose
worker this process does not run (an earlier engine of a restarted process), ends at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from bot.digests.periodic import every
from storage.store import Store
from storage.views import LeaseView

log = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(seconds=60)
# Workers of this process that are running (a lease with our pid but another name is dead).
_LIVE_WORKERS: set[str] = set()


def _read(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


def _pid_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""


def local_host_key() -> str:
    """Names this machine and pid namespace; equal keys mean pids can be checked here."""
    name = socket.gethostname()[:40] or "host"
    boot = _read("/proc/sys/kernel/random/boot_id")
    namespace = _pid_namespace()
    if not boot or not namespace:
        # Without /proc nothing proves that a pid here is the pid the lease names.
        return f"{name}#unchecked"
    digest = hashlib.sha256(f"{name}|{boot}|{namespace}".encode()).hexdigest()[:16]
    return f"{name}#{digest}"


def pid_alive(pid: int) -> bool:
    """True when a process ``pid`` exists here (owned by anyone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Lease:
    """The lease of one worker: renew it, keep it renewed during a pass, end it at a clean stop."""

    def __init__(self, store: Store, worker: str, ttl: timedelta = DEFAULT_TTL) -> None:
        self.store = store
        self.worker = worker
        self.ttl = max(ttl, timedelta(milliseconds=50))
        self.host = local_host_key()
        self.pid = os.getpid()
        _LIVE_WORKERS.add(worker)

    async def renew(self) -> LeaseView:
        """One heartbeat."""
        return await asyncio.to_thread(
            self.store.renew_lease, self.worker, host=self.host, pid=self.pid, ttl=self.ttl
        )

    @contextlib.asynccontextmanager
    async def kept(self) -> AsyncIterator[None]:
        """Renew now and every third of the time to live until the block ends.

        A renewal that fails (the database is away) is tried again; the lease may lapse.
        """
        await self.renew()
        failed = f"could not renew the digest lease of {self.worker}"
        interval = self.ttl.total_seconds() / 3
        async with every(interval, self.renew, name=f"lease {self.worker}", failed=failed):
            yield

    async def end_dead_neighbours(self) -> list[str]:
        """End the leases of workers on this machine whose process is gone; their names."""
        if self.host.endswith("#unchecked"):
            return []
        leases = await asyncio.to_thread(self.store.leases, self.host)
        ended = []
        for lease in leases:
            if lease.worker == self.worker or not self._is_dead(lease):
                continue
            if await asyncio.to_thread(self.store.expire_lease, lease.worker, pid=lease.pid):
                log.info(
                    "digest worker %s (pid %d) is gone: its claims are free",
                    lease.worker,
                    lease.pid,
                )
                ended.append(lease.worker)
        return ended

    def _is_dead(self, lease: LeaseView) -> bool:
        if lease.pid == self.pid:
            return lease.worker not in _LIVE_WORKERS
        return not pid_alive(lease.pid)

    async def release(self) -> None:
        """A clean stop: give the lease up so the leftover claims can be resumed at once."""
        _LIVE_WORKERS.discard(self.worker)
        await asyncio.to_thread(self.store.release_lease, self.worker)
