"""python -m forecast: see forecast/cli.py."""

import sys

from forecast.cli import main

sys.exit(main())
