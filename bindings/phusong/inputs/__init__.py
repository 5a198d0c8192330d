"""Inputs of a run: the data registry, district polygons, profiles, and the generators of the
data phusong makes itself (labelled GENERATED)."""
