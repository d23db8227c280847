"""What a draw leaves and what the agency sees of it: results, the record's views and the
dashboard, the operation log, how each expert was reached, who served (family),
performance records."""
