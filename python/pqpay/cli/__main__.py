"""``python -m pqpay.cli``: the ``pqpay`` command."""

import sys

from pqpay.cli import main

sys.exit(main())
