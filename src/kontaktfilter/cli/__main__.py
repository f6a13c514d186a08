"""`python -m kontaktfilter.cli`: the same as the `kontaktfilter` command."""

from kontaktfilter.cli import main

main()
