"""Drive GET requests at one URL from many concurrent clients, as a process of its own.

    .venv/bin/python benchmarks/load.py URL --clients 50 --seconds 10 [--header 'Name: value']

Used by api_latency.py when `wrk` is not installed. Prints one JSON object: requests, errors,
seconds, requests_per_second, p50_ms, p99_ms. A closed loop: each client sends its next
request when the previous one is answered, as wrk does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

import httpx


async def drive(
    url: str, headers: dict[str, str], clients: int, seconds: float
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30) as client:
        deadline = time.perf_counter() + seconds

        async def one_client() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    response = await client.get(url)
                except httpx.HTTPError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - sent)
                if response.status_code >= 400:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(share: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, round(share * (len(latencies) - 1)))] * 1000

    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": elapsed,
        "requests_per_second": len(latencies) / elapsed,
        "p50_ms": percentile(0.5),
        "p99_ms": percentile(0.99),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    args = parser.parse_args()
    headers = dict(tuple(part.strip() for part in h.split(":", 1)) for h in args.header)
    print(json.dumps(asyncio.run(drive(args.url, headers, args.clients, args.seconds))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
