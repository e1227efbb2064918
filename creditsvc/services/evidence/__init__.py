"""Evidence in: inspections, complaints, fair-scale readings, and corrections that void them."""
