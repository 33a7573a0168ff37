"""``python -m planner`` runs the ``stageplan`` command."""

import sys

from .cli import main

sys.exit(main())
