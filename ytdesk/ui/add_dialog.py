"""The add dialog: an address, what is at it (fetched while the user keeps typing), and how
and where to download it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton,
                               QToolButton, QVBoxLayout, QWidget)

from ytdesk.core import presets
from ytdesk.core.preset_options import PresetError, options_from_json, parse_rate
from ytdesk.core.settings import Settings
from ytdesk.core.urls import check_url

if TYPE_CHECKING:
    from ytdesk.jobs.preview_task import PreviewService

QUALITY_LABELS = {"best": "Best", "2160": "≤2160p", "1440": "≤1440p", "1080": "≤1080p",
                  "720": "≤720p", "480": "≤480p", "360": "≤360p", "audio": "Audio only"}
AS_PRESET = "As the preset"
DEBOUNCE_MS = 300  # a preview per keystroke would only be cancelled by the next one
THUMBNAIL_SIZE = QSize(160, 90)
THUMBNAIL_MAX_BYTES = 4 * 1024 * 1024  # a thumbnail larger than this is not a thumbnail
THUMBNAIL_TIMEOUT_MS = 15_000


@dataclass(frozen=True)
class AddChoice:
    url: str
    preset: str  # the preset's short name
    download_dir: Path
    overrides: dict[str, Any] = field(default_factory=dict)  # changed for this download

    def job_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"preset": self.preset, "download_dir": str(self.download_dir)}
        if self.overrides:
            payload["overrides"] = dict(self.overrides)
        return payload


def format_duration(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _count_text(count: int, exact: bool) -> str:
    if not exact:
        return f"more than {count:,} videos"
    return "1 video" if count == 1 else f"{count:,} videos"


def _plain_label(selectable: bool = False) -> QLabel:
    label = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _download_all_text(count: int, exact: bool) -> str:
    if not exact:
        return f"Download all videos (more than {count:,})"
    return "Download 1 video" if count == 1 else f"Download all {count:,} videos"


class AddDialog(QDialog):
    def __init__(self, settings: Settings, preview_service: PreviewService, url: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Add a download")
        self._service = preview_service
        self._requested: str | None = None  # the cleaned URL whose preview we wait for
        self._choice: AddChoice | None = None
        self._thumbnail_reply: QNetworkReply | None = None
        self._network = QNetworkAccessManager(self)
        self._network.setAutoDeleteReplies(True)
        self._network.finished.connect(self._thumbnail_arrived)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS,  # type: ignore[call-arg]  # Qt property/signal keywords
                                timeout=self._request_preview)

        self.address = QLineEdit(placeholderText="https://…")
        self.address.setAccessibleName("Address")
        self.thumbnail_label = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.thumbnail_label.setFixedSize(THUMBNAIL_SIZE)
        # Titles and messages come from the site: plain text, never HTML a QLabel would render.
        self.title_label = _plain_label(selectable=True)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.uploader_label = _plain_label()
        self.details_label = _plain_label()  # duration, or how many videos
        self.busy = QProgressBar(minimum=0, maximum=0, textVisible=False)  # "working", no %
        self.busy.setMaximumHeight(8)
        self.error_label = _plain_label(selectable=True)
        self.reason_label = _plain_label()  # why the address or folder is refused
        self.preset = QComboBox()
        for preset in presets.all_presets():
            self.preset.addItem(preset.title, preset.name)
        default = presets.usable(settings.get("default_preset"))
        self.preset.setCurrentIndex(max(0, self.preset.findData(default)))
        self.preset.setAccessibleName("Preset")
        self.preset.setToolTip("How to download: a named set of options (Settings chooses "
                               "the default; `ytdesk-cli presets` lists them)")
        # Changes for this download only, hidden until asked for.
        self.adjust = QToolButton()
        self.adjust.setText("&Adjust for this download")
        self.adjust.setCheckable(True)
        self.adjust.setAccessibleName("Adjust for this download")
        self.adjust.setToolTip("Change the preset's quality, subtitles or speed limit for this "
                               "download only (Alt+A)")
        self.quality = QComboBox()
        self.quality.addItem(AS_PRESET, None)
        for value, label in QUALITY_LABELS.items():
            self.quality.addItem(label, value)
        self.quality.setAccessibleName("Quality")
        self.format = QComboBox()  # the video's own formats, once its preview is in
        self.format.setAccessibleName("Format")
        self.format.setToolTip("One of this video's formats, exactly (a video-only format "
                               "gets the best audio added)")
        self.subtitles = QLineEdit(placeholderText="As the preset; or languages such as en, de")
        self.subtitles.setAccessibleName("Subtitle languages")
        self.limit_rate = QLineEdit(placeholderText="As the preset; or such as 500K or 2M")
        self.limit_rate.setAccessibleName("Speed limit")
        self.adjustments = QWidget()
        adjust_form = QFormLayout(self.adjustments)
        adjust_form.setContentsMargins(0, 0, 0, 0)
        adjust_form.addRow("Quality:", self.quality)
        adjust_form.addRow("Format:", self.format)
        adjust_form.addRow("Subtitles:", self.subtitles)
        adjust_form.addRow("Speed limit:", self.limit_rate)
        self.adjustments.hide()
        self.adjust.toggled.connect(self.adjustments.setVisible)
        self.folder = QLineEdit(str(settings.download_dir()))
        self.folder.setAccessibleName("Save in folder")
        choose = QPushButton("Choose…", clicked=self._choose_folder)  # type: ignore[call-overload]  # Qt property/signal keywords
        choose.setAccessibleName("Choose the folder")
        self.buttons = QDialogButtonBox(  # type: ignore[call-overload]  # Qt property/signal keywords
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
            accepted=self.accept, rejected=self.reject)
        self.accept_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)

        facts = QVBoxLayout()
        for widget in (self.title_label, self.uploader_label, self.details_label, self.busy,
                       self.error_label):
            facts.addWidget(widget)
        facts.addStretch()
        preview_row = QHBoxLayout()
        preview_row.addWidget(self.thumbnail_label, 0, Qt.AlignmentFlag.AlignTop)
        preview_row.addLayout(facts, 1)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        form = QFormLayout()
        form.addRow("Address:", self.address)
        form.addRow(preview_row)
        form.addRow("Preset:", self.preset)
        form.addRow(self.adjust)
        form.addRow(self.adjustments)
        form.addRow("Save in:", folder_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

        preview_service.ready.connect(self._on_ready)
        preview_service.failed.connect(self._on_failed)
        self.address.textChanged.connect(self._address_changed)
        self.folder.textChanged.connect(self._update_acceptable)
        self._clear_preview()
        self.address.setText(url)
        self._update_acceptable()
        if self._debounce.isActive():  # a URL handed in is looked at without waiting
            self._debounce.stop()
            self._request_preview()

    # -- what the caller gets ------------------------------------------------------------
    def choice(self) -> AddChoice | None:
        """What to download and how, once the dialog was accepted; None otherwise."""
        return self._choice

    def accept(self) -> None:
        url = check_url(self.address.text()).url
        folder = self._folder()
        if url is None or folder is None:
            return
        try:
            overrides = self._overrides()
        except PresetError as error:
            self.reason_label.setText(str(error))
            self.reason_label.show()
            self.adjust.setChecked(True)
            return
        self._choice = AddChoice(url, self.preset.currentData(), folder, overrides)
        super().accept()

    def _overrides(self) -> dict[str, Any]:
        """What the user changed for this download, checked like a preset's options."""
        changed: dict[str, Any] = {}
        if self.quality.currentData() is not None:
            changed["quality"] = self.quality.currentData()
        if self.format.currentData() is not None:
            changed["format_spec"] = self.format.currentData()
        if self.subtitles.text().strip():
            changed["subtitles"] = self.subtitles.text()
        if self.limit_rate.text().strip():
            changed["limit_rate"] = parse_rate(self.limit_rate.text())
        checked = options_from_json(changed).to_json()  # a refused value raises PresetError
        return {name: checked[name] for name in changed}

    def done(self, result: int) -> None:
        self._debounce.stop()
        if self._requested is not None:
            self._service.cancel()  # nobody will look at the answer
            self._requested = None
        self._abort_thumbnail()
        super().done(result)

    # -- address and preview -------------------------------------------------------------
    @Slot(str)
    def _address_changed(self, text: str) -> None:
        checked = check_url(text)
        self._update_acceptable()
        if checked.url is not None and checked.url == self._requested:
            return  # e.g. a space typed after the same address: its preview still holds
        self._debounce.stop()
        if self._requested is not None:
            self._service.cancel()
            self._requested = None
        self._clear_preview()
        if checked.ok:
            self._debounce.start()

    @Slot()
    def _request_preview(self) -> None:
        checked = check_url(self.address.text())
        if not checked.ok:
            return
        self._requested = checked.url
        self.busy.show()
        self._service.request(checked.url)

    @Slot(object)
    def _on_ready(self, preview) -> None:
        if preview.url != self._requested:
            return  # the service is shared: this answers someone else's question
        self.busy.hide()
        self.title_label.setText(preview.title)
        self.uploader_label.setText(preview.uploader or "")
        if preview.is_playlist:
            self.details_label.setText(_count_text(preview.entry_count, preview.count_is_exact))
            self.accept_button.setText(_download_all_text(preview.entry_count,
                                                          preview.count_is_exact))
        elif preview.duration is not None:
            self.details_label.setText(format_duration(preview.duration))
        self._fill_formats(preview.formats)
        if preview.thumbnail_url:
            self._fetch_thumbnail(preview.thumbnail_url)

    @Slot(str, str)
    def _on_failed(self, url: str, sentence: str) -> None:
        if url != self._requested:
            return
        self.busy.hide()
        self.error_label.setText(f"{sentence} You can still add the address.")
        self.error_label.show()

    def _fill_formats(self, formats: Iterable[Any]) -> None:
        """The preview's FormatChoice list, after "As the preset"."""
        self.format.clear()
        self.format.addItem(AS_PRESET, None)
        for choice in formats:
            self.format.addItem(choice.label, choice.spec)
        self.format.setEnabled(bool(formats))  # a playlist, or no preview yet: the preset's

    def _clear_preview(self) -> None:
        self._fill_formats(())
        self._abort_thumbnail()
        self.busy.hide()
        self.error_label.hide()
        self.error_label.clear()
        self.title_label.clear()
        self.uploader_label.clear()
        self.details_label.clear()
        self.thumbnail_label.clear()
        self.accept_button.setText("Download")

    # -- thumbnail: Qt's async network access, so the GUI thread never waits -------------
    # Replies are connected to this dialog's methods, never to closures holding the reply:
    # a lambda that keeps a reply's wrapper alive is freed while Qt deletes that reply
    # (seen as a crash in ~QObject). The manager deletes each reply after `finished`.
    def _fetch_thumbnail(self, url: str) -> None:
        self._abort_thumbnail()
        if not check_url(url).ok:
            return
        request = QNetworkRequest(QUrl(url))
        request.setTransferTimeout(THUMBNAIL_TIMEOUT_MS)
        request.setAttribute(QNetworkRequest.Attribute.RedirectPolicyAttribute,
                             QNetworkRequest.RedirectPolicy.UserVerifiedRedirectPolicy)
        reply = self._network.get(request)
        reply.redirected.connect(self._check_redirect)
        reply.downloadProgress.connect(self._check_size)
        self._thumbnail_reply = reply

    @Slot(QUrl)
    def _check_redirect(self, target: QUrl) -> None:
        reply: QNetworkReply = self.sender()  # type: ignore[assignment]  # the reply it is wired to
        # Only to another web address: never file: or any other local scheme.
        if target.scheme() in ("http", "https"):
            reply.redirectAllowed.emit()
        else:
            reply.abort()

    @Slot("qint64", "qint64")
    def _check_size(self, received: int, _total: int) -> None:
        if received > THUMBNAIL_MAX_BYTES:
            self.sender().abort()  # type: ignore[attr-defined]  # the QNetworkReply it is wired to

    @Slot(QNetworkReply)
    def _thumbnail_arrived(self, reply: QNetworkReply) -> None:
        if reply is not self._thumbnail_reply:
            return  # aborted for a newer address
        self._thumbnail_reply = None
        if reply.error() != QNetworkReply.NetworkError.NoError:
            return  # a missing picture is not worth a message; the facts are shown
        image = QImage.fromData(reply.readAll())
        if image.isNull():
            return
        self.thumbnail_label.setPixmap(QPixmap.fromImage(image.scaled(
            THUMBNAIL_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation)))

    def _abort_thumbnail(self) -> None:
        reply, self._thumbnail_reply = self._thumbnail_reply, None
        if reply is not None:
            reply.abort()

    # -- folder and quality -------------------------------------------------------------
    @Slot()
    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Save videos in", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def _folder(self) -> Path | None:
        text = self.folder.text().strip()
        if not text:
            return None
        folder = Path(text).expanduser()
        return folder if folder.is_absolute() else None

    @Slot()
    def _update_acceptable(self) -> None:
        checked = check_url(self.address.text())
        if not checked.ok:
            reason = checked.reason
        elif self._folder() is None:
            reason = "Choose the folder to save in (a full path, such as one from Choose…)."
        else:
            reason = ""
        self.reason_label.setText(reason)
        self.reason_label.setVisible(bool(reason))
        self.accept_button.setEnabled(not reason)
