"""The five kinds of agents. Each is a real Mesa agent placed on the network.

For speed, the state that every stage reads for all agents at once lives in
struct-of-arrays tables (``Farms``, ``DealerTable``, ``CommunityTable``); each
agent object holds its row index and exposes its own values as properties, so
an agent can be inspected like any Mesa agent while the hot stages work on
whole arrays with numpy.
"""

from marketsim.agents.community import Community, CommunityTable
from marketsim.agents.dealer import Dealer, DealerTable, SalesMode
from marketsim.agents.police import Police
from marketsim.agents.producer import Farms, Producer
from marketsim.agents.trafficking import Member, Role, TraffickingOrganisation

__all__ = [
    "Community", "CommunityTable", "Dealer", "DealerTable", "Farms", "Member", "Police",
    "Producer", "Role", "SalesMode", "TraffickingOrganisation",
]
