"""The planning step: candidate sites, their costs (CAPEX, OPEX, backhaul, power), the choice."""
