"""The verification registry (强制检定, issue 20): instruments, their verification records,
the notices of verifications falling due, and the fair-scale alerts."""
