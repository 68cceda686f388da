"""Entry point: ``python -m gameport.server`` (see :mod:`.cli`)."""

import sys

from .cli import main

sys.exit(main())
