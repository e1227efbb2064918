"""The city's figures by month (统计): kept by a nightly refresh, read by /statistics and /map."""
