"""The measuring side of ``newsbot bench hardening``: a figure beside its bound, peak memory.

Peak memory is the kernel's high-water mark (VmHWM, reset through /proc/PID/clear_refs before
each figure), with a 2 ms RSS sampler as a fallback where the reset is not allowed.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

MB = 1024 * 1024


@dataclass
class Figure:
    """One line of the report."""

    name: str
    value: float
    unit: str
    bound: float
    baseline: str = ""

    @property
    def ok(self) -> bool:
        """Within its bound."""
        return self.value <= self.bound


# --- memory -------------------------------------------------------------------------------


def _status_kb(pid: int | str, field: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise OSError(f"no {field} in /proc/{pid}/status")


@contextmanager
def peak_memory(pid: int | str = "self") -> Iterator[dict[str, float]]:
    """Yields a dict that holds ``idle_mb`` and, after the block, ``peak_mb`` of process ``pid``."""
    gc.collect()
    result = {"idle_mb": _status_kb(pid, "VmRSS") / 1024, "peak_mb": 0.0}
    try:
        with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")  # resets VmHWM to the current RSS
        exact = True
    except OSError:
        exact = False
    sampled = [result["idle_mb"]]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                sampled.append(_status_kb(pid, "VmRSS") / 1024)
            except OSError:
                return
            stop.wait(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield result
    finally:
        stop.set()
        sampler.join()
        high = _status_kb(pid, "VmHWM") / 1024 if exact else 0.0
        result["peak_mb"] = max(high, *sampled)


def print_report(figures: list[Figure]) -> None:
    """The figures as a table: measured, bound, ok or OVER, baseline."""
    width = max(len(figure.name) for figure in figures)
    print()
    print(f"{'figure':<{width}}  {'measured':>12}  {'bound':>8}       baseline / note")
    for figure in figures:
        verdict = "ok" if figure.ok else "OVER"
        digits = 3 if figure.unit == "s" else 1
        print(
            f"{figure.name:<{width}}  {figure.value:>9.{digits}f} {figure.unit[:2]:<2}  "
            f"{figure.bound:>6.1f} {figure.unit[:2]:<2}  {verdict:<4}  {figure.baseline}"
        )
    print("(MB: above idle; s: seconds)")
