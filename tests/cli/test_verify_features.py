"""The command line runs every capability's checks, though it imports no screens."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_verify_registers_the_checks_of_every_capability():
    code = ("import models.core.verify as v\n"
            "from models.core.capability import load\n"
            "before = len(v.EXTRA_CHECKS)\n"
            "load()\n"
            "import models.core.ledger as l\n"
            "print(before, len(v.EXTRA_CHECKS), sorted(l.REVERSAL_HANDLERS))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split(maxsplit=2)
    assert out[0] == "0"
    assert int(out[1]) >= 3  # savings, loans and welfare each add theirs
    assert "loan_repayment" in out[2] or "repayment" in out[2]
