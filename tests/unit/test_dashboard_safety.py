"""A dashboard a web page cannot drive and a crafted value cannot break (issue #25).

Requests another page sends (an ``Origin`` that is not the dashboard's own) and requests that
name the server by a host it does not answer to (DNS rebinding) are refused, whether the page
is served by ``marketsim dashboard`` or ``solara run``; sessions are culled within minutes;
every value a control is sent is checked on the server and a refused one is said, never a
traceback. The served page is tested end to end in tests/browser/test_dashboard_security.py.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import ipyvuetify as v
import pytest
import solara
from solara.server import settings as solara_settings
from solara.widgets import HTML

import marketsim as ms
from marketsim.dashboard import server
from marketsim.dashboard.app import Layout, Page
from marketsim.dashboard.session import MAX_PAIRED_SEEDS, Session, Settings

SMALL_WORLD = {"world.producers": 600, "world.neighbourhoods": 12, "world.neighbourhood_population": 50_000}
TRUSTED = frozenset({"localhost", "lab-server"})


# -- who may send requests ------------------------------------------------------------------------
@pytest.mark.parametrize(("host", "origin"), [
    ("127.0.0.1:8765", None), ("127.0.0.1:8765", "http://127.0.0.1:8765"), ("localhost:8765", "http://localhost:8765"),
    ("[::1]:8765", "http://[::1]:8765"), ("lab-server:8765", "http://lab-server:8765"),
    ("192.168.1.20:8765", "http://192.168.1.20:8765"), ("LOCALHOST:8765", "http://localhost:8765"),
    ("lab-server", "http://lab-server:80"), ("lab-server:443", "https://lab-server"), (None, None),
])
def test_the_dashboards_own_pages_and_scripts_without_an_origin_pass(host: str | None, origin: str | None) -> None:
    assert server.refusal(host, origin, TRUSTED) is None


@pytest.mark.parametrize(("host", "origin", "why"), [
    ("127.0.0.1:8765", "http://evil.example", "requests from another page"),
    ("127.0.0.1:8765", "http://127.0.0.1:9999", "requests from another page"),
    ("127.0.0.1:8765", "null", "requests from another page"),
    ("127.0.0.1:8765", "file://", "requests from another page"),
    ("evil.example:8765", "http://evil.example:8765", "does not answer to the host 'evil.example:8765'"),
    ("evil.example:8765", None, "does not answer to the host"),
])
def test_other_pages_and_rebound_names_are_refused(host: str, origin: str | None, why: str) -> None:
    assert why in server.refusal(host, origin, TRUSTED)


def asgi(kind: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """What the middleware sends back for one request (the app behind it answers 200, or accepts)."""
    sent: list[dict[str, Any]] = []

    async def app(scope, receive, send) -> None:
        await send({"type": "websocket.accept"} if kind == "websocket" else {"type": "http.response.start",
                                                                               "status": 200, "headers": []})

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": f"{kind}.connect" if kind == "websocket" else "http.request"}

    scope = {"type": kind, "path": "/jupyter/api/kernels/k/channels",
             "headers": [(name.encode(), value.encode()) for name, value in headers.items()]}
    asyncio.run(server.SameOrigin(app)(scope, receive, send))
    return sent


def test_the_middleware_closes_a_foreign_websocket_before_it_opens_and_answers_403_to_http() -> None:
    evil = {"host": "127.0.0.1:8765", "origin": "http://evil.example"}
    (closed,) = asgi("websocket", evil)
    assert closed["type"] == "websocket.close" and closed["code"] == 1008
    start, body = asgi("http", evil)
    assert start["status"] == 403 and b"refused: requests from another page" in body["body"]
    own = {"host": "127.0.0.1:8765", "origin": "http://127.0.0.1:8765"}
    assert asgi("websocket", own) == [{"type": "websocket.accept"}]
    assert asgi("http", own)[0]["status"] == 200


# -- the same settings however the app is started -----------------------------------------------------
@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Solara's server module with its router as it was, and settings restored, around a test."""
    import solara.server.starlette as starlette

    router = starlette.app.router
    monkeypatch.setattr(router, "middleware_stack", router.middleware_stack)
    monkeypatch.setattr(solara_settings.kernel, "cull_timeout", solara_settings.kernel.cull_timeout)
    monkeypatch.setattr(solara_settings.telemetry, "mixpanel_enable", True)
    monkeypatch.setattr(server, "_warned", set())
    monkeypatch.delenv(server.CULL_VARIABLE, raising=False)
    yield starlette


def test_solara_run_gets_the_same_safety_settings_as_marketsim_dashboard(served, monkeypatch, capsys) -> None:
    """What ``solara run marketsim.dashboard.app --host 0.0.0.0`` does: it names the host in
    SERVER_NAME and imports the app, whose import calls secure()."""
    monkeypatch.setenv("SERVER_NAME", "0.0.0.0")
    monkeypatch.setenv("SERVER_PORT", "8765")
    server.secure()
    server.secure()  # again, as a second module (mesa_viz) would: nothing doubles
    stack = served.app.router.middleware_stack
    assert isinstance(stack, server.SameOrigin) and not isinstance(stack.app, server.SameOrigin)
    assert solara_settings.kernel.cull_timeout == server.SESSION_CULL
    assert solara_settings.telemetry.mixpanel_enable is False
    assert capsys.readouterr().err.count("warning: the dashboard will be open to anyone on any network") == 1


