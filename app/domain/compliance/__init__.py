"""Compliance findings over an organisation subtree (rules of the constitution and the branch
work regulations, checked against maintained member counts, leaders and registrations)."""
