#!/usr/bin/env bash
# Build the Linux app folder (dist/kongthun/) and a tarball with the desktop entry.
set -euo pipefail
cd "$(dirname "$0")/.."
make venv
.venv/bin/pip install -q "pyinstaller>=6"
.venv/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build installer/kongthun.spec
cp installer/linux/kongthun.desktop dist/kongthun/
cp installer/linux/install.sh dist/kongthun/
tar -C dist -czf dist/kongthun-linux.tar.gz kongthun
echo "built dist/kongthun-linux.tar.gz ($(du -h dist/kongthun-linux.tar.gz | cut -f1))"
