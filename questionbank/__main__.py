import sys

from questionbank.cli import main

sys.exit(main())
