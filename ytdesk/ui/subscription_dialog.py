"""The subscription dialog: follow a new channel, playlist or feed, or change how one is
followed (name, group, folder, preset, how often it is synced, the back catalogue, filters,
retention). Every value is checked with the same functions the library uses, a refusal is
shown in the dialog and saves nothing, and the write happens off the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from ytdesk.core import channels, presets
from ytdesk.core.channels import ChannelError, Followed
from ytdesk.core.urls import check_url
from ytdesk.jobs.reader import Reader

from .subscription_filters import FiltersBox

if TYPE_CHECKING:
    from ytdesk.jobs.manager import JobManager

# (label, seconds in one): the interval is shown in the largest unit that divides it.
UNITS = (("days", 86_400), ("hours", 3_600), ("minutes", 60))
BACKFILL_CHOICES = (("Only what is new from now on", "none"), ("The newest", "newest"),
                    ("The whole back catalogue", "all"))
DEFAULT_BACKFILL_COUNT = 10
DEFAULT_KEEP = 10
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Choices:
    """What the dialog offers, read off the GUI thread: (title, name) of every preset, the
    default preset's title, and the groups subscriptions are in now."""

    presets: list[tuple[str, str]]
    default_title: str
    groups: list[str]


def load_choices(default_preset: str | None) -> Choices:
    every = presets.all_presets()
    default = presets.usable(default_preset)
    title = next((p.title for p in every if p.name == default), default)
    groups = sorted({f.group for f in channels.all_followed() if f.group}, key=str.lower)
    return Choices([(p.title, p.name) for p in every], title, groups)


def edit_subscription(parent: QWidget, manager: JobManager, followed: Followed | None = None,
                      url: str = "") -> QDialog:
    """Open the dialog (window-modal, not waiting for it) to follow `url` or, with
    `followed`, to change that subscription; it saves and closes itself."""
    dialog = SubscriptionDialog(manager, followed, url, parent)
    dialog.finished.connect(dialog.deleteLater)  # closed is gone: none pile up on the window
    dialog.open()
    return dialog


def named(widget: QWidget, name: str, tip: str = "") -> None:
    """What a screen reader says for `widget`, and its tooltip."""
    widget.setAccessibleName(name)
    if tip:
        widget.setToolTip(tip)


def buddy(text: str, field: QWidget) -> QLabel:
    """A form label whose mnemonic (Alt+letter) goes to `field`, for a row that is a layout."""
    label = QLabel(text)
    label.setBuddy(field)
    return label


def row(*widgets: QWidget, stretch: bool = True) -> QHBoxLayout:
    """Widgets side by side at their own width (a number is not a paragraph)."""
    line = QHBoxLayout()
    for widget in widgets:
        line.addWidget(widget, 0 if stretch else int(isinstance(widget, QLineEdit)))
    if stretch:
        line.addStretch(1)
    return line


def align_labels(forms: list[QFormLayout]) -> None:
    """One label column for every group of the dialog, and fields that grow to the edge."""
    for form in forms:  # a row without a label gets an empty one, to take the column
        for index in range(form.rowCount()):
            field = form.itemAt(index, QFormLayout.ItemRole.FieldRole)
            widget = field.widget() if field is not None else None
            hidden = widget is not None and widget.isHidden()  # a sentence's row: no gap
            if form.itemAt(index, QFormLayout.ItemRole.LabelRole) is None and \
                    field is not None and not hidden:
                form.setWidget(index, QFormLayout.ItemRole.LabelRole, QLabel())
    labels = [form.itemAt(index, QFormLayout.ItemRole.LabelRole) for form in forms
              for index in range(form.rowCount())]
    widgets = [widget for item in labels if item is not None
               for widget in [item.widget()] if widget is not None]
    widest = max(label.sizeHint().width() for label in widgets)
    for form in forms:
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    for label in widgets:
        label.setMinimumWidth(widest)


