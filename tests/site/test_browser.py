"""Element, code-set and rule pages in headless Chromium from file://: they render (screenshots kept as test
artefacts) with no console error, search finds Chinese terms, and no request leaves the machine.

Chromium's net log records every request; those a page makes carry the page's origin as initiator, while the
browser's own background requests carry none. Name resolution is mapped to nowhere, so even a request that
the test would catch could not leave the machine. A control page that loads from another host and throws a
script error is run first, so a net log or console log that stopped recording fails the test instead of passing
it silently.
"""

from __future__ import annotations

import json
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
        "--enable-logging=stderr",
        "--v=0",
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


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE.search(line)]


def artefacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SEDATA_TEST_ARTEFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_requests_from_a_page_are_seen(tmp_path: Path) -> None:
    page = tmp_path / "control.html"
    page.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><img src="http://sedata-test.invalid/x.png">'
        '<script src="https://sedata-test.invalid/a.js"></script><script>notDefined()</script>',
        encoding="utf-8",
    )
    run = chromium(tmp_path / "profile", tmp_path / "net.json", "--dump-dom", page.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    assert console_lines(run.stderr), "Chromium no longer logs console errors to stderr; the page test would be blind"
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
    assert not console_lines(run.stderr), console_lines(run.stderr)
    dom = chromium(tmp_path / "profile", netlog, "--dump-dom", uri)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert must_show in dom.stdout
    assert 'class="md-header' in dom.stdout  # the Material theme's scripts and styles loaded from file://
    assert page_requests(netlog) == []
    assert not console_lines(dom.stderr), console_lines(dom.stderr)


def test_search_finds_chinese_terms_offline(latest: Path, tmp_path: Path) -> None:
    # Material opens the search with the query of ?q= once its worker (the vendored shim on file://) has the index.
    uri = (latest / "zh" / "index.html").as_uri() + "?q=%E6%A3%80%E9%AA%8C%E7%BB%93%E8%AE%BA"  # 检验结论
    netlog = tmp_path / "net.json"
    dom = chromium(tmp_path / "profile", netlog, "--virtual-time-budget=20000", "--dump-dom", uri)
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'md-search-result__meta">(\d+) 个符合条件的结果<', dom.stdout)
    assert found and int(found.group(1)) > 5, dom.stdout[-3000:]
    results = set(re.findall(r'class="md-search-result__item"><a href="[^"]*/zh/([^"?]+)', dom.stdout))
    assert "elements/SE.ISP.0005.html" in results  # the data element 检验结论 (dictionary pages rank first)
    assert not console_lines(dom.stderr), console_lines(dom.stderr)
    assert page_requests(netlog) == []
