"""`python -m dufu`."""

from .cli import run

run()
