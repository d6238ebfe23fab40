"""Staff accounts and authentication: password and WeChat logins, refresh-token rotation."""
