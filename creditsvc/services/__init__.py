"""Domain verbs. A service validates, mutates and flushes; the request or job commits."""
