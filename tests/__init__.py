"""pqpay tests: one folder per package or module of python/pqpay; helpers in ``_support``."""
