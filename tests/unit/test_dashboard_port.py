"""A busy port: the dashboard command says which option to change and exits with 2, before it
announces an address or starts a server."""

from __future__ import annotations

import socket

from typer.testing import CliRunner

from marketsim.cli.main import app
from marketsim.dashboard import server


def test_a_busy_port_is_named_with_the_option_to_change_it(monkeypatch):
    served = []
    monkeypatch.setattr(server, "serve", lambda **kwargs: served.append(kwargs))
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = CliRunner().invoke(app, ["dashboard", "--port", str(port)])
        assert server.port_problem("127.0.0.1", port) is not None
    assert result.exit_code == 2, result.output
    assert f"error: port {port} on 127.0.0.1 is in use" in result.stderr and "--port" in result.stderr
    assert "open http" not in result.stdout and served == []
    assert server.port_problem("127.0.0.1", port) is None, "free again once its holder has closed"
