import sys

from bqw_desktop.cli import main

sys.exit(main())
