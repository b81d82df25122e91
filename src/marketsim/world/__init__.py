"""The world: a network of places (production, transit, border, urban) joined by routes."""

from marketsim.world.generate import generate_world
from marketsim.world.io import PLACE_KINDS, load_world, save_world, validate_world
from marketsim.world.places import BORDER, PRODUCTION, TRANSIT, URBAN, Places
from marketsim.world.routes import Routes

__all__ = [
    "BORDER", "PLACE_KINDS", "PRODUCTION", "TRANSIT", "URBAN", "Places", "Routes", "generate_world",
    "load_world", "save_world", "validate_world",
]
