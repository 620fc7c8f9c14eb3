"""Turnaround: a keyboard-driven terminal inbox for a brand's public mentions."""

__version__ = "0.1.0"
