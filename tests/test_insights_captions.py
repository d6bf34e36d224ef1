"""Captions on hand-made frames: hashtag and mention counts, caption length per month, and word counts
without Spanish, Basque and English stop words; and the charts as specs."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from insights.captions import (
    STOP_WORDS,
    STOP_WORDS_EN,
    STOP_WORDS_ES,
    STOP_WORDS_EU,
    caption_length_chart,
    caption_length_over_time,
    top_tags,
    top_tags_chart,
    top_words,
    top_words_chart,
    words,
)
from insights.data import posts_from_rows
from tests.vega import spec, values


def tagged() -> pd.DataFrame:
    return posts_from_rows(
        [
            {"taken_at": "2024-01-01T10:00:00Z", "hashtags": ["verano", "playa", "verano"], "mentions": ["ana"],
             "likes": 10, "comments": 0, "followers": 100},
            {"taken_at": "2024-01-02T10:00:00Z", "hashtags": ["Verano"], "mentions": ["ana", "iker"],
             "likes": 30, "comments": 10, "followers": 100},
            {"taken_at": "2024-01-03T10:00:00Z", "hashtags": ["playa"], "likes": 2, "comments": 0, "followers": None},
            {"taken_at": "2024-01-04T10:00:00Z", "hashtags": ["arte"], "likes": 4, "comments": 0, "followers": 100},
        ]
    )  # fmt: skip


def test_top_hashtags_count_posts_once_and_ignore_case() -> None:
    result = top_tags(tagged(), "hashtags")
    assert list(result.columns) == ["tag", "posts", "mean_engagement", "mean_likes"]
    assert [tuple(r) for r in result.itertuples(index=False)] == [
        ("playa", 2, pytest.approx(0.1), 6.0),  # the post without followers has no engagement
        ("verano", 2, pytest.approx(0.25), 20.0),
        ("arte", 1, pytest.approx(0.04), 4.0),
    ]
    assert list(top_tags(tagged(), "hashtags", n=1)["tag"]) == ["playa"]  # ties: alphabetical


def test_top_mentions_and_frames_without_tags() -> None:
    result = top_tags(tagged(), "mentions")
    assert list(zip(result["tag"], result["posts"], strict=True)) == [("ana", 2), ("iker", 1)]
    assert top_tags(posts_from_rows([{"taken_at": "2024-01-01T00:00:00Z"}]), "mentions").empty
    assert top_tags(posts_from_rows([]), "hashtags").empty


def test_caption_length_per_month_in_the_zone() -> None:
    frame = posts_from_rows(
        [
            {"taken_at": "2024-01-05T10:00:00Z", "caption": "abcd"},
            {"taken_at": "2024-01-20T10:00:00Z", "caption": "abcdefghij"},
            {"taken_at": "2024-01-31T23:30:00Z", "caption": "día"},  # February in Madrid
            {"taken_at": "2024-01-10T10:00:00Z", "caption": ""},
            {"taken_at": "2024-03-01T10:00:00Z", "caption": "x" * 7, "username": "b"},
        ]
    )
    result = caption_length_over_time(frame, "Europe/Madrid")
    assert list(result.columns) == ["username", "month", "median_length", "posts"]
    assert [tuple(r) for r in result.itertuples(index=False)] == [
        ("a", pd.Timestamp("2024-01-01"), 4.0, 3),  # 0, 4 and 10 characters
        ("a", pd.Timestamp("2024-02-01"), 3.0, 1),  # "día" is three characters
        ("b", pd.Timestamp("2024-03-01"), 7.0, 1),
    ]
    assert caption_length_over_time(posts_from_rows([]), "UTC").empty


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("El día de la playa con mis amigos", ["día", "playa", "amigos"]),
        ("Gaur mendira joan gara eta oso ondo pasatu dugu", ["gaur", "mendira", "joan", "ondo", "pasatu"]),
        ("This is the best day of the year", ["best", "day", "year"]),
        ("Día DIA dia", ["día", "dia", "dia"]),  # lowercase, accents kept
        ("Die\u0301 ni\u00f1o", ["dié", "niño"]),  # a combining accent is the same letter
        ("#verano con @ana_lopez en https://example.com/x?y=1 y www.ejemplo.es", []),
        ("2024 fue el año 1 de 365 covid19 x_y", ["año"]),  # numbers and words glued to digits go
        ("sol mar y yo", ["sol", "mar"]),  # under three letters go
        ("¡Qué bonito! ¿Verdad? (sí)", ["bonito", "verdad"]),
        ("l'été de Iñaki", ["été", "iñaki"]),
    ],
)
def test_words(caption: str, expected: list[str]) -> None:
    assert words(caption) == expected


def test_stop_word_lists_are_substantial_and_lowercase() -> None:
    assert len(STOP_WORDS_ES) > 250 and len(STOP_WORDS_EN) > 150 and len(STOP_WORDS_EU) > 150
    basque = "eta da ez bat ere baina du dira izan hau hori hura zen dut dugu gara bere beste oso gure zure baita edo bezala dela"
    assert set(basque.split()) <= STOP_WORDS_EU
    assert {"que", "para", "está", "también", "porque"} <= STOP_WORDS_ES
    assert {"the", "and", "with", "would"} <= STOP_WORDS_EN
    assert all(word == word.lower() and " " not in word for word in STOP_WORDS)


def test_top_words_count_every_use_and_break_ties_alphabetically() -> None:
    frame = posts_from_rows(
        [
            {"taken_at": "2024-01-01T00:00:00Z", "caption": "Playa, playa y más playa con el sol #playa"},
            {"taken_at": "2024-01-02T00:00:00Z", "caption": "El sol de la mañana en la playa"},
            {"taken_at": "2024-01-03T00:00:00Z", "caption": "Mañana más"},
        ]
    )
    result = top_words(frame)
    assert list(result.columns) == ["word", "count"]
    assert [tuple(r) for r in result.itertuples(index=False)] == [("playa", 4), ("mañana", 2), ("sol", 2)]
    assert list(top_words(frame, n=2)["word"]) == ["playa", "mañana"]
    assert top_words(posts_from_rows([])).empty
    assert top_words(posts_from_rows([{"taken_at": "2024-01-01T00:00:00Z", "caption": "y de la"}])).empty


# Charts -----------------------------------------------------------------------------------------


def test_tag_and_word_charts_are_ranked_bars() -> None:
    hashtags = spec(top_tags_chart(top_tags(tagged(), "hashtags"), "hashtags", "es"))
    assert hashtags["mark"]["type"] == "bar"
    assert (hashtags["encoding"]["y"]["field"], hashtags["encoding"]["x"]["field"]) == ("label", "posts")
    assert hashtags["encoding"]["y"]["sort"] == ["#playa", "#verano", "#arte"]
    assert hashtags["title"]["text"] == "Hashtags más usados"
    mentions = spec(top_tags_chart(top_tags(tagged(), "mentions"), "mentions", "en"))
    assert [v["label"] for v in values(mentions)] == ["@ana", "@iker"]
    frame = posts_from_rows([{"taken_at": "2024-01-01T00:00:00Z", "caption": "<b>hola</b> hola <i>"}])
    word_chart = spec(top_words_chart(top_words(frame), "en"))
    assert (
        word_chart["encoding"]["y"]["field"] == "word"
        and word_chart["encoding"]["x"]["type"] == "quantitative"
    )
    assert values(word_chart) == [{"word": "hola", "count": 2}]  # words only: markup is not carried
    assert "<" not in json.dumps(word_chart)


def test_caption_length_chart() -> None:
    frame = posts_from_rows([{"taken_at": "2024-01-05T10:00:00Z", "caption": "abc"}])
    result = spec(caption_length_chart(caption_length_over_time(frame, "UTC"), "en"))
    assert result["mark"]["type"] == "line"
    assert (result["encoding"]["x"]["field"], result["encoding"]["x"]["type"]) == ("month", "temporal")
    assert result["encoding"]["y"]["field"] == "median_length"
    assert values(result)[0]["label"] == "2024-01"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_caption_charts_of_nothing_still_render(lang: str) -> None:
    empty = posts_from_rows([])
    spec(top_tags_chart(top_tags(empty, "hashtags"), "hashtags", lang))
    spec(caption_length_chart(caption_length_over_time(empty, "UTC"), lang))
    spec(top_words_chart(top_words(empty), lang))
