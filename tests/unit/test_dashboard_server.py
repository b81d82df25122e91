"""Serving the dashboard: local by default, offline, without telemetry, from the command line."""

from __future__ import annotations

import os

import pytest
import solara.__main__
from solara.server import settings
from typer.testing import CliRunner

from marketsim.cli.main import app
from marketsim.dashboard import server


def test_serve_runs_solara_locally_offline_and_quietly(monkeypatch):
    calls = []
    monkeypatch.setattr(solara.__main__.cli, "main", lambda **kwargs: calls.append(kwargs))
    monkeypatch.setenv("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "True")
    monkeypatch.setattr(settings.telemetry, "mixpanel_enable", True)
    server.serve(port=8799)
    (call,) = calls
    args = call["args"]
    assert args[:2] == ["run", "marketsim.dashboard.app"]
    assert args[args.index("--host") + 1] == "127.0.0.1" and args[args.index("--port") + 1] == "8799"
    assert {"--production", "--no-check-version", "--no-open"} <= set(args)
    assert os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert settings.telemetry.mixpanel_enable is False


def test_dashboard_command(monkeypatch):
    served = []
    monkeypatch.setattr(server, "serve", lambda **kwargs: served.append(kwargs))
    runner = CliRunner()
    result = runner.invoke(app, ["dashboard", "--port", "9000"])
    assert result.exit_code == 0, result.output
    assert served == [{"host": "127.0.0.1", "port": 9000, "open_browser": False, "worlds": None, "posterior": None}]
    assert "http://127.0.0.1:9000" in result.output
    assert runner.invoke(app, ["dashboard", "--port", "0"]).exit_code == 2


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.5", "::1", "[::1]", "localhost"])
def test_loopback_hosts_need_no_warning(host):
    assert server.exposure_warning(host, 8765) is None


@pytest.mark.parametrize(("host", "who"), [
    ("0.0.0.0", "anyone on any network this machine is on, on port 8765"),
    ("::", "anyone on any network this machine is on, on port 8765"),
    ("192.168.1.20", "anyone who can reach 192.168.1.20 on port 8765"),
    ("lab-server", "anyone who can reach the name 'lab-server' on port 8765"),
])
def test_any_other_host_warns_who_can_reach_the_page(host, who):
    warning = server.exposure_warning(host, 8765)
    assert warning.startswith(f"warning: the dashboard will be open to {who}. It has no login")


def test_the_dashboard_command_warns_on_an_open_host_and_offers_a_world_directory(monkeypatch, tmp_path):
    served = []
    monkeypatch.setattr(server, "serve", lambda **kwargs: served.append(kwargs))
    runner = CliRunner()
    result = runner.invoke(app, ["dashboard", "--host", "0.0.0.0", "--worlds", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "warning: the dashboard will be open to anyone on any network" in result.stderr
    assert served == [{"host": "0.0.0.0", "port": 8765, "open_browser": False, "worlds": tmp_path, "posterior": None}]
    assert "warning" not in runner.invoke(app, ["dashboard"]).stderr
    missing = runner.invoke(app, ["dashboard", "--worlds", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "--worlds" in missing.stderr


def test_serve_tells_the_page_which_world_directory_to_offer(monkeypatch, tmp_path):
    monkeypatch.setattr(solara.__main__.cli, "main", lambda **kwargs: None)
    monkeypatch.delenv(server.WORLDS_VARIABLE, raising=False)
    server.serve(worlds=tmp_path)
    assert os.environ[server.WORLDS_VARIABLE] == str(tmp_path.resolve())
