"""The scorecard page in headless Chromium: it renders (screenshot kept), its DOM has the charts, no console errors.

Skipped when no Chromium is installed. The screenshot goes to ``$SEDATA_TEST_ARTEFACTS`` when set (CI keeps
that folder), else to the test's temporary folder. A page with a deliberate script error is run first, so a
Chromium that stopped logging console messages to stderr fails the test instead of passing it silently.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER = next((path for path in map(shutil.which, BROWSERS) if path), None)
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason=f"no headless browser on PATH (looked for {', '.join(BROWSERS)}); apt-get install chromium"
)
# Console messages (console.error, uncaught exceptions) are logged as "INFO:CONSOLE…" with --enable-logging.
CONSOLE = re.compile(r":CONSOLE|Uncaught")


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    command = [
        BROWSER,
        "--headless",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",  # one profile per run: parallel test workers must not share one
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE.search(line)]


def artefacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SEDATA_TEST_ARTEFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_console_errors_are_seen(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><meta charset="utf-8"><script>notDefined()</script>', encoding="utf-8")
    run = chromium(tmp_path / "profile", "--dump-dom", page.as_uri())
    assert console_lines(run.stderr), "Chromium no longer logs console errors to stderr; the page test would be blind"


def test_scorecard_renders_without_errors(report_dir: Path, tmp_path: Path) -> None:
    page = (report_dir / "scorecard.html").as_uri()
    shot = artefacts(tmp_path) / "scorecard.png"
    shot.unlink(missing_ok=True)
    run = chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000", page)
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000  # a blank page is a few kB; charts and tables make far more
    assert not console_lines(run.stderr), console_lines(run.stderr)
    dom = chromium(tmp_path / "profile", "--dump-dom", page)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") == 3 and "<rect" in dom.stdout
    assert "特种设备数据质量评分卡" in dom.stdout
    assert not console_lines(dom.stderr), console_lines(dom.stderr)
    shutil.copy(report_dir / "scorecard.html", shot.with_suffix(".html"))
