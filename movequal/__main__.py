"""``python -m movequal``: the command line."""

from movequal.cli import main

main()
