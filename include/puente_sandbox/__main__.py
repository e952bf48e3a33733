"""``python -m puente_sandbox serve ...``"""

import sys

from puente_sandbox.cli import main

sys.exit(main())
