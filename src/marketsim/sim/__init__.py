"""The simulation, one module per subsystem. Each owns its state (numpy tables, one row per
agent or place), its Mesa agent views over those rows, its initialisation, its weekly rule(s)
and the output columns it computes; ``marketsim.model`` wires them and runs the step order.

production (farms)  trafficking  retail (dealers)  communities (demand)  police (enforcement)
justice  violence  harm  — and organisations (trafficking organisations, members, territory).
"""

from marketsim.sim.communities import Communities, Community
from marketsim.sim.harm import Harm
from marketsim.sim.interventions import Interventions
from marketsim.sim.justice import JusticeSystem
from marketsim.sim.organisations import Member, Organisations, Role, TraffickingOrganisation
from marketsim.sim.police import Police
from marketsim.sim.production import Farms, Producer
from marketsim.sim.retail import Dealer, Dealers, SalesMode
from marketsim.sim.subsystem import Subsystem, build_order
from marketsim.sim.trafficking import Trafficking
from marketsim.sim.violence import Violence

SUBSYSTEMS: tuple[type[Subsystem], ...] = (
    Violence, Harm, Communities, JusticeSystem, Police, Farms, Trafficking, Dealers, Organisations, Interventions,
)
"""Every subsystem, once: the model builds them (in :func:`build_order`) and the output columns
follow this order within each group (outcome, process, market, cost)."""

__all__ = ["SUBSYSTEMS", "Community", "Dealer", "Member", "Police", "Producer", "Role", "SalesMode", "Subsystem",
           "TraffickingOrganisation", "build_order"]
