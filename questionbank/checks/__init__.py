"""Checks: every rule a standard, an item, a blueprint or the whole bank must follow.

``runner`` reads files and runs the rules of ``standards``, ``items``, ``bank`` and ``text`` in
one pass, collecting every problem (never stopping at the first).
"""
