"""Helpers of the hostile CLI tests: run ``sedata`` as a user does (a subprocess), make messages and targets.

A refused output target must be left exactly as it was: :func:`make_target` makes one of each kind of file
that is not a regular file (FIFO, symbolic link, folder, character device), :func:`fingerprint` says what
it is, and a test compares the fingerprints before and after the command.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from sedata.exchange import write
from sedata.sample.generator import sample_records
from sedata.spec.envelope import CHANGES
from sedata.trust.keys import PrivateKey

REPO = Path(__file__).resolve().parents[2]
SENDER = "91310115MA1K3BTP2B"  # the sample command's invented parties (valid codes)
RECEIVER = "91110000600037341L"
KINDS = ("fifo", "symlink", "folder", "device")
"""The kinds of existing target a writing command must refuse."""


def _sedata() -> list[str]:
    script = Path(sys.executable).with_name("sedata")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from sedata.cli.main import app; sys.argv[0] = 'sedata'; app()"]


def run(
    *args: str | os.PathLike[str], stdin: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``sedata ARGS`` in a subprocess (its real exit code, signal and standard error)."""
    return subprocess.run(
        [*_sedata(), *map(os.fspath, args)],
        input=stdin.decode("utf-8", "surrogateescape") if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200"},
    )


def assert_clean_failure(result: subprocess.CompletedProcess[str], code: int = 2) -> None:
    """Exit ``code`` with a Chinese and an English error line, and no traceback anywhere."""
    assert result.returncode == code, (result.returncode, result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr + result.stdout
    assert "错误" in result.stderr and "error" in result.stderr, result.stderr


def message(path: Path, count: int = 3, fmt: str = "jsonl", seed: int = 0) -> Path:
    """A valid sample message of ``count`` inspection-upload records (other seeds: other devices)."""
    records = (record for record, _ in sample_records("inspection-upload", count, seed, 0.0, CHANGES))
    write(path, records, message_type="inspection-upload", sender=SENDER, receiver=RECEIVER, mode=CHANGES, format=fmt)
    return path


def private_key(path: Path) -> Path:
    """An Ed25519 private key (PEM) for signing tests."""
    path.write_bytes(PrivateKey.generate("ed25519").to_pem())
    return path


def make_target(path: Path, kind: str) -> Path:
    """Make ``path`` a FIFO, a symbolic link to a regular file, a folder or a character device (as /dev/null)."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink":
        pointee = path.with_name(path.name + ".pointee")
        pointee.write_bytes(b"the file the link points to\n")
        path.symlink_to(pointee)
    elif kind == "folder":
        path.mkdir()
        (path / "inside.txt").write_bytes(b"kept\n")
    elif kind == "device":
        # The device numbers of /dev/null, made in the test's own folder: the real one is never at risk.
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    else:  # pragma: no cover - a typo in a test
        raise ValueError(kind)
    return path


def can_make_devices(folder: Path) -> bool:
    """True when this process may create device nodes (root outside a restricted container)."""
    probe = folder / ".probe-device"
    try:
        os.mknod(probe, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except OSError:
        return False
    probe.unlink()
    return True


def fingerprint(path: Path) -> tuple[object, ...]:
    """What ``path`` is (kind, device numbers, link target, folder listing, contents) without following it."""
    st = os.lstat(path)
    mode = stat.S_IFMT(st.st_mode)
    if stat.S_ISLNK(st.st_mode):
        pointee = Path(os.readlink(path))
        pointee = pointee if pointee.is_absolute() else path.parent / pointee
        return mode, str(os.readlink(path)), pointee.read_bytes()
    if stat.S_ISDIR(st.st_mode):
        return mode, sorted(os.listdir(path))
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        return mode, st.st_rdev
    if stat.S_ISREG(st.st_mode):
        return mode, path.read_bytes()
    return (mode,)


def leftovers(folder: Path) -> list[str]:
    """Temporary files of sedata left in ``folder`` (and below)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if ".sedata-tmp-" in p.name)


def copy_spec(checkout: Path) -> Path:
    """A copy of spec/ in a fresh checkout folder, for ``sedata spec build --spec``."""
    shutil.copytree(REPO / "spec", checkout / "spec", ignore=shutil.ignore_patterns("conformance"))
    return checkout / "spec"
