"""The options of one preset, as a form: format, subtitles, chapters and SponsorBlock,
embedding, file names (with a live example), network. It shows options and reads back what
the user set; checking them is preset_options' job, and saving is the dialog's."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from ytdesk.core.preset_options import (AUDIO_FORMATS, CODECS, CONTAINERS, LAYOUTS,
                                        SPONSORBLOCK_CATEGORIES, SUBTITLE_MODES, PresetOptions)

from .add_dialog import QUALITY_LABELS

CODEC_LABELS = {"any": "Any", "h264": "H.264 (plays everywhere)", "av1": "AV1", "vp9": "VP9"}
CONTAINER_LABELS = {"keep": "As downloaded (MP4, else MKV)", "mp4": "MP4", "mkv": "MKV",
                    "webm": "WebM"}
SUBTITLE_MODE_LABELS = {"embed": "Inside the video", "beside": "Files beside the video"}
LAYOUT_LABELS = {"plain": "Folders by channel (the template above)",
                 "media-server": "Media server: Channel/Season YYYY, with .nfo files"}
SPONSOR_LABELS = {"": "Keep", "mark": "Mark as chapter", "remove": "Cut out"}
# SponsorBlock's own names for its categories (as yt-dlp shows them).
CATEGORY_NAMES = {"sponsor": "Sponsor", "intro": "Intro animation", "outro": "Credits",
                  "selfpromo": "Self promotion", "preview": "Preview or recap",
                  "filler": "Filler tangent", "interaction": "Interaction reminder",
                  "music_offtopic": "Non-music part", "hook": "Hook or greeting",
                  "poi_highlight": "Highlight", "chapter": "Chapter"}


def _combo(name: str, choices: tuple[str, ...], labels: dict[str, str]) -> QComboBox:
    combo = QComboBox()
    for choice in choices:
        combo.addItem(labels.get(choice, choice), choice)
    combo.setAccessibleName(name)
    return combo


class PresetEditor(QWidget):
    templateEdited = Signal(str)  # the file-name template as typed (for the live example)
    cookiesFileChosen = Signal(str)  # a cookies.txt to keep a copy of (the dialog does)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.quality = _combo("Quality", tuple(QUALITY_LABELS), QUALITY_LABELS)
        self.container = _combo("Container", CONTAINERS, CONTAINER_LABELS)
        self.codec = _combo("Video codec", CODECS, CODEC_LABELS)
        self.audio_format = _combo("Audio format", AUDIO_FORMATS, {})
        self.audio_kbps = QSpinBox(minimum=0, maximum=512, suffix=" kbit/s")
        self.audio_kbps.setSpecialValueText("Best the source has")
        self.audio_kbps.setAccessibleName("Audio bitrate")
        self.subtitles = QLineEdit(placeholderText="None; or languages such as en, de, en.*, all")
        self.subtitles.setAccessibleName("Subtitle languages")
        self.auto_subtitles = QCheckBox("Include automatic captions")
        self.subtitles_mode = _combo("Keep subtitles", SUBTITLE_MODES, SUBTITLE_MODE_LABELS)
        self.subtitles_srt = QCheckBox("Convert subtitles to SRT")
        self.embed_chapters = QCheckBox("Chapters inside the file")
        self.split_chapters = QCheckBox("One file per chapter")
        self.sponsorblock = {category: _combo(f"SponsorBlock: {CATEGORY_NAMES[category]}",
                                              tuple(SPONSOR_LABELS), SPONSOR_LABELS)
                             for category in SPONSORBLOCK_CATEGORIES}
        self.embed_thumbnail = QCheckBox("Thumbnail as cover art")
        self.embed_metadata = QCheckBox("Title, channel, date and description as tags")
        self.write_thumbnail = QCheckBox("Thumbnail beside the file")
        self.write_description = QCheckBox("Description beside the file")
        self.write_info_json = QCheckBox("Info JSON beside the file")
        self.output_template = QLineEdit()
        self.output_template.setAccessibleName("File name template")
        self.output_template.setToolTip("yt-dlp's output template, inside the download folder, "
                                        "such as %(channel)s/%(title)s [%(id)s].%(ext)s")
        self.output_template.textEdited.connect(self.templateEdited)
        self.layout_choice = _combo("Layout", LAYOUTS, LAYOUT_LABELS)
        self.layout_choice.setToolTip("Media server: folders, names, episode .nfo files and "
                                      "thumbnails that Jellyfin, Plex and Kodi read as a series "
                                      "per channel")
        self.example = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.example.setAccessibleName("Example file name")
        self.limit_rate = QLineEdit(placeholderText="No limit; or such as 500K or 2M")
        self.limit_rate.setAccessibleName("Speed limit")
        self.polite_pause_s = QDoubleSpinBox(minimum=0, maximum=3600, suffix=" s", decimals=1)
        self.polite_pause_s.setAccessibleName("Pause between downloads")
        self.proxy = QLineEdit(placeholderText="None; or socks5://HOST:PORT")
        self.proxy.setAccessibleName("Proxy")
        # Only browsers with a cookie store here, once the dialog has looked (set_browsers).
        self.cookies_from_browser = QComboBox()
        self.cookies_from_browser.setAccessibleName("Cookies from browser")
        self.cookies_from_browser.setToolTip("Sign in to sites with a browser's cookies (read "
                                             "when a download starts, never stored)")
        self.cookies_file = QLabel("None", textFormat=Qt.TextFormat.PlainText)
        self.cookies_file.setAccessibleName("Cookies file")
        self._cookies_name = ""
        choose_cookies = QPushButton("C&hoose…")
        choose_cookies.setAccessibleName("Choose a cookies file")
        choose_cookies.setToolTip("A cookies.txt exported from a browser (Alt+H); ytdesk keeps "
                                  "a copy only you can read")
        choose_cookies.clicked.connect(self._choose_cookies)
        forget_cookies = QPushButton("No cookies file")
        forget_cookies.setAccessibleName("No cookies file")
        forget_cookies.clicked.connect(self._forget_cookies)
        self.cookies_row = QWidget()
        cookies_line = QHBoxLayout(self.cookies_row)
        cookies_line.setContentsMargins(0, 0, 0, 0)
        cookies_line.addWidget(self.cookies_file, 1)
        cookies_line.addWidget(choose_cookies)
        cookies_line.addWidget(forget_cookies)
        self.browser_profile = QComboBox()
        self.browser_profile.setAccessibleName("Browser profile")
        self._browsers: dict[str, tuple[str, ...]] = {}
        self.cookies_from_browser.currentIndexChanged.connect(self._browser_chosen)
        self.set_browsers([])
        for box in (self.auto_subtitles, self.subtitles_srt, self.embed_chapters,
                    self.split_chapters, self.embed_thumbnail, self.embed_metadata,
                    self.write_thumbnail, self.write_description, self.write_info_json):
            box.setAccessibleName(box.text())

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        for title, rows in (
                ("Format", [("Quality:", self.quality), ("Container:", self.container),
                            ("Video codec:", self.codec), ("Audio format:", self.audio_format),
                            ("Audio bitrate:", self.audio_kbps)]),
                ("Subtitles", [("Languages:", self.subtitles), ("", self.auto_subtitles),
                               ("Keep them:", self.subtitles_mode), ("", self.subtitles_srt)]),
                ("Chapters and SponsorBlock", [("", self.embed_chapters),
                                               ("", self.split_chapters),
                                               *((f"{CATEGORY_NAMES[c]}:", w) for c, w in
                                                 self.sponsorblock.items())]),
                ("Embedding and files", [("", self.embed_thumbnail), ("", self.embed_metadata),
                                         ("", self.write_thumbnail),
                                         ("", self.write_description),
                                         ("", self.write_info_json)]),
                ("File names", [("Template:", self.output_template),
                                ("Example:", self.example), ("Layout:", self.layout_choice)]),
                ("Network", [("Speed limit:", self.limit_rate),
                             ("Pause between downloads:", self.polite_pause_s),
                             ("Proxy:", self.proxy),
                             ("Cookies from browser:", self.cookies_from_browser),
                             ("Profile:", self.browser_profile),
                             ("Cookies file:", self.cookies_row)])):
            group = QGroupBox(title)
            form = QFormLayout(group)
            for label, widget in rows:
                if label:
                    form.addRow(label, widget)
                else:
                    form.addRow(widget)
            column.addWidget(group)

    def show_options(self, options: PresetOptions) -> None:
        def choose(combo: QComboBox, value: str) -> None:
            combo.setCurrentIndex(max(0, combo.findData(value)))

        choose(self.quality, options.quality)
        choose(self.container, options.container)
        choose(self.codec, options.codec)
        choose(self.audio_format, options.audio_format)
        self.audio_kbps.setValue(options.audio_kbps)
        self.subtitles.setText(", ".join(options.subtitles))
        self.auto_subtitles.setChecked(options.auto_subtitles)
        choose(self.subtitles_mode, options.subtitles_mode)
        self.subtitles_srt.setChecked(options.subtitles_srt)
        self.embed_chapters.setChecked(options.embed_chapters)
        self.split_chapters.setChecked(options.split_chapters)
        actions = dict(options.sponsorblock)
        for category, combo in self.sponsorblock.items():
            choose(combo, actions.get(category, ""))
        for name in ("embed_thumbnail", "embed_metadata", "write_thumbnail",
                     "write_description", "write_info_json"):
            getattr(self, name).setChecked(getattr(options, name))
        self.output_template.setText(options.output_template)
        choose(self.layout_choice, options.layout)
        rate = options.limit_rate
        self.limit_rate.setText("" if not rate else f"{rate // 1024}K" if rate % 1024 == 0
                                else str(rate))
        self.polite_pause_s.setValue(options.polite_pause_s)
        self.proxy.setText(options.proxy)
        self._show_browser(options.cookies_from_browser)
        self.set_cookies_file(options.cookies_file)
        self.templateEdited.emit(options.output_template)

    def values(self) -> dict[str, Any]:
        """What the form shows, as a preset's JSON options (checked by the caller)."""
        return {
            "quality": self.quality.currentData(), "container": self.container.currentData(),
            "codec": self.codec.currentData(), "audio_format": self.audio_format.currentData(),
            "audio_kbps": self.audio_kbps.value(), "subtitles": self.subtitles.text(),
            "auto_subtitles": self.auto_subtitles.isChecked(),
            "subtitles_mode": self.subtitles_mode.currentData(),
            "subtitles_srt": self.subtitles_srt.isChecked(),
            "embed_chapters": self.embed_chapters.isChecked(),
            "split_chapters": self.split_chapters.isChecked(),
            "sponsorblock": {category: combo.currentData()
                             for category, combo in self.sponsorblock.items()
                             if combo.currentData()},
            "embed_thumbnail": self.embed_thumbnail.isChecked(),
            "embed_metadata": self.embed_metadata.isChecked(),
            "write_thumbnail": self.write_thumbnail.isChecked(),
            "write_description": self.write_description.isChecked(),
            "write_info_json": self.write_info_json.isChecked(),
            "output_template": self.output_template.text(),
            "layout": self.layout_choice.currentData(),
            "limit_rate": self.limit_rate.text().strip() or 0,
            "polite_pause_s": self.polite_pause_s.value(),
            "proxy": self.proxy.text(), "cookies_from_browser": self._browser_value(),
            "cookies_file": self._cookies_name,
        }

    # -- a cookies file ---------------------------------------------------------------------------
    def set_cookies_file(self, name: str) -> None:
        """The kept copy the preset uses (its name, never the path it came from)."""
        self._cookies_name = name
        self.cookies_file.setText(f"A kept cookies file ({name[:6]}…)" if name else "None")

    def _choose_cookies(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Cookies file", "",
                                                "Cookies (*.txt);;All files (*)")
        if chosen:
            self.cookiesFileChosen.emit(chosen)

    def _forget_cookies(self) -> None:
        self.set_cookies_file("")

    # -- cookies from a browser ----------------------------------------------------------------
    def set_browsers(self, found: list[Any]) -> None:
        """The browsers with a cookie store here (ytdl.browsers.Browser), looked up off the
        GUI thread; what the preset holds stays chosen."""
        keep = self._browser_value()
        self._browsers = {browser.name: browser.profiles for browser in found}
        combo = self.cookies_from_browser
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("None", "")
        for name in self._browsers:
            combo.addItem(name.capitalize(), name)
        combo.blockSignals(False)
        self._show_browser(keep)

    def _show_browser(self, value: str) -> None:
        name, _, profile = value.partition(":")
        combo = self.cookies_from_browser
        if name and combo.findData(name) < 0:  # set on another computer: kept, and said
            combo.addItem(f"{name.capitalize()} (not found on this computer)", name)
        combo.setCurrentIndex(max(0, combo.findData(name)))
        self._browser_chosen()
        if profile and self.browser_profile.findData(profile) < 0:
            self.browser_profile.addItem(f"{profile} (not found)", profile)
        self.browser_profile.setCurrentIndex(max(0, self.browser_profile.findData(profile)))

    def _browser_chosen(self, _index: int = 0) -> None:
        self.browser_profile.clear()
        self.browser_profile.addItem("The browser's default", "")
        for profile in self._browsers.get(self.cookies_from_browser.currentData() or "", ()):
            self.browser_profile.addItem(profile, profile)
        self.browser_profile.setEnabled(self.browser_profile.count() > 1)

    def _browser_value(self) -> str:
        name = self.cookies_from_browser.currentData() if hasattr(self, "_browsers") else ""
        if not name:
            return ""
        profile = self.browser_profile.currentData()
        return f"{name}:{profile}" if profile else name

