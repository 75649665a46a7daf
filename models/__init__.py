"""Kongthun's domain and persistence layer.

Imports no Qt, openpyxl or reportlab (tests/models/test_layering.py checks it). Services take an
explicit SQLAlchemy ``Session`` and the acting ``User``, check permissions, validate, post
balanced journal entries and never commit: the caller owns the transaction.
"""
