"""Fengqiao: the information platform of a township comprehensive governance center (综治中心)."""

__version__ = "0.1.0"
