"""The workspace runs pytest with --import-mode=importlib, which does not put test folders on
sys.path; the CRM import tests share small builders, so this folder is added explicitly (the
helper module has a name no other package uses)."""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.append(_HERE)
