"""The engine's documented physical ranges (``phusong._core.limits()``, defined once in
``engine/include/phusong/limits.hpp``) applied to values that do not come through the engine's
readers: scenario keys and the CLI's ``--site``."""

from __future__ import annotations

import functools
import math

from .. import _core


@functools.cache
def ranges() -> dict:
    return _core.limits()


def describe(name: str, label: str | None = None) -> str:
    lo, hi, lo_open, hi_open, unit = ranges()[name]
    label = label or name.split(".")[-1]
    return f"{lo:g} {'<' if lo_open else '≤'} {label} {'<' if hi_open else '≤'} {hi:g}" + (f" {unit}" if unit else "")


def contains(name: str, value: float) -> bool:
    lo, hi, lo_open, hi_open, _ = ranges()[name]
    return (math.isfinite(value) and (value > lo if lo_open else value >= lo)
            and (value < hi if hi_open else value <= hi))


def check(name: str, value: float, where: str, label: str | None = None) -> None:
    """InputError naming `where` (file/row or key), the value and the range, unless in range."""
    if not contains(name, value):
        raise _core.InputError(f"{where}: {label or name.split('.')[-1]} is {value:g}, outside its physical range "
                               f"(expected {describe(name, label)})")


def check_model_frequency(model: str, freq_mhz: float, where: str) -> None:
    """RangeError unless `freq_mhz` is within the model's validity range."""
    key = f"model.{model}.freq_mhz"
    if key in ranges() and not contains(key, freq_mhz):
        raise _core.RangeError(f"{where}: freq_mhz is {freq_mhz:g} MHz, outside the validity range of model "
                               f"{model} (expected {describe(key, 'freq_mhz')}; fix: correct the frequency or "
                               "choose another radio.model)")
