"""The media-server layout (Jellyfin, Plex with a local-metadata agent, Kodi): each channel a
show, each upload year a season, each video an episode named by its date, with the sidecar
files these servers read without plugins: an episode `.nfo`, an episode thumbnail
(`-thumb.jpg`), and the show's `tvshow.nfo` and `poster.jpg`."""

from __future__ import annotations

import logging
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from yt_dlp.postprocessor.common import PostProcessor

log = logging.getLogger(__name__)

# Channel/Season 2026/Channel - s2026e0314 - Title [id].ext: the date is the episode number,
# so a channel's uploads sort as the series' episodes in every server.
TEMPLATE = ("%(channel,uploader,playlist_uploader,playlist_title|Unknown channel)s/"
            "Season %(upload_date>%Y|0000)s/"
            "%(channel,uploader,playlist_uploader,playlist_title|Unknown channel)s - "
            "s%(upload_date>%Y|0000)se%(upload_date>%m%d|0000)s - %(title)s [%(id)s].%(ext)s")


class MediaServerFiles(PostProcessor):
    """After the file is in place: the episode's .nfo and thumbnail, and the show's files
    the first time a channel's folder gets a video."""

    def run(self, info: dict[str, Any]):
        video = Path(info.get("filepath") or "")
        if not video.is_file():
            return [], info
        thumbnail = _written_thumbnail(info)
        if thumbnail is not None:
            target = video.with_name(f"{video.stem}-thumb{thumbnail.suffix}")
            thumbnail.replace(target)  # the name every server looks for beside an episode
            thumbnail = target
        _write_xml(video.with_suffix(".nfo"), _episode(info))
        show = video.parent.parent  # Channel/Season YYYY/episode
        if not (show / "tvshow.nfo").exists():
            _write_xml(show / "tvshow.nfo", _show(info))
        if thumbnail is not None and not (show / "poster.jpg").exists():
            shutil.copyfile(thumbnail, show / "poster.jpg")
        return [], info


def _written_thumbnail(info: dict[str, Any]) -> Path | None:
    for thumbnail in reversed(info.get("thumbnails") or []):
        path = thumbnail.get("filepath") if isinstance(thumbnail, dict) else None
        if path and Path(path).is_file():
            return Path(path)
    return None


def _date(upload_date: Any) -> str | None:
    text = str(upload_date or "")
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}" if len(text) == 8 and text.isdigit() else None


def _channel(info: dict[str, Any]) -> str:
    for field in ("channel", "uploader", "playlist_uploader", "playlist_title"):
        if info.get(field):
            return str(info[field])
    return "Unknown channel"


def _episode(info: dict[str, Any]) -> ET.Element:
    root = ET.Element("episodedetails")
    aired = _date(info.get("upload_date"))
    fields = [("title", info.get("title")), ("showtitle", _channel(info)),
              ("plot", info.get("description")), ("aired", aired), ("premiered", aired),
              ("season", aired[:4] if aired else None),
              ("episode", str(int(aired[5:7] + aired[8:10])) if aired else None),
              ("studio", _channel(info)),
              ("runtime", str(round(info["duration"] / 60)) if info.get("duration") else None)]
    for name, value in fields:
        if value:
            ET.SubElement(root, name).text = str(value)
    unique = ET.SubElement(root, "uniqueid", type=str(info.get("extractor_key") or "site").lower(),
                           default="true")
    unique.text = str(info.get("id") or "")
    return root


def _show(info: dict[str, Any]) -> ET.Element:
    root = ET.Element("tvshow")
    ET.SubElement(root, "title").text = _channel(info)
    ET.SubElement(root, "studio").text = _channel(info)
    if info.get("channel_id"):
        ET.SubElement(root, "uniqueid", type=str(info.get("extractor_key") or "site").lower(),
                      default="true").text = str(info["channel_id"])
    return root


def _write_xml(path: Path, root: ET.Element) -> None:
    ET.indent(root)
    partial = path.with_name(path.name + ".part")
    ET.ElementTree(root).write(partial, encoding="UTF-8", xml_declaration=True)
    partial.replace(path)  # whole or not at all
