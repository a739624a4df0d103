"""``python -m pqpay``: the ``pqpay`` command (:func:`pqpay.cli.main`)."""

import sys

from pqpay.cli import main

sys.exit(main())
