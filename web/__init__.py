"""Pages for a browser (printable forms, the exam, certificates), reached by signed links."""
