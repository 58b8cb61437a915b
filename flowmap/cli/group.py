"""The top-level ``flowmap`` group, which imports a command's module only when it is used."""

from __future__ import annotations

import importlib

import click

from flowmap.cli import COMMANDS


class LazyGroup(click.Group):
    """A click group whose commands are named in :data:`flowmap.cli.COMMANDS`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="flowmap")
def cli() -> None:
    """Map health and care data flows, information assets and vulnerable systems."""
