"""The fake WeChat Pay: an APIv3 gateway with its own key (gateway), served as an app (app),
with its transfers to experts (transfer) and their authorisations (authorisation), its
bills (bill, fundflow) and its e-invoices (fapiao), each behaving as the documented party
does, errors included."""
