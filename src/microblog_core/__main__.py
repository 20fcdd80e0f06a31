"""``python -m microblog_core``: the same as the ``microblog`` command."""

import sys

from microblog_core.cli import main

sys.exit(main())
