"""The registry: streets, communities, markets, stalls, devices, merchants and instruments."""
