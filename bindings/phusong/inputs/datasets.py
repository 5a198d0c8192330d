"""The data registry: real public files, their sources and sha256, read from a data directory.

The data directory is ``PHUSONG_DATA`` (tests and CI: ``../shared/data``), else a user cache.
A registered file that is present is checked against its sha256; a missing one is downloaded
from its public source with pooch when the machine is online; offline, the error names the
file and where to put it.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .._core import InputError

DATA_PREFIX = "data:"


def _registry_path() -> Path:
    packaged = resources.files("phusong") / "datasets" / "registry.toml"
    if packaged.is_file():
        return Path(str(packaged))
    # Running from a source tree (editable checkout).
    return Path(__file__).resolve().parents[3] / "datasets" / "registry.toml"


@lru_cache(maxsize=1)
def registry() -> dict[str, dict]:
    """Registered files: name -> {url, sha256, what, licence}."""
    with open(_registry_path(), "rb") as f:
        return tomllib.load(f)["files"]


def data_dir() -> Path:
    """The data directory: $PHUSONG_DATA, else the user cache folder of phusong."""
    env = os.environ.get("PHUSONG_DATA")
    if env:
        return Path(env).expanduser().resolve()
    import pooch

    return Path(pooch.os_cache("phusong"))


def cache_dir() -> Path:
    """Where phusong keeps what it generates (e.g. the GENERATED Sơn La terrain):
    $PHUSONG_CACHE, else the user cache folder of phusong."""
    env = os.environ.get("PHUSONG_CACHE")
    if env:
        return Path(env).expanduser().resolve()
    import pooch

    return Path(pooch.os_cache("phusong")) / "generated"


def fetch(name: str) -> Path:
    """Local path of registered file `name` (e.g. ``dem/N21E105.hgt``), verified by sha256; or of a
    registered folder (e.g. ``admin2025/sonla_communes``), every file in it verified."""
    reg = registry()
    if name not in reg:
        folder = name.rstrip("/") + "/"
        inside = sorted(k for k in reg if k.startswith(folder))
        if inside:  # a registered folder: every file in it, each verified
            for k in inside:
                fetch(k)
            return data_dir() / name.rstrip("/")
        known = sorted({k.split("/")[0] + "/" + (k.split("/")[1] + "/" if k.count("/") > 1 else "") for k in reg})
        raise InputError(f"data file '{name}' is not in the registry ({len(reg)} files in: {', '.join(known)}; "
                         "see datasets/registry.toml)")
    entry = reg[name]
    import pooch

    base = data_dir()
    target = base / name
    if target.is_file():
        actual = pooch.file_hash(str(target), alg="sha256")
        if actual != entry["sha256"]:
            raise InputError(
                f"data file '{target}' does not match its registered sha256 "
                f"(expected {entry['sha256']}, found {actual})"
            )
        return target
    try:
        path = pooch.retrieve(
            url=entry["url"],
            known_hash=f"sha256:{entry['sha256']}",
            fname=Path(name).name,
            path=target.parent,
            progressbar=False,
        )
    except Exception as exc:  # network unreachable, or the download does not match
        raise InputError(
            f"data file '{name}' is missing from the data directory {base} and could not be "
            f"downloaded from {entry['url']} ({type(exc).__name__}). Put the file at {target} "
            f"or set PHUSONG_DATA to a folder that has it."
        ) from exc
    return Path(path)


SRTM_PREFIX = "srtm:"
# Public mirror of SRTM 1-degree tiles in .hgt.gz (the "skadi" layout of the AWS terrain tiles).
SRTM_MIRROR = "https://s3.amazonaws.com/elevation-tiles-prod/skadi/{band}/{tile}.hgt.gz"


def srtm_tile(tile: str) -> Path:
    """The SRTM tile `tile` (e.g. ``N21E103``) as ``dem/<tile>.hgt`` in the data directory;
    downloaded from the public mirror when it is missing and the machine is online. SRTM tiles
    other than the registered ones have no sha256 in the registry: a registered one is checked."""
    import re

    if not re.fullmatch(r"[NS]\d{2}[EW]\d{3}", tile):
        raise InputError(f"'{tile}' is not an SRTM tile name (like N21E103)")
    name = f"dem/{tile}.hgt"
    if name in registry():
        return fetch(name)
    target = data_dir() / name
    if target.is_file():
        return target
    import pooch

    url = SRTM_MIRROR.format(band=tile[:3], tile=tile)
    try:
        path = pooch.retrieve(url=url, known_hash=None, fname=f"{tile}.hgt.gz", path=target.parent,
                              processor=pooch.Decompress(name=f"{tile}.hgt"), progressbar=False)
    except Exception as exc:
        raise InputError(
            f"SRTM tile {tile} is missing from the data directory {data_dir()} and could not be downloaded "
            f"from {url} ({type(exc).__name__}). Put {tile}.hgt at {target} or set PHUSONG_DATA to a folder "
            f"that has it.") from exc
    return Path(path)


def resolve(ref: str, base_dir: Path) -> Path:
    """A scenario path: ``data:NAME`` from the registry, ``srtm:TILE`` an SRTM tile (downloaded
    when missing and online), else relative to `base_dir`."""
    if ref.startswith(DATA_PREFIX):
        return fetch(ref[len(DATA_PREFIX):])
    if ref.startswith(SRTM_PREFIX):
        return srtm_tile(ref[len(SRTM_PREFIX):])
    p = Path(ref).expanduser()
    return p if p.is_absolute() else (base_dir / p)
