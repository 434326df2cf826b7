"""``python -m newsdesk``."""

from newsdesk.cli import main

main()
