"""Funding pools: an exact double-entry ledger of special funds, dues, mutual aid and relief."""
