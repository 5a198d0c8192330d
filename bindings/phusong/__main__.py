"""`python -m phusong`: the same command line as `phusong`."""

from .cli import main

main()
