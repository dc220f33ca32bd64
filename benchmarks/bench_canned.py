"""Time every canned query of a running spkg with its catalogue example, N requests each.

    .venv/bin/python benchmarks/bench_canned.py http://127.0.0.1:8000 5

For each entry of ``GET /api/queries``: ``GET`` its ``example_url`` (first page, JSON) N times,
one request at a time, and print the status and the min / median / max wall time in ms.
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.error
import urllib.request


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the server's root, e.g. http://127.0.0.1:8000")
    parser.add_argument("requests", type=int, nargs="?", default=5, help="requests per query (default 5)")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    base = args.base.rstrip("/")
    catalogue = json.load(urllib.request.urlopen(f"{base}/api/queries"))
    for query in catalogue["queries"]:
        url = base + query["example_url"]
        times, status = [], None
        for _ in range(args.requests):
            started = time.perf_counter()
            request = urllib.request.Request(url, headers={"accept": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=args.timeout) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as e:
                status = e.code
            times.append(1000 * (time.perf_counter() - started))
        times.sort()
        print(f"{query['name']:34s} {status} min {times[0]:9.1f}  median {times[len(times) // 2]:9.1f}  "
              f"max {times[-1]:9.1f} ms", flush=True)


if __name__ == "__main__":
    main()
