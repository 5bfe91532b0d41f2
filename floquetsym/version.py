"""The package version, in its own module so that every layer can read it without importing
the package ``__init__`` (which would run back up the layers)."""
__version__ = "0.1.0"