class SubscriptionDialog(QDialog):
    def __init__(self, manager: JobManager, followed: Followed | None, url: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._manager = manager
        self._followed = followed
        self._saving = False
        self.setWindowTitle(f"Edit “{followed.title}”" if followed else "Subscribe")
        self.setObjectName("subscriptionDialog")

        # -- what and where ----------------------------------------------------------------
        self.url = QLineEdit(url.strip(), placeholderText="https://…")
        named(self.url, "Address to follow",
              "A channel (or one of its tabs), a playlist or a podcast feed")
        self.name = QLineEdit(placeholderText="The address, until you name it")
        named(self.name, "Name")
        self.group = QComboBox(editable=True)
        self.group.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.group.lineEdit().setPlaceholderText("No group")  # type: ignore[union-attr]  # an editable combo has one
        named(self.group, "Group",
              "Channels of a group are listed together, such as “Music”")
        self.folder = QLineEdit(placeholderText=str(manager.settings.download_dir()))
        named(self.folder, "Download folder",
              "Where this subscription's videos go; empty: the download folder of the "
              "settings")
        self.browse = QPushButton("Br&owse…", clicked=self._choose_folder)  # type: ignore[call-overload]  # Qt property/signal keywords
        named(self.browse, "Choose the download folder",
              "Choose the folder for this subscription's videos (Alt+O)")
        self.preset = QComboBox()
        named(self.preset, "Preset", "How its videos are downloaded")
        self.every = QSpinBox(minimum=1, maximum=999)
        named(self.every, "Sync every", "How often ytdesk looks for new videos "
              "(every 15 minutes at the most)")
        self.unit = QComboBox()
        for label, seconds in UNITS:
            self.unit.addItem(label, seconds)
        named(self.unit, "Sync interval unit")
        self.enabled = QCheckBox("Look for new videos on its own")
        named(self.enabled, "Look for new videos on its own",
              "Off: it is synced only when you ask (Sync now)")

        # -- the first sync ----------------------------------------------------------------
        self.backfill = QComboBox()
        for label, value in BACKFILL_CHOICES:
            self.backfill.addItem(label, value)
        named(self.backfill, "Back catalogue on the first sync",
              "How many of the videos already there the first sync downloads")
        self.backfill_count = QSpinBox(minimum=1, maximum=100_000, suffix=" videos")
        named(self.backfill_count, "How many of the newest videos")

        self.filters = FiltersBox()
        self.filters.problemShown.connect(self._fit)

        # -- retention ---------------------------------------------------------------------
        self.keep = QCheckBox("&Keep only the newest")
        named(self.keep, "Keep only the newest downloads",
              "Older downloads of this subscription are deleted at its next sync (Alt+K)")
        self.keep_count = QSpinBox(minimum=1, maximum=100_000, suffix=" downloads")
        named(self.keep_count, "How many downloads to keep")
        self.delete_watched = QCheckBox("&Delete watched videos after")
        named(self.delete_watched, "Delete watched videos",
              "A video you watched is deleted this many days later (Alt+D)")
        self.delete_days = QSpinBox(minimum=1, maximum=3_650, suffix=" days")
        named(self.delete_days, "Days before a watched video is deleted")

        self.refusal = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText,  # type: ignore[call-overload]  # Qt property/signal keywords
                              objectName="refusal")
        self.refusal.setAccessibleName("Why it cannot be saved")
        self.refusal.setStyleSheet("#refusal { color: #c62828; }")
        self.refusal.hide()
        self.buttons = QDialogButtonBox(  # type: ignore[call-overload]  # Qt property/signal keywords
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
            accepted=self.accept, rejected=self.reject)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        if followed is None:
            self.save_button.setText("&Subscribe")
        self._lay_out()
        self._show(followed)

        self.backfill.currentIndexChanged.connect(self._backfill_changed)
        self.keep.toggled.connect(self.keep_count.setEnabled)
        self.delete_watched.toggled.connect(self.delete_days.setEnabled)
        self._backfill_changed()
        self.keep_count.setEnabled(self.keep.isChecked())
        self.delete_days.setEnabled(self.delete_watched.isChecked())
        self._reader = Reader(self)
        self._reader.submit(load_choices, manager.settings.get("default_preset"),
                            done=self._fill_choices)

    def _lay_out(self) -> None:
        about = QGroupBox("Subscription")
        form = QFormLayout(about)
        if self._followed is None:
            form.addRow("&Address:", self.url)
        form.addRow("&Name:", self.name)
        form.addRow("&Group:", self.group)
        form.addRow(buddy("Download &folder:", self.folder),
                    row(self.folder, self.browse, stretch=False))
        form.addRow("&Preset:", self.preset)
        form.addRow(buddy("Sync &every:", self.every), row(self.every, self.unit))
        form.addRow("", self.enabled)
        first = QGroupBox("First sync")
        first_form = QFormLayout(first)
        first_form.addRow(buddy("&Back catalogue:", self.backfill),
                          row(self.backfill, self.backfill_count))
        retention = QGroupBox("Retention")
        retention_form = QFormLayout(retention)
        retention_form.addRow("", row(self.keep, self.keep_count))
        retention_form.addRow("", row(self.delete_watched, self.delete_days))
        never = QLabel("Favourites are never deleted, and a deleted video is not downloaded "
                       "again.", wordWrap=True)
        never.setStyleSheet("color: palette(placeholder-text);")
        retention_form.addRow("", never)
        forms = [form, first_form, self.filters.form, retention_form]
        align_labels(forms)
        layout = QVBoxLayout(self)
        for part in (about, first, self.filters, retention):
            layout.addWidget(part)
        layout.addWidget(self.refusal)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(600)

    # -- showing a subscription -----------------------------------------------------------------
    def _show(self, followed: Followed | None) -> None:
        if followed is None:
            self.enabled.setChecked(True)
            self._show_interval(channels.DEFAULT_INTERVAL_S)
            self._show_backfill(channels.DEFAULT_BACKFILL)
            self.keep_count.setValue(DEFAULT_KEEP)
            self.delete_days.setValue(DEFAULT_DAYS)
            self.preset.addItem("Default preset", None)
            return
        self.name.setText(followed.title if followed.title != followed.url else "")
        self.group.setEditText(followed.group)
        self.folder.setText(followed.folder or "")
        self.preset.addItem("Default preset", None)
        if followed.preset:  # its title arrives with the other presets
            self.preset.addItem(followed.preset, followed.preset)
            self.preset.setCurrentIndex(1)
        self._show_interval(followed.interval_s)
        self.enabled.setChecked(followed.enabled)
        self._show_backfill(followed.backfill)
        self.filters.show_filters(followed.filters)
        self.keep.setChecked(followed.keep_newest is not None)
        self.keep_count.setValue(followed.keep_newest or DEFAULT_KEEP)
        self.delete_watched.setChecked(followed.delete_watched_after_days is not None)
        self.delete_days.setValue(followed.delete_watched_after_days or DEFAULT_DAYS)

    def _show_interval(self, seconds: float) -> None:
        whole = max(1, round(seconds))
        for index, (_, unit) in enumerate(UNITS):
            if whole % unit == 0 or unit == UNITS[-1][1]:
                self.unit.setCurrentIndex(index)
                self.every.setValue(max(1, round(whole / unit)))
                break
        # Shown rounded to whole minutes: saved as it was unless the user changes it.
        self._interval_shown = (self.every.value(), self.unit.currentIndex(), float(seconds))

    def _show_backfill(self, backfill: str) -> None:
        if backfill.isdigit():
            self.backfill.setCurrentIndex(self.backfill.findData("newest"))
            self.backfill_count.setValue(int(backfill))
        else:
            self.backfill.setCurrentIndex(self.backfill.findData(backfill))
            self.backfill_count.setValue(DEFAULT_BACKFILL_COUNT)

    @Slot(object)
    def _fill_choices(self, choices: Choices) -> None:
        chosen = self.preset.currentData()
        self.preset.clear()
        self.preset.addItem(f"Default preset ({choices.default_title})", None)
        for title, name in choices.presets:
            self.preset.addItem(title, name)
        if chosen is not None and self.preset.findData(chosen) < 0:
            # A preset deleted since: kept (the sync falls back to the default), and said.
            self.preset.addItem(f"{chosen} (no longer exists)", chosen)
        self.preset.setCurrentIndex(max(0, self.preset.findData(chosen)))
        text = self.group.currentText()
        self.group.clear()
        self.group.addItems(choices.groups)
        self.group.setEditText(text)

    @Slot()
    def _backfill_changed(self) -> None:
        newest = self.backfill.currentData() == "newest"
        self.backfill_count.setEnabled(newest)
        self.backfill_count.setVisible(newest)

    @Slot()
    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, "Save this subscription's videos in",
            self.folder.text() or self.folder.placeholderText())
        if chosen:
            self.folder.setText(chosen)

    # -- saving ------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The settings shown, checked as the library checks them (ChannelError if not)."""
        folder = channels.check_folder(self.folder.text())
        every, unit_index, seconds = self._interval_shown
        if (self.every.value(), self.unit.currentIndex()) != (every, unit_index):
            seconds = float(self.every.value() * self.unit.currentData())
        backfill = self.backfill.currentData()
        if backfill == "newest":
            backfill = str(self.backfill_count.value())
        values = dict(
            title=self.name.text().strip(), group=self.group.currentText().strip(),
            folder=folder,
            preset=self.preset.currentData(), interval_s=channels.check_interval(seconds),
            enabled=self.enabled.isChecked(), backfill=channels.check_backfill(backfill),
            filters=channels.check_filters(self.filters.values()),
            keep_newest=self.keep_count.value() if self.keep.isChecked() else None,
            delete_watched_after_days=(self.delete_days.value()
                                       if self.delete_watched.isChecked() else None))
        for name in ("keep_newest", "delete_watched_after_days"):
            channels.check_retention(name, values[name])
        return values

    def accept(self) -> None:
        if self._saving:
            return
        try:
            values = self.values()
            if self._followed is None:
                checked = check_url(self.url.text())
                if not checked.ok:
                    raise ChannelError(checked.reason)
                title = values.pop("title")
                write = partial(channels.subscribe, checked.url, title, **values)
            else:
                write = partial(channels.update, self._followed.id, **values)
        except ChannelError as refusal:
            self._refuse(refusal)
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.refusal.hide()
        self._manager.write(write, done=self._saved, failed=self._refuse)

    def reject(self) -> None:
        if not self._saving:  # a write on its way lands, and then the dialog closes
            super().reject()

    @Slot(object)
    def _saved(self, followed: Followed) -> None:
        self._saving = False
        manager = self._manager
        manager.subscriptionsChanged.emit()
        if self._followed is None:  # its first sync, at once: no one waits hours for it
            manager.write(channels.queue_syncs, [followed.id], done=manager.jobAdded.emit)
        super().accept()

    @Slot(object)
    def _refuse(self, problem: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(problem, ChannelError):
            sentence = str(problem)
        else:
            sentence = f"The subscription could not be saved: {problem}"
        self.refusal.setText(sentence)
        self.refusal.show()
        self._fit()

    @Slot()
    def _fit(self) -> None:
        """Grow to show a sentence that wraps: a top-level layout does not count the lines
        of a wrapping label in its minimum height, so the window would clip it."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)
