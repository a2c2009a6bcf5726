"""Job kind name -> the function that runs it (one module each)."""

from __future__ import annotations

from . import download, metadata

KINDS = {
    "download": download.run,
    "metadata": metadata.run,
}
