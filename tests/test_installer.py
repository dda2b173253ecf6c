"""The installer files stay in step with the application: one version, one icon, every data file."""

from __future__ import annotations

import re
from pathlib import Path

from app.version import __version__

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"


def test_inno_setup_script_matches_the_spec() -> None:
    iss = (INSTALLER / "windows" / "complaintdesk.iss").read_text(encoding="utf-8")
    assert re.search(r'#define Version "([^"]+)"', iss).group(1) == __version__
    assert "SetupIconFile=complaintdesk.ico" in iss and "UninstallDisplayIcon={app}\\ComplaintDesk.exe" in iss
    assert 'Source: "..\\..\\dist\\ComplaintDesk-{#Version}\\*"' in iss
    spec = (INSTALLER / "complaintdesk.spec").read_text(encoding="utf-8")
    assert 'ICON = ROOT / "installer" / "windows" / "complaintdesk.ico"' in spec and "icon=str(ICON)" in spec
    assert 'name=f"ComplaintDesk-{VERSION}"' in spec and 'name="ComplaintDesk"' in spec
    assert (INSTALLER / "windows" / "complaintdesk.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"


def test_icons_and_linux_menu_entry() -> None:
    png = ROOT / "resources" / "icons" / "complaintdesk.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    desktop = (INSTALLER / "linux" / "complaintdesk.desktop").read_text(encoding="utf-8")
    assert "Icon=complaintdesk" in desktop and "StartupWMClass=complaintdesk" in desktop
    from ui.application import DESKTOP_ID

    assert DESKTOP_ID == "complaintdesk"
    build = (INSTALLER / "build.sh").read_text(encoding="utf-8")
    assert "complaintdesk.desktop" in build and "install-menu-entry.sh" in build
