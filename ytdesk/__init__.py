"""ytdesk: keep local copies of online video."""

__version__ = "0.1.0"
