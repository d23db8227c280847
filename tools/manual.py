"""The desks' 操作手册, generated from the console's own pages: runs the service as `make
run` does (its own SQLite and embedded Redis in a temporary directory, the sandbox, the demo
data), signs in with Debian's Chromium as each demo desk person, opens every page of that
person's menu, and keeps the page's title, its own explanation (the first `p.muted` under
its heading) and a screenshot. Writes texts/help/manual.json (read by the 帮助中心,
web/help_manual.py) and console/static/manual/<role>-<page>.jpg. Run it again when a page
changes: tests/help/test_manual.py fails while the manual and the menus differ.

    .venv/bin/python tools/manual.py"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.demo import DEMO_PASSWORD, DEMO_PEOPLE  # noqa: E402

OUT_JSON = ROOT / "texts/help/manual.json"
OUT_IMAGES = ROOT / "console/static/manual"
# the desks, in the order the 帮助中心 lists them (the demo person who is each)
DESKS = ["agency_legal", "handler", "verifier", "reviewer", "finance", "support", "admin",
         "security_admin", "audit_admin"]
VIEWPORT = {"width": 1280, "height": 800}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(work: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    env = {**os.environ, "EXPERTBOT_VAR_DIR": str(work), "DATABASE_URL": "", "REDIS_URL": "",
           "WECHAT_SANDBOX": "true", "DESK_2FA_ROLES": "", "PUBLIC_BASE_URL": "",
           "LOG_LEVEL": "WARNING"}
    bin_dir = Path(sys.executable).parent
    for step in ("migrate", "demo"):
        subprocess.run([bin_dir / "expertbot", step], env=env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
    server = subprocess.Popen([bin_dir / "expertbot", "serve", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/readyz", timeout=1)
            return server, base
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the service did not start")


async def _walk(base: str) -> list[dict[str, object]]:
    from playwright.async_api import async_playwright

    chromium = (os.environ.get("EXPERTBOT_TEST_CHROMIUM") or shutil.which("chromium")
                or shutil.which("chromium-headless-shell"))
    if chromium is None:
        raise SystemExit("Debian's chromium is needed: apt-get install -y chromium")
    people = {d.key: d for d in DEMO_PEOPLE}
    desks: list[dict[str, object]] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for key in DESKS:
            person = people[key]
            context = await browser.new_context(viewport=VIEWPORT, locale="zh-CN",
                                                timezone_id="Asia/Shanghai")
            page = await context.new_page()
            await page.goto(f"{base}/console/sign-in")
            await page.get_by_label("手机号或身份证号").fill(person.phone)
            await page.get_by_label("密码").fill(DEMO_PASSWORD)
            await page.get_by_test_id("sign-in").click()
            await page.wait_for_load_state("networkidle")
            menu = await page.eval_on_selector_all(
                "header nav a", "links => links.map(a => [a.textContent.trim(), "
                "a.getAttribute('href')])")
            pages = []
            for title, href in menu:
                await page.goto(f"{base}{href}")
                await page.wait_for_load_state("networkidle")
                explained = await page.eval_on_selector_all(
                    "main h1 ~ p.muted", "ps => ps.length ? ps[0].textContent.trim() : ''")
                slug = href.removeprefix("/console/").replace("/", "-") or "home"
                image = f"{key}-{slug}.jpg"
                await page.screenshot(path=str(OUT_IMAGES / image), type="jpeg", quality=55)
                pages.append({"path": href, "title": title, "explained": explained,
                              "image": f"/console/static/manual/{image}"})
            desks.append({"desk": key, "role": str(person.role), "pages": pages})
            await context.close()
        await browser.close()
    return desks


def main() -> None:
    OUT_IMAGES.mkdir(parents=True, exist_ok=True)
    for old in OUT_IMAGES.glob("*.jpg"):
        old.unlink()
    with tempfile.TemporaryDirectory() as work:
        server, base = _start(Path(work))
        try:
            desks = asyncio.run(_walk(base))
        finally:
            server.terminate()
            server.wait(timeout=30)
    OUT_JSON.write_text(json.dumps({"desks": desks}, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
    print(f"{sum(len(d['pages']) for d in desks)} pages of {len(desks)} desks")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
