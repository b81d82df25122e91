"""The network of places: the generated default, and worlds loaded from files."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest

import marketsim as ms
from marketsim.config.params import WorldParams
from marketsim.world import generate_world, load_world, save_world, validate_world


@pytest.fixture
def world() -> nx.Graph:
    return generate_world(WorldParams(), np.random.default_rng(1))


def kinds(graph: nx.Graph) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for node, data in graph.nodes(data=True):
        out.setdefault(data["kind"], []).append(node)
    return out


def test_default_world_has_the_required_structure(world):
    by_kind = kinds(world)
    regions = {world.nodes[n]["region"] for n in by_kind["production"]}
    assert len(regions) >= 3
    assert len(by_kind["urban"]) >= 12
    assert len(by_kind["border"]) >= 1
    corridors = {world.nodes[n]["route"] for n in by_kind["transit"]}
    assert len(corridors) >= 2
    validate_world(world)
    # at least two node-disjoint corridors from every region to the city
    city = by_kind["urban"][0]
    for region in regions:
        farm = next(n for n in by_kind["production"] if world.nodes[n]["region"] == region)
        assert nx.node_connectivity(world, farm, city) >= 2


def test_same_seed_same_world():
    a = generate_world(WorldParams(), np.random.default_rng(4))
    b = generate_world(WorldParams(), np.random.default_rng(4))
    assert nx.utils.graphs_equal(a, b)


@pytest.mark.parametrize("suffix", [".graphml", ".json"])
def test_world_round_trips_through_files(world, tmp_path, suffix):
    path = tmp_path / f"world{suffix}"
    save_world(world, path)
    loaded = load_world(path)
    assert set(loaded.nodes) == set(world.nodes)
    assert loaded.number_of_edges() == world.number_of_edges()
    model = ms.DrugMarketModel(ms.load_scenario("baseline", {"world.file": str(path)}), seed=1)
    model.run(4)
    assert len(model.metrics()) == 4


def test_missing_attribute_names_node_and_attribute(world, tmp_path):
    del world.nodes["nbhd_03"]["trust"]
    world.edges["route_1_town_1", "route_1_town_2"]["capacity_kg"] = -5
    path = tmp_path / "broken.json"
    save_world(world, path)
    with pytest.raises(ms.ScenarioError) as error:
        load_world(path)
    problems = error.value.problems
    assert "world file broken.json: node 'nbhd_03' (urban): missing attribute 'trust'" in problems
    assert any("edge 'route_1_town_1'–'route_1_town_2': attribute 'capacity_kg' = -5" in p for p in problems)


def test_unknown_kind_and_unreadable_files(tmp_path):
    graph = nx.Graph()
    graph.add_node("a", kind="castle", x=0, y=0)
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(nx.node_link_data(graph, edges="edges")))
    with pytest.raises(ms.ScenarioError, match="node 'a': attribute 'kind' = 'castle'; allowed production"):
        load_world(path)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ms.ScenarioError, match=r"malformed JSON in world file bad\.json: "):
        load_world(bad)
    with pytest.raises(ms.ScenarioError, match=r"unknown format '\.txt'"):
        (tmp_path / "w.txt").write_text("x")
        load_world(tmp_path / "w.txt")


def test_policy_targets_must_exist_in_the_world():
    with pytest.raises(ms.ScenarioError, match=r"policy.targets.eradication: 'region_9' is not a place, place kind, "
                                               r"region or corridor of this world — did you mean 'region_\d'\?"):
        ms.DrugMarketModel("eradication", seed=1, overrides={"policy.targets": {"eradication": "region_9"}})
    with pytest.raises(ms.ScenarioError, match="did you mean 'route_1'"):
        ms.DrugMarketModel("interdiction", seed=1, overrides={"policy.targets": {"interdiction": ["rute_1"]}})


def attribute(graph: nx.Graph, kind: str, name: str) -> np.ndarray:
    return np.array([data[name] for _, data in graph.nodes(data=True) if data["kind"] == kind])


def test_world_parameters_shape_the_generated_places_and_routes():
    """Each number of world generation is a parameter that does what it says: with no spread a
    place takes its mean, and the gradients and shares move what they name."""
    even = WorldParams(size_spread=0.0, alt_income_spread=0.0, presence_spread=0.0, production_presence_spread=0.0,
                       segment_cost_jitter=0.0, segment_capacity_spread=0.0, user_gradient=0.0,
                       production_presence=0.5, segment_capacity=90.0)
    world = generate_world(even, np.random.default_rng(2))
    assert set(attribute(world, "transit", "population")) == {even.town_population}
    assert set(attribute(world, "urban", "population")) == {even.neighbourhood_population}
    assert set(attribute(world, "production", "alt_income")) == {1.0}
    assert set(attribute(world, "production", "state_presence")) == {0.5 * even.state_presence}
    assert set(attribute(world, "urban", "state_presence")) == {even.state_presence}
    assert set(attribute(world, "urban", "user_index")) == {1.0}
    assert {data["capacity_kg"] for *_, data in world.edges(data=True)} == {90.0}
    costs = {world.edges[a, b]["cost_per_kg"] for a, b in [("route_1_town_1", "route_1_town_2"),
                                                           ("route_1_town_3", "border_1")]}
    assert costs == {even.segment_cost_corridor, even.segment_cost_to_border}
    steep = generate_world(WorldParams(user_gradient=1.4, trust_gradient=0.4), np.random.default_rng(2))
    deprivation = attribute(steep, "urban", "deprivation")
    assert np.corrcoef(deprivation, attribute(steep, "urban", "user_index"))[0, 1] > 0.99
    assert np.corrcoef(deprivation, attribute(steep, "urban", "trust"))[0, 1] < -0.5


def test_route_capacity_spread_must_leave_capacity_above_zero():
    with pytest.raises(ms.ScenarioError) as error:
        ms.load_scenario("baseline", {"world.segment_capacity_spread": 70})
    assert error.value.problems == [
        "world: segment_capacity_spread (70) must be below segment_capacity (60): a route segment's capacity is "
        "drawn within ± the spread and must stay above 0"]
