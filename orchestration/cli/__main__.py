"""`python -m orchestration.cli`, the same as the cscw entry point."""

import sys

from orchestration.cli import main

sys.exit(main())
