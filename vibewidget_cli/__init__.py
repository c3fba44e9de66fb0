"""vibew: scaffold anywidget widgets you own."""

__version__ = "0.1.0"
