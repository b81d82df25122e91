"""Serving the dashboard: :func:`serve` and the ``marketsim dashboard`` command.

The dashboard is a Solara app (``marketsim.dashboard.app``) served by Solara's own server, so
``solara run marketsim.dashboard.app`` works too. Every front-end asset comes from the
``solara-assets`` package installed with the ``dashboard`` extra: the page works offline.
Solara is imported only when serving, so the rest of the command line stays fast.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
from pathlib import Path
from typing import Annotated

import typer

APP = "marketsim.dashboard.app"
WORLDS_VARIABLE = "MARKETSIM_DASHBOARD_WORLDS"
"""How the served page learns the directory of world files it offers."""
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def solara_arguments(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                     open_browser: bool = False) -> list[str]:
    """The ``solara run`` arguments that serve the dashboard: production mode, no version check
    (it would reach for the network), a browser tab only when asked for."""
    return ["run", APP, "--host", host, "--port", str(port), "--production", "--no-check-version",
            "--open" if open_browser else "--no-open"]


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, open_browser: bool = False,
          worlds: Path | None = None) -> None:
    """Serve the dashboard at http://host:port until interrupted (Ctrl-C).

    Solara's usage telemetry is switched off before Solara is imported: the dashboard must not
    talk to anything but its own browser tabs. ``worlds`` is the directory whose world files
    the page offers (default: the scenarios' folder).
    """
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    if worlds is not None:
        os.environ[WORLDS_VARIABLE] = str(worlds.resolve())
    from solara.__main__ import cli
    from solara.server import settings

    settings.telemetry.mixpanel_enable = False
    settings.theme.show_banner = False
    settings.theme.title = "marketsim dashboard"
    cli.main(args=solara_arguments(host, port, open_browser), prog_name="solara",
             standalone_mode=False)


def exposure_warning(host: str, port: int) -> str | None:
    """What a person should know before serving on ``host``: who else can reach the page (None
    for this machine only)."""
    if host == "localhost":
        return None
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        who = f"anyone who can reach the name {host!r} on port {port}"
    else:
        if address.is_loopback:
            return None
        who = (f"anyone on any network this machine is on, on port {port}" if address.is_unspecified
               else f"anyone who can reach {address} on port {port}")
    return (f"warning: the dashboard will be open to {who}. It has no login: whoever reaches it "
            "can see it and start simulations on this machine. Use --host 127.0.0.1 to keep it to "
            "this machine.")


def dashboard(
    host: Annotated[str, typer.Option(
        help="Address to listen on (127.0.0.1: this machine only; any other address warns who can reach it).")]
    = DEFAULT_HOST,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = DEFAULT_PORT,
    open_browser: Annotated[bool, typer.Option("--open/--no-open",
                                               help="Open the page in a browser tab.")] = False,
    worlds: Annotated[Path | None, typer.Option(
        "--worlds", help="Directory whose GraphML and JSON world files the page offers (default: the "
                         "scenarios' folder). The page never loads a path typed in it.",
        exists=True, file_okay=False, dir_okay=True)] = None,
) -> None:
    """Explore and compare scenarios in the browser: presets, parameters, network map, charts, lessons."""
    if importlib.util.find_spec("solara") is None:
        typer.echo("error: the dashboard needs the 'dashboard' extra: pip install 'marketsim[dashboard]'",
                   err=True)
        raise typer.Exit(2)
    problem = port_problem(host, port)
    if problem is not None:
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(2)
    warning = exposure_warning(host, port)
    if warning is not None:
        typer.echo(warning, err=True)
    typer.echo(f"marketsim dashboard: open http://{host}:{port} (Ctrl-C to stop)")
    serve(host=host, port=port, open_browser=open_browser, worlds=worlds)


def port_problem(host: str, port: int) -> str | None:
    """Why the dashboard cannot listen on ``host:port`` (None if it can), found by binding a
    socket there as the server will (address reuse on, so a port whose last connections are
    closing counts as free, as it does for the server)."""
    import errno
    import socket

    address = host.strip("[]")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (f"port {port} on {host} is in use (another marketsim dashboard?): choose another with "
                        f"--port, e.g. marketsim dashboard --port {port + 1 if port < 65535 else port - 1}")
            return f"cannot listen on {host}:{port} ({error.strerror or error}): choose another --host or --port"
    return None
