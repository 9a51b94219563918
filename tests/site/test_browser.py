"""Element, code-set and rule pages in headless Chromium from file://: they render (screenshots kept as test
artefacts) and no request leaves the machine.

Chromium's net log records every request; those a page makes carry the page's origin as initiator, while the
browser's own background requests carry none. Name resolution is mapped to nowhere, so even a request that
the test would catch could not leave the machine. A control page that loads from another host is run first,
so a net log that stopped recording page requests fails the test instead of passing it silently.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER = next((path for path in map(shutil.which, BROWSERS) if path), None)
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason=f"no headless browser on PATH (looked for {', '.join(BROWSERS)}); apt-get install chromium"
)
OFFLINE = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-pings",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing resolves: no request can leave the machine
)


def chromium(profile: Path, netlog: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    command = [
        BROWSER,
        "--headless",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--log-net-log={netlog}",
        *OFFLINE,
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def page_requests(netlog: Path) -> list[str]:
    """URLs requested over the network by pages (not by the browser itself)."""
    log = json.loads(netlog.read_text("utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        e["params"]["url"]
        for e in log["events"]
        if e["type"] == start and e.get("params", {}).get("initiator") not in (None, "not an origin")
    ]


def artefacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SEDATA_TEST_ARTEFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_requests_from_a_page_are_seen(tmp_path: Path) -> None:
    page = tmp_path / "control.html"
    page.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><img src="http://sedata-test.invalid/x.png">'
        '<script src="https://sedata-test.invalid/a.js"></script>',
        encoding="utf-8",
    )
    run = chromium(tmp_path / "profile", tmp_path / "net.json", "--dump-dom", page.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    assert sorted(page_requests(tmp_path / "net.json")) == [
        "http://sedata-test.invalid/x.png",
        "https://sedata-test.invalid/a.js",
    ]


@pytest.mark.parametrize(
    ("page", "must_show"),
    [
        ("elements/SE.EQP.0001.html", "设备代码"),
        ("codesets/equipment-catalogue.html", "承压蒸汽锅炉"),
        ("rules/SE-BIZ-004.html", "触发示例"),
    ],
)
def test_page_renders_offline(latest: Path, tmp_path: Path, page: str, must_show: str) -> None:
    uri = (latest / "zh" / page).as_uri()
    name = page.replace("/", "-").removesuffix(".html")
    shot = artefacts(tmp_path) / f"site-{name}.png"
    shot.unlink(missing_ok=True)
    netlog = tmp_path / "net.json"
    run = chromium(tmp_path / "profile", netlog, f"--screenshot={shot}", "--window-size=1280,1400", uri)
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 40_000  # a blank page is a few kB; the header, tables and text make far more
    assert page_requests(netlog) == []
    dom = chromium(tmp_path / "profile", netlog, "--dump-dom", uri)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert must_show in dom.stdout
    assert 'class="md-header' in dom.stdout  # the Material theme's scripts and styles loaded from file://
    assert page_requests(netlog) == []
