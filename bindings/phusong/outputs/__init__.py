"""Outputs of a run: layers, KPI tables, the report, and the atomic output folder."""
