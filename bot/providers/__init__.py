"""The providers the service calls out to, each with the callbacks it pushes back: WeChat Pay
(payments, the bill, e-invoices, transfers), SMS, voice calls, number privacy, real-name
checks, the dishonest-debtor list and mail."""
