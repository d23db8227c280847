"""Debian's Chromium for the browser tests: one per worker for the whole run, started here
with a DevTools endpoint that each test connects to (tests/conftest.py's `browser`), and a
desk signed in as a demo person."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import math
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestServer

from services.demo import DEMO_PASSWORD

# Debian's headless shell of the same Chromium (package chromium-headless-shell: the same
# Blink and V8, without the browser's own windows and their web UI), as Playwright's own
# headless Chromium is; it spends about a third of the CPU the whole browser does on the
# same tests (tests/README.md, "The budget"). The whole browser when the shell is not
# installed, or the one EXPERTBOT_TEST_CHROMIUM names (e.g. /usr/bin/chromium).
CHROMIUM = (os.environ.get("EXPERTBOT_TEST_CHROMIUM") or shutil.which("chromium-headless-shell")
            or shutil.which("chromium") or shutil.which("chromium-browser"))
NO_CHROMIUM = ("browser tests need Debian's chromium (never a downloaded browser): apt-get "
               "install -y chromium-headless-shell chromium chromium-driver fonts-noto-cjk")
# headless, and nothing that would call out of this closed network
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

# EXPERTBOT_TEST_SCREENSHOTS=0: no screenshots (the PostgreSQL run of .ci/run shows the same
# pages again, and each full-page screenshot costs Chromium about half a second of CPU)
SCREENSHOTS = os.environ.get("EXPERTBOT_TEST_SCREENSHOTS", "1") != "0"


async def screenshot(page: Any, path: str) -> None:
    """The whole page as a person sees it, to look at: a PNG written to `path` (under var/).
    Taken as Playwright's `full_page` takes it (the page's whole content size, beyond the
    viewport), with Chromium's PNG encoder set for speed rather than size: 0.37 CPU-s for a
    page of 3,445 px where `page.screenshot` took 0.53 (docs/test-runs.md, "round 4"); a
    PNG, not a JPEG, so that it opens wherever pictures are looked at."""
    if not SCREENSHOTS:
        return
    await page.evaluate("document.fonts.ready.then(() => true)")
    session = await page.context.new_cdp_session(page)
    try:
        size = (await session.send("Page.getLayoutMetrics"))["cssContentSize"]
        shot = await session.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True, "optimizeForSpeed": True,
            "clip": {"x": 0, "y": 0, "width": math.ceil(size["width"]),
                     "height": math.ceil(size["height"]), "scale": 1}})
    finally:
        await session.detach()
    await asyncio.to_thread(_write, Path(path), base64.b64decode(shot["data"]))


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _binary(command: str) -> str:
    """The browser itself for Debian's launcher: /usr/bin/chromium and
    /usr/bin/chromium-headless-shell are shell scripts that run /usr/lib/chromium/<name>
    as their child, not in their place, so stopping the script left the browser running
    (four of them after every run, past its end)."""
    real = Path("/usr/lib/chromium") / Path(command).name
    return str(real) if os.access(real, os.X_OK) else command


@contextlib.contextmanager
def running_chromium(profile: Path) -> Iterator[str]:
    """Chromium in the background with an empty profile in `profile`: its DevTools address
    (ws://…), for Playwright's connect_over_cdp. Stopped at the end, with every process it
    started (its own process group)."""
    assert CHROMIUM is not None
    profile.mkdir(parents=True, exist_ok=True)
    log = profile / "chromium.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([_binary(CHROMIUM), *ARGS, "--remote-debugging-port=0",
                                 f"--user-data-dir={profile / 'profile'}", "about:blank"],
                                stdout=subprocess.DEVNULL, stderr=out, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        # "DevTools listening on ws://127.0.0.1:…/devtools/browser/…"
        while not (found := re.search(r"(ws://\S+)", log.read_text(errors="replace"))):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chromium did not listen: {log.read_text()[-2000:]}")
            time.sleep(0.05)
        yield found.group(1)
    finally:
        # asked to end, the browser ends its own processes and collects them (killed, they
        # would be left to an init that collects no one); whatever is left is killed
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


async def signed_in(browser: Any, server: TestServer, phone: str, path: str) -> Any:
    """A new browser context (its own cookies) signed in at `path`."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800},
                                        accept_downloads=True)
    page = await context.new_page()
    await page.goto(str(server.make_url(path)))
    await page.get_by_label("手机号或身份证号").fill(phone)
    await page.get_by_label("密码").fill(DEMO_PASSWORD)
    await page.get_by_test_id("sign-in").click()
    return page


async def reload(page: Any) -> None:
    """`page` again, to read what changed elsewhere. A page that reloads itself (the activity
    page, on a new status: console.js) may do so at the same moment; the browser then aborts
    one of the two navigations, and the page's own stands for the test's."""
    from playwright.async_api import Error

    try:
        await page.reload()
    except Error as exc:
        if "ERR_ABORTED" not in exc.message and "another navigation" not in exc.message:
            raise
        await page.wait_for_load_state("load")


async def simulator(browser: Any, sandbox: TestServer) -> Any:
    """The simulator in a window tall enough for the phone's whole screen."""
    context = await browser.new_context(viewport={"width": 1280, "height": 1300},
                                        accept_downloads=True)
    page = await context.new_page()
    await page.goto(str(sandbox.make_url("/sandbox/")))
    return page
