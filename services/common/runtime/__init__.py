"""What the domain knows of the process it runs in: the errors that mean Redis or the
database is away (infra), the reads that can lag behind the primary (replica), and the
request id a request's log lines and jobs carry (trace)."""
