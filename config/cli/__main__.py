"""`python -m config.cli`: the `expertbot` command, as the tests and a checkout without the
installed script run it."""

from config.cli import main

main()
