"""Kongthun's two front ends: the PySide6 window (``desktop.app``) and the command line
(``desktop.cli``). Importing this package must not import Qt: the command line runs headless."""
