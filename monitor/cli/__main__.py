"""`python -m monitor.cli`, as the `monitor` script."""

import sys

from monitor.cli import main

sys.exit(main())
