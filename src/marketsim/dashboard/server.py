"""Serving the dashboard: :func:`serve` and the ``marketsim dashboard`` command, and the safety
settings that hold however it is started (:func:`secure`).

The dashboard is a Solara app (``marketsim.dashboard.app``) served by Solara's own server, so
``solara run marketsim.dashboard.app`` works too. Every front-end asset comes from the
``solara-assets`` package installed with the ``dashboard`` extra: the page works offline.
Solara is imported only when serving, so the rest of the command line stays fast.

Whichever way it is started, the served page (see :func:`secure`): sends no telemetry; refuses
every HTTP request and websocket that another web page makes (an ``Origin`` that is not the
dashboard's own) or that names the server by a host it does not answer to (DNS rebinding), so
a page the user visits elsewhere cannot drive it; ends a session's kernel
:data:`SESSION_CULL` after its page closed, which releases its models; and warns who else can
reach it when it listens beyond this machine.
"""

from __future__ import annotations

import functools
import importlib.util
import ipaddress
import logging
import os
import socket
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit

import typer

if TYPE_CHECKING:
    from marketsim.calibration.posterior import Posterior

APP = "marketsim.dashboard.app"
WORLDS_VARIABLE = "MARKETSIM_DASHBOARD_WORLDS"
"""How the served page learns the directory of world files it offers."""
POSTERIOR_VARIABLE = "MARKETSIM_DASHBOARD_POSTERIOR"
"""How the served page learns the calibration posterior it offers (a folder or its posterior.parquet)."""
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
SESSION_CULL = "2m"
"""How long Solara keeps a session's kernel (its models, its state) after the page was closed or
lost its connection: long enough to survive a reload or a network hiccup, short enough that
abandoned sessions do not pile up (Solara's own default is 24 hours). Solara's
``SOLARA_KERNEL_CULL_TIMEOUT`` still wins where it is set."""
CULL_VARIABLE = "SOLARA_KERNEL_CULL_TIMEOUT"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
logger = logging.getLogger(__name__)


def solara_arguments(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                     open_browser: bool = False) -> list[str]:
    """The ``solara run`` arguments that serve the dashboard: production mode, no version check
    (it would reach for the network), a browser tab only when asked for."""
    return ["run", APP, "--host", host, "--port", str(port), "--production", "--no-check-version",
            "--open" if open_browser else "--no-open"]


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, open_browser: bool = False,
          worlds: Path | None = None, posterior: Path | None = None) -> None:
    """Serve the dashboard at http://host:port until interrupted (Ctrl-C), with the safety
    settings of :func:`secure`.

    Solara's usage telemetry is switched off before Solara is imported: the dashboard must not
    talk to anything but its own browser tabs. ``worlds`` is the directory whose world files
    the page offers (default: the scenarios' folder); ``posterior`` the calibration whose
    posterior draws it offers (:func:`served_posterior`; raises CalibrationError if it has none).
    """
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    if worlds is not None:
        os.environ[WORLDS_VARIABLE] = str(worlds.resolve())
    if posterior is not None:
        os.environ[POSTERIOR_VARIABLE] = str(posterior.resolve())
        served_posterior()  # loaded once, now: the pages share it
    from solara.__main__ import cli

    _warned.add((host, port))  # the command has said who can reach it
    secure()  # the settings now; the guard when the server imports the app, before it serves a request
    cli.main(args=solara_arguments(host, port, open_browser), prog_name="solara",
             standalone_mode=False)


def served_posterior() -> Posterior | None:
    """The calibration posterior the served page offers (``marketsim dashboard --posterior DIR`` puts its
    path in :data:`POSTERIOR_VARIABLE`), loaded once per process; None without one.

    Raises:
        CalibrationError: no posterior there, or a file that is not one (the loader's messages).
    """
    path = os.environ.get(POSTERIOR_VARIABLE)
    return _posterior_at(path) if path else None


@functools.cache
def _posterior_at(path: str) -> Posterior:
    from marketsim.calibration.posterior import load_posterior

    return load_posterior(path)


_warned: set[tuple[str, int]] = set()
"""The (host, port) pairs whose exposure this process has already warned of."""


def secure() -> None:
    """The dashboard's safety settings, applied however it is started: by :func:`serve`, and by
    the app's modules when they are imported (``solara run marketsim.dashboard.app``), which
    Solara's server does as it starts, before it serves a request.

    No telemetry; no banner; sessions culled :data:`SESSION_CULL` after their page closes; every
    request checked by :class:`SameOrigin` (installed once, in front of Solara's routes, even
    if the server is already running); and, under ``solara run``, the warning of who can reach
    the page when the host is not this machine. Outside a Solara server (a notebook) only the
    settings change.
    """
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    from solara.server import settings

    settings.telemetry.mixpanel_enable = False
    settings.theme.show_banner = False
    settings.theme.title = "marketsim dashboard"
    if not os.environ.get(CULL_VARIABLE):
        settings.kernel.cull_timeout = SESSION_CULL
    served = sys.modules.get("solara.server.starlette")
    if served is None:
        return
    router = served.app.router
    if not isinstance(router.middleware_stack, SameOrigin):
        # the router's stack is read on every request, so this guards a server that already started
        router.middleware_stack = SameOrigin(router.middleware_stack)
    host, port = os.environ.get("SERVER_NAME"), os.environ.get("SERVER_PORT")
    if host and port and port.isdigit() and (host, int(port)) not in _warned:
        _warned.add((host, int(port)))
        warning = exposure_warning(host, int(port))
        if warning is not None:
            typer.echo(warning, err=True)


