"""The dashboard over a calibration's posterior (issue #23, "use everywhere"): ``marketsim dashboard
--posterior DIR`` loads it once, a switch runs each seed with its draw — the draw ``marketsim compare
--posterior`` runs that seed with, the same for every scenario — and the page says which draws are in
force; what a scenario or the user sets keeps its value, and without a posterior nothing can ask for draws.

The posterior here is four parameter sets of the example targets file's two parameters, spread over their
plausible ranges and written by the calibration's own writer (``write_posterior``): what the dashboard reads
from a real calibration's folder, without the minutes of runs that would make the numbers mean anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest
import solara
from solara.server import settings as solara_settings
from solara.widgets import HTML
from typer.testing import CliRunner

import marketsim as ms
from marketsim.calibration import load_posterior, load_targets
from marketsim.calibration.report import write_posterior
from marketsim.calibration.targets import EXAMPLE_TARGETS
from marketsim.cli.main import app
from marketsim.config.params import SPECS
from marketsim.dashboard import server
from marketsim.dashboard.app import Layout, Page
from marketsim.dashboard.session import NO_POSTERIOR, Session, Settings, posterior_note

SMALL_WORLD = {"world.producers": 600, "world.neighbourhoods": 12, "world.neighbourhood_population": 50_000}
SETS = 4
solara_settings.telemetry.mixpanel_enable = False  # tests never phone home


@pytest.fixture(scope="module")
def calibration(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A calibration's folder holding a posterior of ``SETS`` parameter sets (see the module's docstring)."""
    folder = tmp_path_factory.mktemp("calibration")
    targets = load_targets(EXAMPLE_TARGETS)
    parameters = targets.settings.parameters
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({name: rng.uniform(*SPECS[name].plausible, size=SETS) for name in parameters})
    frame["implausibility"] = rng.uniform(0, 3, size=SETS)
    write_posterior(SimpleNamespace(posterior=frame, targets=targets, parameters=parameters),
                    folder / "posterior.parquet")
    return folder


