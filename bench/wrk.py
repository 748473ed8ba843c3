"""Run wrk against one URL and read its figures (bench/scale.py).

wrk prints times with its own units (850.00us, 12.31ms, 1.02s, 1.50m); everything here is in
milliseconds. A request slower than wrk's --timeout is counted as a timeout and left out of the
latency distribution, so the timeout is set far above any goal: a slow page then shows in its
p99 instead of vanishing from it.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import asdict, dataclass

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
TIMEOUT = "60s"


@dataclass
class WrkResult:
    requests_per_s: float
    p50_ms: float | None  # None when no request completed within the run
    p99_ms: float | None
    requests: int
    errors_non_2xx: int  # wrk's "Non-2xx or 3xx responses": statuses of 400 and above
    socket_errors: int  # connect, read, write and timeout together
    output: str

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "output"}


def to_ms(text: str) -> float:
    """'850.00us' -> 0.85, '1.02s' -> 1020.0."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"not a wrk time: {text!r}")
    return float(match[1]) * UNIT_MS[match[2]]


def parse(output: str) -> WrkResult:
    def number(pattern: str, default: str | None = None) -> str:
        match = re.search(pattern, output, re.MULTILINE)
        if match:
            return match[1]
        if default is None:
            raise ValueError(f"wrk output lacks {pattern!r}:\n{output}")
        return default

    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                        output)
    requests = int(number(r"^\s+(\d+) requests in"))
    # With nothing completed wrk still prints a distribution, of zeros: no figure at all is
    # the truth (a page slower than the whole run must not pass a latency goal).
    return WrkResult(
        requests_per_s=float(number(r"^Requests/sec:\s+([\d.]+)")),
        p50_ms=to_ms(number(r"^\s+50%\s+(\S+)")) if requests else None,
        p99_ms=to_ms(number(r"^\s+99%\s+(\S+)")) if requests else None,
        requests=requests,
        errors_non_2xx=int(number(r"Non-2xx or 3xx responses: (\d+)", "0")),
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
        output=output,
    )


def run(url: str, *, duration: str, connections: int, headers: dict[str, str]) -> WrkResult:
    """wrk -t2 -c<connections> -d<duration> --latency, with the given request headers."""
    threads = min(2, connections)  # wrk wants at least one connection per thread
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--latency",
               "--timeout", TIMEOUT]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed on {url}: {done.stderr or done.stdout}")
    return parse(done.stdout)
