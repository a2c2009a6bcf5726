"""Entry of the frozen `ytdesk` (windowed): the same main() as the `ytdesk` script."""

import sys

from ytdesk.app import main

sys.exit(main())
