"""How long `import sedata` plus every generated model takes, in fresh interpreters.

Reported against a baseline measured in the same run: `import pydantic` alone (what any pydantic
user pays anyway). Run: python bench/import_time.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

PROGRAMS = {
    "baseline: import pydantic": "import pydantic",
    "baseline: one pydantic model": "from pydantic import BaseModel\nclass M(BaseModel):\n    a: int = 0",
    "sedata + all models": (
        "import sedata, sedata.elements as E\n"
        "[getattr(E, n) for n in E.__all__ if n[0].isupper() and n not in ('NAMESPACE', 'SPEC_VERSION')]"
    ),
    "sedata + all models + packaged spec": (
        "import sedata.elements as E, sedata.spec as S\n"
        "[getattr(E, n) for n in E.__all__ if n[0].isupper() and n not in ('NAMESPACE', 'SPEC_VERSION')]\n"
        "S.current()"
    ),
}


def measure(code: str, runs: int) -> float:
    """Median wall time in seconds of running ``code`` in a fresh interpreter."""
    timer = "import time; t = time.perf_counter()\n" + code + "\nprint(time.perf_counter() - t)"
    samples = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", timer], capture_output=True, text=True, check=True).stdout
        samples.append(float(out))
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    results = {name: measure(code, args.runs) for name, code in PROGRAMS.items()}
    base = results["baseline: import pydantic"]
    print(f"{'what':40} {'median s':>9} {'× baseline':>11}")
    for name, seconds in results.items():
        print(f"{name:40} {seconds:9.3f} {seconds / base:11.2f}")


if __name__ == "__main__":
    main()
