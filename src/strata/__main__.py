"""``python -m strata``: the same command line as the ``strata`` script (``strata --help``)."""

import sys

from strata.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
