import sys

from ytdesk.cli import main

sys.exit(main())
