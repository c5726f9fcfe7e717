"""dufu (督复): track and publish the rectification of inspection findings, kept as data."""

__version__ = "0.1.0"
