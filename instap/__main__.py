"""`python -m instap` is the same as the `instap` command."""

import sys

from instap.cli import main

sys.exit(main())
