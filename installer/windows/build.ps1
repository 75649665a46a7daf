# Build dist\kongthun\ with PyInstaller, then KongthunSetup.exe with Inno Setup (iscc on PATH).
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
py -3.11 -m venv .venv
.venv\Scripts\pip install -q -e ".[test]" "pyinstaller>=6"
.venv\Scripts\pyinstaller --noconfirm --clean --distpath dist --workpath build installer\kongthun.spec
iscc installer\windows\kongthun.iss
