"""Anti-money-laundering: seizure of criminal revenue."""

from __future__ import annotations

import numpy as np

from marketsim.sim.policies.base import PoliceActivity


class AntiMoneyLaundering(PoliceActivity):
    """Seize criminal revenue in proportion to organisations' revenue."""

    name = "aml"
    share = "aml_share"
    levers = ("policy.aml_share",)

    def act(self, officer_weeks: float) -> None:
        model, police, orgs = self.model, self.police, list(self.model.orgs)
        if officer_weeks <= 0 or not orgs:
            return
        revenue = np.array([max(o.revenue_ma, 0.0) for o in orgs])
        if revenue.sum() <= 0:
            return
        ids = np.array([o.id for o in orgs])
        pool = officer_weeks * model.p.police.aml_seizure_rate * police.spare(ids, revenue / revenue.sum(),
                                                                              officer_weeks)
        for org, aimed in zip(orgs, pool.tolist(), strict=True):
            seized = min(aimed * police.exposure(org.id), max(org.cash, 0.0) + org.revenue)
            model.orgs.seize_cash(org, seized)
            model.log.record("cash_seizure", seized, org=org.id)
