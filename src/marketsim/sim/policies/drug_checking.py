"""Drug-checking services (Maghsoudi et al. 2022): users have what they bought analysed before they
use it, and some act on the result — the worked example of CONTRIBUTING.md."""

from __future__ import annotations

from marketsim.sim.policies.base import Programme


class DrugChecking(Programme):
    """Each week, after retail has set this week's purity and users have bought, a share of users
    learn the purity of their drugs and act on it: they dose for what they have, so a change of
    purity does not surprise them (``Harm.inform_users``). Who is helped, and how much, follows from
    how far purity moves from what users expect: nothing changes where purity is stable."""

    name = "drug_checking"
    levers = ("harm.drug_checking_coverage",)
    after = "demand"

    def act(self) -> None:
        harm = self.model.p.harm
        self.model.harm.inform_users(harm.drug_checking_coverage * harm.drug_checking_response)
