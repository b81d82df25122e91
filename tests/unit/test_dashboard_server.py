"""Serving the dashboard: local by default, offline, without telemetry, from the command line."""

from __future__ import annotations

import os

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
    assert served == [{"host": "127.0.0.1", "port": 9000, "open_browser": False}]
    assert "http://127.0.0.1:9000" in result.output
    assert runner.invoke(app, ["dashboard", "--port", "0"]).exit_code == 2
