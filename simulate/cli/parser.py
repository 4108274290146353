"""The `python -m simulate` parser: one subcommand per module in simulate/cli/, errors as one line.

Invalid input exits with status 2 and one line naming the field.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable

from simulate.cli.common import UsageError
from simulate.scenario import ScenarioError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m simulate", description="Sales & marketing funnel Monte Carlo")
    sub = parser.add_subparsers(dest="command", required=True)
    for register in _registrars():
        register(sub)
    return parser


def _registrars() -> list[Callable]:
    """The subcommand modules' register functions, in the order `--help` lists them."""
    return [importlib.import_module(name).register for name in EXTRA_COMMAND_MODULES]


# One module per subcommand, each exposing register(subparsers). Add yours here.
EXTRA_COMMAND_MODULES: list[str] = [
    "simulate.cli.example",
    "simulate.cli.run",
    "simulate.cli.pipeline",
    "simulate.cli.scorecard",
    "simulate.cli.report",
    "simulate.cli.calibrate",
    "simulate.cli.plan",
]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ScenarioError as exc:
        _one_line(f"error: {exc.field}: {exc.message}")
        return 2
    except UsageError as exc:
        _one_line(f"error: {exc}")
        return 2
    except BrokenPipeError:
        return 0


def _one_line(message: str) -> None:
    """The error as one printable line, whatever text a hostile file put in it (line breaks, surrogates)."""
    text = " ".join(message.split())
    sys.stderr.write(text.encode("utf-8", "backslashreplace").decode("utf-8") + "\n")


if __name__ == "__main__":
    sys.exit(main())
