"""Guards against a Qt binding that miscounts references to None/True/False.

PySide6 6.12.0 dropped a reference to None on every signal emission and to True on every
bool signal; after some thousand emissions the interpreter aborted in the middle of an
unrelated test. The pin in pyproject.toml keeps that release out; this test fails if a
release with the same bug comes back."""
from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QCheckBox, QWidget


class _Emitter(QObject):
    flag = Signal(bool)


def test_signals_and_calls_keep_the_reference_counts_of_constants(qapp):
    before = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    box = QCheckBox()
    box.toggled.connect(lambda checked: None)
    emitter = _Emitter()
    emitter.flag.connect(lambda value: None)
    widget = QWidget()
    for i in range(200):
        box.setChecked(i % 2 == 0)
        emitter.flag.emit(i % 2 == 0)
        widget.setEnabled(True)
    after = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    # Allow a little drift from the interpreter's own bookkeeping, not hundreds.
    assert all(abs(a - b) < 50 for a, b in zip(after, before)), (before, after)
