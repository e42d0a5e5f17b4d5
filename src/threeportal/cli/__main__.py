"""``python -m threeportal.cli``: the same as the ``threeportal`` command."""

import sys

from .main import main

sys.exit(main())
