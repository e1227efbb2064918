"""Scores: policies, the evidence arrays, rescoring, snapshots and a merchant's standing."""
