"""`python -m jifen.engine CASE.json`: the engine's `compute` command without the web app."""

import sys

from .cli import main

sys.exit(main())
