"""After a draw: 补抽 (supplements), 复评 by calls (recall, virtual_calls), withdrawal
(退选) and its report, copies into new activities (clones); after_draw holds them together."""
