"""`python -m planner.cli`: the planner's commands without `serve` (the full command is `pusleplan`,
`python -m api.cli`)."""

import sys

from planner.cli import main

sys.exit(main())
