"""The simulation, one module per subsystem. Each owns its state (numpy tables, one row per
agent or place), its Mesa agent views over those rows, its initialisation, its weekly rule(s)
and the output columns it computes; ``marketsim.model`` wires them and runs the step order.

production (farms)  trafficking  retail (dealers)  communities (demand)  police (enforcement)
justice  violence  harm  — and organisations (trafficking organisations, members, territory).
"""

from marketsim.sim.communities import Community
from marketsim.sim.organisations import Member, Role, TraffickingOrganisation
from marketsim.sim.police import Police
from marketsim.sim.production import Producer
from marketsim.sim.retail import Dealer, SalesMode

__all__ = ["Community", "Dealer", "Member", "Police", "Producer", "Role", "SalesMode", "TraffickingOrganisation"]