def test_solaras_own_cull_setting_wins(served, monkeypatch) -> None:
    monkeypatch.setenv(server.CULL_VARIABLE, "5s")
    monkeypatch.setattr(solara_settings.kernel, "cull_timeout", "5s")
    server.secure()
    assert solara_settings.kernel.cull_timeout == "5s"


def test_sessions_are_culled_within_minutes() -> None:
    assert 30 <= solara.util.parse_timedelta(server.SESSION_CULL) <= 5 * 60


# -- crafted control values -----------------------------------------------------------------------------
class Screen:
    """The page in its app layout (as Solara serves it), rendered with the test renderer."""

    def __init__(self) -> None:
        _, self.rc = solara.render(Layout(children=[Page(base=SMALL_WORLD)]), handle_error=False)

    def select(self, label: str) -> v.Select:
        return next(w for w in self.rc.find(v.Select).widgets if (w.label or "").startswith(label))

    def toggles(self) -> list[v.BtnToggle]:
        return self.rc.find(v.BtnToggle).widgets

    def refusals(self) -> list[str]:
        return [unescape(w.unsafe_innerHTML) for w in self.rc.find(HTML).widgets
                if "ms-refusal" in (w.attributes or {}).get("class", "")]

    def alerts(self) -> list[str]:
        return [str(w.children) for w in self.rc.find(v.Alert).widgets]

    def week(self) -> int:
        html = next(w.unsafe_innerHTML for w in self.rc.find(HTML).widgets if "ms-week" in (w.unsafe_innerHTML or ""))
        return int(re.search(r"class='ms-week'>(\d+)<", html).group(1))


@pytest.fixture
def screen() -> Iterator[Screen]:
    page = Screen()
    yield page
    page.rc.close()


@pytest.mark.parametrize(("label", "value", "said"), [
    ("Lesson", "../../../etc/passwd", "lesson '../../../etc/passwd' is not one of those offered: refused"),
    ("Scenario A", "/etc/passwd", "scenario A '/etc/passwd' is not one of those offered: refused"),
    ("Scenario A", "scenarios/kingpin.toml", "is not one of those offered: refused"),
])
def test_a_name_no_picker_offers_is_refused_and_never_read(screen: Screen, label: str, value: str, said: str) -> None:
    screen.select(label).v_model = value
    assert said in screen.refusals()[0]
    assert not any("passwd" in alert or "TOML" in alert for alert in screen.alerts())
    assert screen.select("Scenario A").v_model == "baseline"


@pytest.mark.parametrize("index", [99, -1, 1e308, "2", None])
@pytest.mark.parametrize("toggle", [0, 1], ids=["speed", "paired seeds"])
def test_a_button_no_toggle_offers_is_refused(screen: Screen, toggle: int, index: Any) -> None:
    screen.toggles()[toggle].v_model = index
    assert screen.refusals() == [f"choice {index!r} is not one of the 5 offered: refused"]
    assert screen.week() == 0


def test_an_exception_anywhere_in_the_page_is_said_in_a_line_and_logged(screen: Screen, monkeypatch, caplog) -> None:
    def broken(self: Session, *args: Any) -> None:
        raise RuntimeError("a step that fails")

    monkeypatch.setattr("marketsim.dashboard.experiment.Experiment.step", broken)
    screen.rc.find(v.Btn, class_="ms-step").widget.click()
    (alert,) = screen.alerts()
    assert "refused (RuntimeError: a step that fails)" in alert and "Traceback" not in alert
    assert "a step that fails" in caplog.text
    monkeypatch.undo()
    screen.rc.find(v.Btn, class_="ms-continue").widget.click()
    assert screen.week() == 0 and not screen.alerts()


@pytest.mark.parametrize(("change", "said"), [
    ({"presets": ("/etc/passwd",)}, "scenario '/etc/passwd': allowed one of the presets"),
    ({"lesson": "../x"}, "lesson '../x': allowed one of the lessons listed"),
    ({"seed": 10**30}, "first seed = 1000000000000000000000000000000: allowed a whole number from 0 to"),
    ({"seed": -1}, "first seed = -1: allowed"),
    ({"seed": 1.5}, "first seed = 1.5: allowed"),
    ({"paired": 10**6}, f"paired seeds = 1000000: allowed a whole number from 1 to {MAX_PAIRED_SEEDS}"),
    ({"paired": True}, "paired seeds = True: allowed"),
    ({"presets": ("baseline",) * 4, "edits": ({},) * 4}, "4 scenarios: allowed 1 to 3 side by side"),
    ({"edits": ({"policy.x": 1},)}, "unknown parameter 'policy.x'"),
    ({"start_weeks": (0,)}, "start week = 0: allowed a whole number ≥ 1"),
])
def test_settings_no_control_can_produce_are_refused_on_the_server(change: dict, said: str) -> None:
    settings = Settings(base=SMALL_WORLD, **change)
    with pytest.raises(ms.ScenarioError) as refused:
        Session(settings)
    assert any(problem.startswith(said) for problem in refused.value.problems), refused.value.problems


def test_a_closed_page_leaves_no_model_behind() -> None:
    """Solara keeps each closed page's play task for the life of the server (with the session it
    started with): closing the experiment drops its models, so they go all the same."""
    import gc

    from marketsim.model import DrugMarketModel

    def models() -> int:
        gc.collect()
        return sum(isinstance(thing, DrugMarketModel) for thing in gc.get_objects())

    before = models()
    for _ in range(2):
        page = Screen()
        assert models() > before
        page.rc.close()
    assert models() == before
