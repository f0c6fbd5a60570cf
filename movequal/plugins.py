"""Commands and hooks that other installed packages add to the ``movequal`` command line.

The core never imports the service. Instead, a package declares entry points
(``[project.entry-points."<group>"]`` in its ``pyproject.toml``) in two groups,
which the CLI looks up when it runs, never at import time:

``movequal.commands``
    A function ``register(app)`` that adds commands to the Typer app; the
    service adds ``serve``, ``worker`` and ``keys`` this way.
``movequal.batch_recorders``
    A factory ``(db_url, clinic) -> BatchRecorder`` that records the results of
    ``movequal batch`` somewhere; the service records them as patient sessions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING

import typer

from movequal.errors import MovequalError

if TYPE_CHECKING:
    from movequal.batch.runner import BatchRecorder

COMMANDS_GROUP = "movequal.commands"
RECORDERS_GROUP = "movequal.batch_recorders"

RecorderFactory = Callable[[str | None, str | None], "BatchRecorder"]
"""Make a recorder for a database URL (``None``: the recorder's default) and a clinic (``None``: its default)."""


class MissingPluginError(MovequalError):
    """A command needs a plugin (such as the service) that is not installed."""

    exit_code = 2


def find_plugins(group: str) -> list[EntryPoint]:
    """Return the installed entry points of ``group``, sorted by name so the order is stable."""
    return sorted(entry_points(group=group), key=lambda plugin: plugin.name)


def register_commands(app: typer.Typer, plugins: Iterable[EntryPoint] | None = None) -> list[str]:
    """Let every command plugin add its commands to ``app``.

    Parameters
    ----------
    app : typer.Typer
        The ``movequal`` application.
    plugins : iterable of EntryPoint, optional
        The plugins to load [default: the installed ``movequal.commands`` entry points].

    Returns
    -------
    list of str
        The names of the plugins loaded, in the order they ran.
    """
    chosen = find_plugins(COMMANDS_GROUP) if plugins is None else list(plugins)
    for plugin in chosen:
        plugin.load()(app)
    return [plugin.name for plugin in chosen]


def load_batch_recorder(
    db_url: str | None, clinic: str | None, plugins: Iterable[EntryPoint] | None = None
) -> BatchRecorder:
    """Return the batch recorder of the first installed recorder plugin.

    Parameters
    ----------
    db_url : str or None
        Database to record into; ``None`` lets the plugin choose its default.
    clinic : str or None
        Clinic the recorded sessions belong to; ``None`` lets the plugin choose.
    plugins : iterable of EntryPoint, optional
        Candidates [default: the installed ``movequal.batch_recorders`` entry points].

    Raises
    ------
    MissingPluginError
        When no recorder plugin is installed.
    """
    chosen = find_plugins(RECORDERS_GROUP) if plugins is None else list(plugins)
    if not chosen:
        raise MissingPluginError("recording batch results needs the movequal service installed; pass --no-record")
    factory: RecorderFactory = chosen[0].load()
    return factory(db_url, clinic)
