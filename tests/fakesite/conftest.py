"""Fixtures for the fake site's own self-tests.

The plugin directory must be on sys.path before the first YoutubeDL() in the
process, because yt-dlp loads plugins exactly once; doing it at import time
of this conftest guarantees that.
"""

import sys
from pathlib import Path

import pytest

PLUGINS_DIR = str(Path(__file__).resolve().parent.parent / 'plugins')
if PLUGINS_DIR not in sys.path:
    sys.path.insert(0, PLUGINS_DIR)

from .media import make_media  # noqa: E402
from .server import FakeSite  # noqa: E402


@pytest.fixture(scope='session')
def media(tmp_path_factory):
    return make_media(tmp_path_factory.mktemp('fakesite-media'))


@pytest.fixture
def site(media):
    with FakeSite(media) as s:
        yield s
    # Server-side exceptions are collected, not printed: fail loudly here.
    assert s.errors == [], s.errors
