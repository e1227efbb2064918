"""The honest-metrology programme: self-commitments, demonstration communities and
units, and the officers' queue of requests."""
