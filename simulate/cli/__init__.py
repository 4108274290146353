"""Command line: `python -m simulate <command>`, the same models as the app, headless (top layer, like app.py).

One module per subcommand, each with `register(subparsers)`:
    example    print the default scenario as JSON                        (example.py)
    run        simulate a scenario file; team and economics figures too  (run.py, run_team.py, run_economics.py)
    pipeline   bookings this month / quarter from a CRM export           (pipeline.py)
    scorecard  KPI scorecard from a CRM export                           (scorecard.py)
    report     meeting deck / HTML report / CSV / XLSX                   (report.py)
`parser.py` builds the parser and turns ScenarioError / UsageError into exit status 2 and one line.

Public API: main(argv) -> exit status; UsageError; read_scenario(path); json_safe(value).
"""

from simulate.cli.common import UsageError, json_safe, read_scenario
from simulate.cli.parser import main

__all__ = ["UsageError", "json_safe", "main", "read_scenario"]
