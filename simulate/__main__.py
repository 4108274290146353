"""`python -m simulate`: see simulate/cli/."""

import sys

from simulate.cli import main

sys.exit(main())
