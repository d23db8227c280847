"""The models of money: payment orders, refunds and e-invoices (payments), experts' fees
sent and their funding (payouts), and the bills' reconciliation (reconciliation)."""
