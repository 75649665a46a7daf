#!/usr/bin/env bash
# Install the unpacked app folder to /opt/kongthun and add it to the desktop menu.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sudo rm -rf /opt/kongthun
sudo cp -r "$here" /opt/kongthun
sudo ln -sf /opt/kongthun/kongthun /usr/local/bin/kongthun
sudo cp "$here/kongthun.desktop" /usr/share/applications/kongthun.desktop
echo "Kongthun is installed: find it in the Office menu, or run 'kongthun'."
