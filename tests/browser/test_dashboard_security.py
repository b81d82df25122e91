"""The served dashboard against a web page that tries to drive it, and against sessions that pile
up (issue #25): end to end, on a real server.

Requests another page sends — a websocket to the kernel, a fetch, a form post — are refused
whether the page is served by ``marketsim dashboard`` or ``solara run marketsim.dashboard.app``;
the dashboard's own page still works. Sessions opened in Chromium and closed are culled, and
their models and memory go with them: the server runs with a census route added for the test
(live models, allocated Python blocks) and a short cull.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from served import CHROMIUM, CHROMIUM_ARGS, MARKETSIM_DASHBOARD, SOLARA_RUN, serving

pytestmark = pytest.mark.browser

EVIL = "http://evil.example"
SESSIONS = 4
"""Browser sessions opened at once in the memory test (each runs three seeds of the baseline)."""
CULL = "2s"

CENSUS_SERVER = """
import gc, os, sys
os.environ["SOLARA_APP"] = "marketsim.dashboard.app"  # read when Solara's server module is imported
import solara.server.starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from marketsim.dashboard import server
from marketsim.model import DrugMarketModel

def census(request):
    gc.collect()
    resident = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return JSONResponse({"models": sum(isinstance(o, DrugMarketModel) for o in gc.get_objects()),
                         "blocks": sys.getallocatedblocks(), "rss_mb": resident / 2**20})

solara.server.starlette.app.router.routes.insert(0, Route("/_census", census))
server.serve(port=int(sys.argv[1]))
"""


def request(url: str, origin: str | None = None, host: str | None = None, method: str = "GET") -> int:
    """The status of one request, with the given Origin and Host headers."""
    headers = {key: value for key, value in (("Origin", origin), ("Host", host)) if value}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers, method=method), timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def kernel_socket(url: str, origin: str) -> int:
    """Open the websocket a page opens to its kernel: 101 if accepted, else the HTTP status."""
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    session = uuid.uuid4()
    address = url.replace("http://", "ws://") + f"jupyter/api/kernels/{uuid.uuid4()}/channels?session_id={session}"
    try:
        with connect(address, origin=origin, open_timeout=30):
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code


@pytest.fixture(scope="module", params=["marketsim dashboard", "solara run"])
def served_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    command = MARKETSIM_DASHBOARD if request.param == "marketsim dashboard" else SOLARA_RUN
    with serving(command, tmp_path_factory.mktemp("served") / "server.log") as url:
        yield url


def test_requests_from_another_page_are_refused_and_the_dashboards_own_pass(served_url: str) -> None:
    own = served_url.rstrip("/")
    assert kernel_socket(served_url, EVIL) == 403
    assert kernel_socket(served_url, own) == 101
    assert request(served_url, origin=EVIL) == 403
    assert request(served_url + "_solara/api/close/abc?session_id=x", origin=EVIL, method="POST") == 403
    assert request(served_url, host="evil.example:80") == 403  # a name made to point here (DNS rebinding)
    assert request(served_url) == 200
    assert request(served_url, origin=own) == 200


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc")
def test_closed_sessions_are_culled_and_their_memory_returned(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    script = tmp_path / "census_server.py"
    script.write_text(CENSUS_SERVER, encoding="utf-8")
    with serving((str(script), "{port}"), tmp_path / "server.log", env={"SOLARA_KERNEL_CULL_TIMEOUT": CULL}) as url:

        def census() -> dict:
            with urllib.request.urlopen(url + "_census", timeout=30) as answer:
                return json.load(answer)

        def kernels() -> int:
            with urllib.request.urlopen(url + "resourcez", timeout=30) as answer:
                return json.load(answer)["kernels"]["total"]

        def sessions(count: int) -> tuple[dict, float]:
            """Open ``count`` pages, let them draw, close them; the census while open and the
            seconds until every kernel was culled."""
            context = browser.new_context()
            pages = [context.new_page() for _ in range(count)]
            for page in pages:
                page.goto(url)
            for page in pages:
                page.wait_for_selector(".ms-step", timeout=180_000)
            opened = census()
            context.close()
            closed = time.monotonic()
            while kernels() and time.monotonic() - closed < 60:
                time.sleep(0.25)
            return opened, time.monotonic() - closed

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                sessions(1)  # the first page imports and caches what every page shares
                before = census()
                opened, culled_after = sessions(SESSIONS)
                after = census()
            finally:
                browser.close()
    log = (tmp_path / "server.log").read_text()
    print(f"{SESSIONS} sessions: {before['rss_mb']:.0f} MB before, {opened['rss_mb']:.0f} MB open, "
          f"{after['rss_mb']:.0f} MB after; Python blocks {before['blocks']:,} / {opened['blocks']:,} / "
          f"{after['blocks']:,}; culled {culled_after:.1f} s after closing")
    assert opened["models"] == 3 * SESSIONS, "every page runs three seeds of the baseline"
    assert culled_after < 30, f"sessions still open {culled_after:.0f} s after their pages closed"
    assert after["models"] == before["models"] == 0, "a closed session's models are still alive"
    held = after["blocks"] - before["blocks"]
    assert held < 0.15 * (opened["blocks"] - before["blocks"]), \
        f"{held:,} of the {opened['blocks'] - before['blocks']:,} blocks the sessions took are still held"
    assert not re.search(r"Traceback", log), log