@pytest.fixture
def served(calibration: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The page served with that posterior, as ``marketsim dashboard --posterior DIR`` serves it."""
    monkeypatch.setenv(server.POSTERIOR_VARIABLE, str(calibration))
    return calibration


def drawn_values(session: Session) -> list[list[dict[str, Any]]]:
    """Per scenario and seed, the values of the posterior's parameters the model runs with."""
    parameters = session.posterior.parameters
    return [[{name: model.scenario.get(name) for name in parameters} for model in runs]
            for runs in session.experiment.models]


# -- the session ----------------------------------------------------------------------------------------
def test_each_seed_runs_the_draw_the_command_line_runs_it_with_in_every_scenario(calibration: Path) -> None:
    posterior = load_posterior(calibration)
    settings = Settings(presets=("baseline", "zero_tolerance"), edits=({}, {}), base=SMALL_WORLD, seed=5,
                        posterior_draws=True)
    session = Session(settings, horizon=4, posterior=posterior)
    expected = posterior.draws(settings.seeds())  # what run/compare --posterior give these seeds
    for runs in drawn_values(session):
        assert runs == [expected[seed] for seed in settings.seeds()]
    assert len({posterior.draw_index(seed) for seed in settings.seeds()}) > 1, "the seeds should span draws"
    session.experiment.close()


def test_what_the_user_or_the_scenario_sets_keeps_its_value(calibration: Path) -> None:
    posterior = load_posterior(calibration)
    edited, fixed = "police.street_arrest_rate", "violence.contest_rate"
    settings = Settings(presets=("baseline", "baseline"), edits=({edited: 0.11}, {}),
                        base={**SMALL_WORLD, fixed: 0.2}, paired=2, posterior_draws=True)
    session = Session(settings, horizon=4, posterior=posterior)
    (a, b) = drawn_values(session)
    draws = posterior.draws(settings.seeds())
    assert [run[edited] for run in a] == [0.11, 0.11]
    assert [run[edited] for run in b] == [draws[seed][edited] for seed in settings.seeds()]
    assert [run[fixed] for run in a + b] == [0.2] * 4
    session.experiment.close()


def test_an_edit_from_a_later_week_holds_from_then_and_the_draw_before(calibration: Path) -> None:
    posterior = load_posterior(calibration)
    edited = "police.street_arrest_rate"
    settings = Settings(edits=({edited: 0.11},), base=SMALL_WORLD, paired=1, posterior_draws=True)
    session = Session(settings.with_start_week(0, 3), horizon=4, posterior=posterior)
    (model,) = session.experiment.models[0]
    assert model.p.police.street_arrest_rate == posterior.draw(settings.seed)[edited]
    session.experiment.step(3)
    assert model.p.police.street_arrest_rate == 0.11
    session.experiment.close()


def test_with_the_defaults_switched_on_no_draw_runs(calibration: Path) -> None:
    posterior = load_posterior(calibration)
    session = Session(Settings(base=SMALL_WORLD, paired=2), horizon=4, posterior=posterior)
    assert session.draws is None
    assert drawn_values(session) == [[{name: SPECS[name].default for name in posterior.parameters}] * 2]
    session.experiment.close()


@pytest.mark.parametrize(("drawn", "said"), [
    (True, NO_POSTERIOR), (1, "posterior draws = 1: allowed true or false"),
    ("yes", "posterior draws = 'yes': allowed true or false"),
])
def test_draws_a_page_cannot_have_are_refused_on_the_server(drawn: Any, said: str) -> None:
    with pytest.raises(ms.ScenarioError) as refused:
        Session(Settings(base=SMALL_WORLD, posterior_draws=drawn))
    assert said in refused.value.problems


def test_the_note_names_each_seeds_draw_the_sets_and_the_folder(calibration: Path) -> None:
    posterior = load_posterior(calibration)
    note = posterior_note(posterior, [1, 2], drawn=True)
    for seed in (1, 2):
        assert f"seed {seed} → draw {posterior.draw_index(seed)}" in note
    assert f"of the {SETS} parameter sets of the posterior in {calibration}" in note
    assert "violence.contest_rate, police.street_arrest_rate" in note
    assert "→" not in posterior_note(posterior, [1, 2], drawn=False)


# -- the page -------------------------------------------------------------------------------------------
@pytest.fixture
def screen(served: Path) -> Iterator[Any]:
    _, rc = solara.render(Layout(children=[Page(base=SMALL_WORLD)]), handle_error=False)
    yield rc
    rc.close()


def text_of(rc: Any, css_class: str) -> str:
    """The text of the page's ``solara.Text`` with that class."""
    return " ".join(str(child) for w in rc.find(v.Html, class_=css_class).widgets for child in w.children)


def test_the_switch_runs_the_posterior_draws_and_says_which(screen: Any, served: Path) -> None:
    posterior = load_posterior(served)
    toggle = screen.find(v.BtnToggle, class_="ms-posterior").widget
    assert toggle.v_model == 0 and "The runs use the default parameters" in text_of(screen, "ms-posterior-note")
    toggle.v_model = 1
    note = text_of(screen, "ms-posterior-note")
    assert "Posterior draws in force" in note and str(served) in note
    assert all(f"seed {seed} → draw {posterior.draw_index(seed)}" in note for seed in (1, 2, 3))
    toggle.v_model = 99
    refused = [unescape(w.unsafe_innerHTML) for w in screen.find(HTML).widgets
               if "ms-refusal" in (w.attributes or {}).get("class", "")]
    assert refused == ["choice 99 is not one of the 2 offered: refused"]
    assert "Posterior draws in force" in text_of(screen, "ms-posterior-note")


def test_without_a_posterior_the_page_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(server.POSTERIOR_VARIABLE, raising=False)
    _, rc = solara.render(Layout(children=[Page(base=SMALL_WORLD)]), handle_error=False)
    try:
        assert not rc.find(v.BtnToggle, class_="ms-posterior").widgets
        assert "marketsim dashboard --posterior DIR" in text_of(rc, "ms-no-posterior")
    finally:
        rc.close()


# -- the command ----------------------------------------------------------------------------------------
def test_a_folder_without_a_posterior_is_refused_before_serving(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(server, "serve", lambda **_: pytest.fail("served with a bad --posterior"))
    monkeypatch.setattr(server, "port_problem", lambda *_: None)
    pd.DataFrame({"x": [1.0]}).to_parquet(tmp_path / "posterior.parquet")
    for folder, said in ((tmp_path / "nowhere", "no posterior.parquet there"),
                         (tmp_path, "not a calibration's posterior (no parameters in its metadata)")):
        result = CliRunner().invoke(app, ["dashboard", "--posterior", str(folder)])
        assert result.exit_code == 2, result.output
        assert f"error: --posterior {folder.resolve()}" in result.output and said in result.output


def test_the_command_loads_the_posterior_once_and_serves_it(calibration: Path, monkeypatch) -> None:
    from marketsim.calibration import posterior as posterior_module

    loads: list[str] = []
    real = posterior_module.load_posterior
    monkeypatch.setattr(posterior_module, "load_posterior", lambda path: loads.append(path) or real(path))
    server._posterior_at.cache_clear()
    served_with: dict[str, Any] = {}
    monkeypatch.setattr(server, "serve", lambda **options: served_with.update(options))
    monkeypatch.setattr(server, "port_problem", lambda *_: None)
    monkeypatch.delenv(server.POSTERIOR_VARIABLE, raising=False)
    result = CliRunner().invoke(app, ["dashboard", "--posterior", str(calibration)])
    assert result.exit_code == 0, result.output
    assert served_with["posterior"] == calibration
    assert f"offers the {SETS} parameter sets of the posterior in {calibration}" in result.output
    monkeypatch.setenv(server.POSTERIOR_VARIABLE, str(calibration.resolve()))  # as serve() sets it
    assert len(server.served_posterior()) == SETS and len(server.served_posterior()) == SETS
    assert loads == [str(calibration.resolve())], "loaded once, at start-up, for every page"
    assert "(violence.contest_rate, police.street_arrest_rate)" in result.output
