"""Subscription lists from other apps, read by their content: OPML, NewPipe, FreeTube and
Google Takeout (one fixture each, written from the formats' public descriptions); each
address once, only web addresses; OPML written back reads as the same set."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ytdesk.core.subscription_files import Subscription, SubscriptionFileError, read, write_opml

FIXTURES = Path(__file__).parent / "fixtures" / "subscriptions"
KITCHEN = "https://www.youtube.com/channel/UCkitchen0000000000000000"
GARDEN = "https://www.youtube.com/channel/UCgarden000000000000000"


def load(name: str) -> tuple[str, list[Subscription]]:
    return read((FIXTURES / name).read_bytes(), name)


def test_opml_with_folders_feeds_and_a_youtube_channel():
    kind, found = load("podcasts.opml")
    assert kind == "OPML"
    assert found == [
        Subscription("https://example.org/daily", "The Daily Fake", "News"),
        Subscription("https://feeds.example.org/world.xml", "World Report", "News"),
        Subscription(KITCHEN, "Kitchen Notes", ""),
    ]  # the duplicate and the file: address are left out


def test_newpipe_export():
    kind, found = load("newpipe_subscriptions.json")
    assert kind == "NewPipe"
    assert [(s.url, s.title) for s in found] == [
        (KITCHEN, "Kitchen Notes"), (GARDEN, "Garden Days"),
        ("https://soundcloud.com/some-artist", "Some Artist")]


def test_freetube_profiles_become_groups():
    kind, found = load("freetube-profiles.db")
    assert kind == "FreeTube"
    assert found == [Subscription(KITCHEN, "Kitchen Notes", "Cooking"),
                     Subscription(GARDEN, "Garden Days", "")]


def test_google_takeout_csv():
    kind, found = load("subscriptions.csv")
    assert kind == "Google Takeout"
    # Takeout writes http:// addresses; kept as every other list spells them (https://), so
    # the same channel imported from NewPipe too is one subscription, not two.
    assert [(s.url, s.title) for s in found] == [
        ("https://www.youtube.com/channel/UCkitchen0000000000000000", "Kitchen Notes"),
        ("https://www.youtube.com/channel/UCgarden000000000000000", "Garden Days, weekly")]


def test_the_format_is_found_by_content_not_by_name(tmp_path):
    renamed = tmp_path / "backup.txt"
    shutil.copy(FIXTURES / "newpipe_subscriptions.json", renamed)
    assert read(renamed.read_bytes())[0] == "NewPipe"


def test_opml_written_back_reads_as_the_same_set():
    for name in ("podcasts.opml", "newpipe_subscriptions.json", "freetube-profiles.db"):
        _, found = load(name)
        again = read(write_opml(found))[1]
        assert {(s.url, s.group) for s in again} == {(s.url, s.group) for s in found}, name
        assert {s.title for s in again} == {s.title for s in found}, name


@pytest.mark.parametrize(("data", "sentence"), [
    (b"\xff\xfe\x00bad", "is not text"),
    (b"just some notes\n", "is not a subscription list ytdesk can read"),
    (b"<html><body/></html>", "not OPML"),
    (b"<opml><body><outline", "is not valid OPML"),
    (b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa">]><opml><body/></opml>',
     "declares XML entities"),
    (b'{"subscriptions": 3}', "not NewPipe's subscriptions export"),
    (b'{"subscriptions": [', "is not valid JSON"),
])
def test_a_file_that_cannot_be_read_says_why(data, sentence):
    with pytest.raises(SubscriptionFileError, match=sentence):
        read(data, "the file")
