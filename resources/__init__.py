"""Data files: fonts, translations, icons, the style sheet. No code but locating them."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent
FONTS = ROOT / "fonts"
TRANSLATIONS = ROOT / "translations"


def font_path(name: str) -> Path:
    return FONTS / name
