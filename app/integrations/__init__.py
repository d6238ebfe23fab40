"""Clients of the systems we depend on (WeChat)."""
