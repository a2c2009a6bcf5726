"""A file's audio or subtitle tracks as a menu of checkable actions with readable names.

Public API:

- `tracks_from(metadata_list)`: QMediaPlayer's `audioTracks()` / `subtitleTracks()` (lists of
  QMediaMetaData) as ytdesk.core.tracks `Track`s (language code, its own name, title).
- `TrackMenu(title, with_off)`: `set_tracks(tracks, active)` fills it ("English",
  "Deutsch — Director's commentary"; "Off" first when `with_off`, for subtitles),
  `trackChosen(index)` when the person picks one (-1: off), `active()`, `choice()` (a
  `TrackChoice` to remember per video) and `restore(choice)` (the index to give QMediaPlayer
  for a remembered choice, by language and title, checked in the menu; None if no match).
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtMultimedia import QMediaMetaData
from PySide6.QtWidgets import QMenu

from ytdesk.core.tracks import OFF_INDEX, Track, TrackChoice, choice_of, index_of, track_names

# QLocale names English after its default territory ("American English"); a track only
# says "English".
_OWN_NAMES = {QLocale.Language.English: "English"}


def language_name(language: QLocale.Language) -> str:
    if language in (QLocale.Language.AnyLanguage, QLocale.Language.C):
        return ""
    return _OWN_NAMES.get(language) or QLocale(language).nativeLanguageName() or \
        QLocale.languageToString(language)


def track_from(metadata: QMediaMetaData) -> Track:
    language = metadata.value(QMediaMetaData.Key.Language)
    title = metadata.value(QMediaMetaData.Key.Title)
    if not isinstance(language, QLocale.Language):
        language = QLocale.Language.AnyLanguage
    code = "" if language in (QLocale.Language.AnyLanguage, QLocale.Language.C) else \
        QLocale.languageToCode(language)
    return Track(code, language_name(language), str(title or ""))


def tracks_from(metadata_list: list[QMediaMetaData]) -> list[Track]:
    return [track_from(metadata) for metadata in metadata_list]


class TrackMenu(QMenu):
    trackChosen = Signal(int)

    def __init__(self, title: str, with_off: bool, parent=None) -> None:
        super().__init__(title, parent)
        self.setObjectName(title.replace("&", "").lower() + "Tracks")
        self._with_off = with_off
        self._tracks: list[Track] = []
        self._group = QActionGroup(self)
        self._group.setExclusive(True)
        self._group.triggered.connect(self._chosen)
        self.set_tracks([], OFF_INDEX)

    def set_tracks(self, tracks: list[Track], active: int) -> None:
        for action in self._group.actions():
            self._group.removeAction(action)
            self.removeAction(action)
            action.deleteLater()
        self._tracks = list(tracks)
        entries = ([(OFF_INDEX, "Off")] if self._with_off else []) + \
            list(enumerate(track_names(self._tracks)))
        for index, name in entries:
            action = QAction(name, self)
            action.setCheckable(True)
            action.setData(index)
            action.setChecked(index == active)
            self._group.addAction(action)
            self.addAction(action)
        # A menu with nothing to pick is shown greyed out rather than empty.
        self.setEnabled(bool(self._tracks))

    def names(self) -> list[str]:
        return [action.text() for action in self._group.actions()]

    def active(self) -> int:
        checked = self._group.checkedAction()
        return int(checked.data()) if checked else OFF_INDEX

    def choice(self) -> TrackChoice:
        return choice_of(self._tracks, self.active())

    def restore(self, choice: TrackChoice | None) -> int | None:
        index = index_of(self._tracks, choice)
        if index is None or (index == OFF_INDEX and not self._with_off):
            return None
        self._check(index)
        return index

    def _check(self, index: int) -> None:
        for action in self._group.actions():
            if int(action.data()) == index:
                action.setChecked(True)

    def _chosen(self, action: QAction) -> None:
        self.trackChosen.emit(int(action.data()))
