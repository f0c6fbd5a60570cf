"""The hash-pinned lock files agree with ``pyproject.toml``.

``scripts/setup.sh`` installs Python packages only from ``requirements.lock`` (runtime) or
``requirements-dev.lock`` (runtime + ``dev`` extra) with ``pip --require-hashes``, then the project
itself with ``--no-deps --no-build-isolation``. So every dependency that ``pyproject.toml`` names must
be pinned with ``==`` in the lock to a version its specifier allows, every pin must carry a sha256
hash, and the build backend's requirement must be pinned too. Pure file parsing: no network, no pip.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]

# Lock file -> the extras of pyproject.toml it covers besides [project].dependencies.
LOCKS: dict[str, tuple[str, ...]] = {
    "requirements.lock": (),
    "requirements-dev.lock": ("dev",),
}

# Extras of dependencies that pull in a distribution of their own, which the lock must then pin too.
# An extra not listed here fails the test, so a new one gets a deliberate entry.
EXTRA_DISTRIBUTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("psycopg", "binary"): ("psycopg-binary",),
}

HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}\b")


@dataclass(frozen=True)
class Pin:
    """One ``name==version`` line of a lock file, with its hash options."""

    requirement: Requirement
    version: Version
    hashes: int
    line: str


def logical_lines(text: str) -> list[str]:
    """Join backslash continuations and drop comments and blank lines, as pip reads a requirements file."""
    joined = re.sub(r"\\\n", " ", text)
    lines = []
    for raw in joined.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if line:
            lines.append(line)
    return lines


def parse_lock(path: Path) -> dict[NormalizedName, Pin]:
    """Map each pinned distribution of a lock file to its pin; fail on anything that is not a plain pin."""
    pins: dict[NormalizedName, Pin] = {}
    for line in logical_lines(path.read_text(encoding="utf-8")):
        assert not line.startswith("-"), f"{path.name}: option line {line!r} has no place in the lock"
        requirement = Requirement(line.split(" --", 1)[0])
        specs = list(requirement.specifier)
        assert len(specs) == 1, f"{path.name}: {line!r} is not pinned to a single version"
        assert specs[0].operator == "==", f"{path.name}: {line!r} is not pinned with =="
        assert "*" not in specs[0].version, f"{path.name}: {line!r} pins a wildcard"
        name = canonicalize_name(requirement.name)
        assert name not in pins, f"{path.name}: {requirement.name} is pinned twice"
        pins[name] = Pin(requirement, Version(specs[0].version), len(HASH.findall(line)), line)
    return pins


def pyproject() -> dict[str, Any]:
    """The parsed ``pyproject.toml``."""
    with (REPO / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def declared(extras: tuple[str, ...]) -> list[Requirement]:
    """The runtime requirements of pyproject.toml plus those of the given extras."""
    project = pyproject()["project"]
    texts = list(project["dependencies"])
    for extra in extras:
        texts += project["optional-dependencies"][extra]
    return [Requirement(text) for text in texts]


def check_pinned(requirement: Requirement, pins: dict[NormalizedName, Pin], lock: str) -> None:
    """Assert that ``requirement`` (and what its extras pull in) is pinned to an allowed version."""
    name = canonicalize_name(requirement.name)
    assert name in pins, f"{lock}: {requirement} from pyproject.toml is not pinned"
    pin = pins[name]
    assert requirement.specifier.contains(pin.version, prereleases=True), (
        f"{lock}: {pin.requirement} does not satisfy {requirement} from pyproject.toml"
    )
    for extra in sorted(requirement.extras):
        key = (name, canonicalize_name(extra))
        assert key in EXTRA_DISTRIBUTIONS, f"extra {requirement.name}[{extra}]: add it to EXTRA_DISTRIBUTIONS"
        for dist in EXTRA_DISTRIBUTIONS[key]:
            assert canonicalize_name(dist) in pins, f"{lock}: {dist} (for {requirement}) is not pinned"


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_pyproject_dependencies_are_pinned_within_their_specifiers(lock: str) -> None:
    pins = parse_lock(REPO / lock)
    requirements = declared(LOCKS[lock])
    assert requirements, "pyproject.toml declares no dependencies?"
    for requirement in requirements:
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue  # not for this platform, where the lock was resolved
        check_pinned(requirement, pins, lock)


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_build_backend_is_pinned_for_no_build_isolation(lock: str) -> None:
    pins = parse_lock(REPO / lock)
    for text in pyproject()["build-system"]["requires"]:
        check_pinned(Requirement(text), pins, lock)


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_pin_carries_a_sha256_hash(lock: str) -> None:
    pins = parse_lock(REPO / lock)
    assert pins, f"{lock} pins nothing"
    unhashed = sorted(str(pin.requirement) for pin in pins.values() if pin.hashes == 0)
    assert not unhashed, f"{lock}: pins without --hash=sha256: {unhashed}"


def test_dev_lock_agrees_with_runtime_lock() -> None:
    runtime = parse_lock(REPO / "requirements.lock")
    dev = parse_lock(REPO / "requirements-dev.lock")
    differing = {name: (str(pin.version), str(dev[name].version)) for name, pin in runtime.items() if name in dev}
    differing = {name: versions for name, versions in differing.items() if versions[0] != versions[1]}
    assert not differing, f"runtime and dev locks pin different versions: {differing}"
    missing = sorted(set(runtime) - set(dev))
    assert not missing, f"requirements-dev.lock lacks runtime pins: {missing}"


def test_parser_rejects_unpinned_and_reads_continuations(tmp_path: Path) -> None:
    good = tmp_path / "good.lock"
    good.write_text(
        "# header\nfoo-bar==1.2 \\\n    --hash=sha256:" + "a" * 64 + "\n    # via x\nbaz==2 ; python_version >= '3'\n"
    )
    pins = parse_lock(good)
    assert sorted(pins) == ["baz", "foo-bar"]
    assert pins[canonicalize_name("foo_bar")].hashes == 1
    assert pins[canonicalize_name("baz")].hashes == 0
    loose = tmp_path / "loose.lock"
    loose.write_text("foo>=1.2\n")
    with pytest.raises(AssertionError, match="not pinned with =="):
        parse_lock(loose)
