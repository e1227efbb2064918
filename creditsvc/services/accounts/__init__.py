"""Accounts: users, passwords, bearer tokens and the notifications people receive."""
