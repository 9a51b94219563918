#!/usr/bin/env python3
"""Build an offline wheelhouse: sedata's wheel and every dependency's, for one Python version and platform.

Run on a machine that reaches a package index, copy the folder to the air-gapped one, then install with no
index at all::

    python scripts/wheelhouse.py --out wheelhouse --python-version 3.11 --platform manylinux2014_x86_64
    python3.11 -m pip install --no-index --find-links wheelhouse sedata

Without ``--python-version``/``--platform`` the wheelhouse is for the Python running this script. With them,
only binary wheels are taken (pip cannot build a source distribution for another platform). The folder also
gets ``SHA256SUMS`` (check it after the copy: ``sha256sum -c SHA256SUMS``) and ``requirements.txt`` naming
every wheel's project and version. Exit codes: 0 done, 2 pip failed (its message is shown).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        sys.stderr.write(f"错误 pip 失败 / error: pip failed: {' '.join(command)}\n")
        raise SystemExit(2)


def build(out: Path, project: Path, python_version: str | None, platforms: list[str], extras: str | None) -> list[Path]:
    """Fill ``out`` with the project's wheel and its dependencies' wheels; returns the wheels."""
    out.mkdir(parents=True, exist_ok=True)
    before = set(out.glob("sedata-*.whl"))
    _pip("wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(project))
    built = sorted(set(out.glob("sedata-*.whl")) - before) or sorted(out.glob("sedata-*.whl"))
    wheel = max(built, key=lambda p: p.stat().st_mtime)
    target: list[str] = []
    if python_version or platforms:
        target = ["--only-binary=:all:", "--implementation", "cp"]
        if python_version:
            target += ["--python-version", python_version]
        for platform in platforms:
            target += ["--platform", platform]
    requirement = f"sedata[{extras}] @ {wheel.resolve().as_uri()}" if extras else str(wheel)
    _pip("download", "--quiet", "--dest", str(out), *target, requirement)
    wheels = sorted(out.glob("*.whl"))
    _manifest(out, wheels)
    return wheels


def _manifest(out: Path, wheels: list[Path]) -> None:
    sums = [f"{hashlib.sha256(w.read_bytes()).hexdigest()}  {w.name}\n" for w in wheels]
    (out / "SHA256SUMS").write_text("".join(sums), encoding="utf-8")
    pins = sorted({"{}=={}\n".format(*w.name.split("-")[:2]) for w in wheels})
    (out / "requirements.txt").write_text("".join(pins), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the wheels (created if missing)")
    parser.add_argument("--python-version", help="target Python, e.g. 3.11 (default: this interpreter)")
    parser.add_argument(
        "--platform",
        action="append",
        default=[],
        help="target platform tag, repeatable, e.g. manylinux2014_x86_64 or win_amd64 (default: this machine)",
    )
    parser.add_argument("--extras", help="extras to include, e.g. docs")
    parser.add_argument("--project", type=Path, default=ROOT, help="the sedata source folder (default: this checkout)")
    args = parser.parse_args(argv)
    wheels = build(args.out, args.project, args.python_version, args.platform, args.extras)
    print(f"{len(wheels)} wheels in {args.out} (SHA256SUMS, requirements.txt)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
