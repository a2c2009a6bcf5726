"""Offline fake video site + media fixtures for ytdesk tests (see README.md)."""

from .media import make_big_file, make_media
from .server import FakeSite

__all__ = ['FakeSite', 'make_big_file', 'make_media']
