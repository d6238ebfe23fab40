"""Roster sync for district systems: machine clients, bulk upserts and the change feed."""