class SameOrigin:
    """ASGI middleware: refuse what another web page sends to the dashboard.

    A browser names the page a request comes from in its ``Origin`` header (always for a
    websocket, for any request a script makes across sites). A request is refused — HTTP 403,
    or a websocket closed before it opens — when its ``Origin`` is not the address the request
    was sent to, or when the ``Host`` it was sent to is not one this server answers to: an IP
    address, ``localhost``, the host it was started on, or this machine's name. The second rule
    stops DNS rebinding (a site whose name is made to point at 127.0.0.1 is same-origin with
    itself). Requests without an ``Origin`` (a typed address, a script outside a browser) pass.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = {name.decode("latin-1").lower(): value.decode("latin-1")
                       for name, value in scope.get("headers", [])}
            problem = refusal(headers.get("host"), headers.get("origin"), trusted_hosts())
            if problem is not None:
                logger.warning("refused %s %s: %s", scope["type"], scope.get("path", ""), problem)
                await _refuse(scope, send, problem)
                return
        await self.app(scope, receive, send)


def trusted_hosts() -> frozenset[str]:
    """Host names the dashboard answers to besides IP addresses: localhost, the host it was
    started on (``solara run`` puts it in ``SERVER_NAME``) and this machine's names."""
    names = {*LOOPBACK_NAMES, os.environ.get("SERVER_NAME", ""), socket.gethostname()}
    return frozenset(name.lower() for name in names if name)


def refusal(host: str | None, origin: str | None, trusted: frozenset[str]) -> str | None:
    """Why a request sent to ``host`` (the ``Host`` header) from ``origin`` (the ``Origin``
    header) is refused, if it is (see :class:`SameOrigin`)."""
    if host is not None and not _trusted(urlsplit(f"//{host}").hostname or "", trusted):
        return f"the dashboard does not answer to the host {host[:80]!r}"
    if origin is None:
        return None
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or host is None or _netloc(parts.scheme, parts.netloc) != _netloc(
            parts.scheme, host):
        return f"requests from another page ({origin[:80]!r}) are refused"
    return None


def _trusted(hostname: str, trusted: frozenset[str]) -> bool:
    try:
        ipaddress.ip_address(hostname.strip("[]"))
    except ValueError:
        return hostname.lower() in trusted or hostname.lower().endswith(".localhost")
    return True


def _netloc(scheme: str, netloc: str) -> str:
    """``host:port`` in lower case, without the scheme's default port."""
    default = {"http": ":80", "https": ":443"}[scheme]
    netloc = netloc.lower()
    return netloc[: -len(default)] if netloc.endswith(default) else netloc


async def _refuse(scope: Scope, send: Send, problem: str) -> None:
    if scope["type"] == "websocket":  # closed before it is accepted: the server answers 403
        await send({"type": "websocket.close", "code": 1008, "reason": problem[:120]})
        return
    body = f"refused: {problem}\n".encode()
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


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
    posterior: Annotated[Path | None, typer.Option(
        "--posterior", metavar="DIR", show_default=False,
        help="Offer runs over a calibration's posterior (DIR/posterior.parquet, marketsim calibrate): a switch "
             "on the page runs each seed with its draw, the same for every scenario, as compare --posterior "
             "does.")] = None,
) -> None:
    """Explore and compare scenarios in the browser: presets, parameters, network map, charts, lessons."""
    if importlib.util.find_spec("solara") is None:
        typer.echo("error: the dashboard needs the 'dashboard' extra: pip install 'marketsim[dashboard]'",
                   err=True)
        raise typer.Exit(2)
    problems = [problem for problem in (port_problem(host, port),) if problem is not None]
    if posterior is not None:
        problems += posterior_problems(posterior)
    if problems:
        from marketsim.cli.common import fail

        fail(problems)
    warning = exposure_warning(host, port)
    if warning is not None:
        typer.echo(warning, err=True)
    typer.echo(f"marketsim dashboard: open http://{host}:{port} (Ctrl-C to stop)")
    serve(host=host, port=port, open_browser=open_browser, worlds=worlds, posterior=posterior)


def posterior_problems(posterior: Path) -> list[str]:
    """Why the page cannot offer the posterior of ``posterior`` (none if it can: it is then loaded, once),
    in the loader's words; a note on stderr says what it offers."""
    from marketsim.calibration.targets import CalibrationError

    path = str(posterior.resolve())
    try:
        loaded = _posterior_at(path)
    except CalibrationError as error:
        return list(error.problems)
    typer.echo(f"note: the page offers the {len(loaded):,} parameter sets of the posterior in {posterior} "
               f"({', '.join(loaded.parameters)}): switch 'Parameters' to 'a posterior draw' to run them", err=True)
    return []


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
