"""questionbank: competency-standard question bank for Taiwan's MICE professions."""

__version__ = "0.1.0"
