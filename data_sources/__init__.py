"""Unit systems the IOC collects from: one module per kind of source (see registry.py)."""
