"""naersund: opfølgning på Det Nære Sundhedsvæsen."""

from __future__ import annotations

__version__ = "0.1.0"
