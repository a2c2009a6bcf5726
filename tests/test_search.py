"""Library search: every word must match as a prefix, in a video's title, description,
channel name or tags; the index follows every change of a row."""

from __future__ import annotations

from ytdesk.core import library
from ytdesk.core.models import Video


def videos(*infos: dict) -> None:
    library.upsert_videos([{"extractor_key": "Fakesite", **info} for info in infos])


def found(text: str) -> list[str]:
    return sorted(v.video_id for v in library.search_videos(text))


def test_a_word_anywhere_and_a_prefix_find_a_video(home):
    videos({"id": "a", "title": "Bread at home", "description": "Sourdough without a mixer",
            "channel": "Kitchen Notes", "tags": ["baking", "fermentation"]},
           {"id": "b", "title": "Tomatoes", "description": "Growing them on a balcony",
            "channel": "Garden Days", "tags": ["gardening"]})
    assert found("sourdough") == ["a"]  # a word of the description
    assert found("sour") == ["a"]  # a prefix
    assert found("garden") == ["b"]  # the channel, and the tag "gardening"
    assert found("ferment") == ["a"]  # a tag
    assert found("bread mixer") == ["a"] and found("bread balcony") == []  # every word
    assert found("baking") == ["a"]


def test_the_index_follows_a_changed_row(home):
    videos({"id": "c", "title": "Old title", "tags": ["first"]})
    Video.update(title="Brand new", tags="second").where(Video.video_id == "c").execute()
    assert found("old") == [] and found("first") == []
    assert found("brand") == ["c"] and found("second") == ["c"]
