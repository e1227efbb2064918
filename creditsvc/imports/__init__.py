"""Spreadsheet imports: every row checked first; either all rows go in or none do."""
