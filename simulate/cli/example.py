"""`python -m simulate example`: print the default scenario as JSON."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("example", help="print the default scenario as JSON")
    p.set_defaults(func=cmd_example)


def cmd_example(args: argparse.Namespace) -> int:
    from simulate.scenario import default_scenario

    print(default_scenario().to_json())
    return 0
