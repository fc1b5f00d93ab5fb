"""Where the files shipped with the program (catalogue, notice, fonts…) are found.

In a source checkout they live in the top-level `resources/` folder. In a frozen bundle
(PyInstaller) the bundle must carry that folder as `resources/` beside the unpacked code,
which PyInstaller exposes as `sys._MEIPASS`.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The folder holding the shipped resources, frozen bundle or source checkout."""
    if getattr(sys, "frozen", False):
        bundle = getattr(sys, "_MEIPASS", None)
        # A frozen build without _MEIPASS (other freezers) keeps data beside the executable.
        base = Path(bundle) if bundle else Path(sys.executable).resolve().parent
        return base / "resources"
    return Path(__file__).resolve().parents[1] / "resources"


def resource_path(*parts: str) -> Path:
    """The path of a shipped resource, e.g. `resource_path("catalogue", "goals.json")`.

    The path is not checked for existence; callers report a missing file themselves.
    """
    return resources_dir().joinpath(*parts)
