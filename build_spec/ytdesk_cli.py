"""Entry of the frozen `ytdesk-cli` (console): the same main() as the `ytdesk-cli` script."""

import sys

from ytdesk.cli import main

sys.exit(main())
