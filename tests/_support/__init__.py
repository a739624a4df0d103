"""Test helpers: the one vector loader, variant tables, SoftHSM2 tokens, the ledger crash writer."""
