"""Widgets of the inbox; each talks to the others through messages."""
