"""Upkeep of the .po files (``python -m i18n.tools COMMAND``); the runtime never imports this.

move MODULE...               move the MESSAGES of dict modules ({key: {"en": ..., "es": ...,
                             "eu": ...}}, a (singular, plural) tuple for a plural) into the .pot
                             and .po files; then delete the module and its line in PENDING
update                       after editing English texts (msgstr of en/LC_MESSAGES/messages.po):
                             rewrite the msgids of the .pot and every .po; a translation whose
                             English changed is marked fuzzy, with the old English (#| msgid)
translations LANG FILE.json  fill in LANG's msgstr from {key: "text" or ["one", "other"]}
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from i18n import LANGUAGES
from i18n.po import (
    SOURCE_LANGUAGE,
    Entry,
    Text,
    make_message,
    new_catalog,
    placeholders,
    po_path,
    read_catalog,
    template_path,
    write_catalog,
)


def _keys(catalog: Catalog) -> dict[str, Message]:
    return {message.context: message for message in catalog if message.id and message.context is not None}


def _open(lang: str | None) -> Catalog:
    path = template_path() if lang is None else po_path(lang)
    return read_catalog(path, lang) if path.exists() else new_catalog(lang)


def _add(catalog: Catalog, message: Message) -> None:
    catalog.add(
        message.id,
        message.string,
        flags=message.flags,
        auto_comments=message.auto_comments,
        previous_id=message.previous_id,
        context=message.context,
    )


def _text(value: object) -> Text:
    if isinstance(value, list | tuple):
        singular, plural = value
        return (str(singular), str(plural))
    return str(value)


def section_comments(source: str) -> dict[str, tuple[str, ...]]:
    """The comment lines right above each key of the ``MESSAGES`` dict in a module's ``source``."""
    lines = source.splitlines()
    found: dict[str, tuple[str, ...]] = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Dict):
            continue
        for key in node.keys:
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and "." in key.value:
                above: list[str] = []
                row = key.lineno - 2
                while row >= 0 and lines[row].strip().startswith("#"):
                    above.insert(0, lines[row].strip().lstrip("#").strip())
                    row -= 1
                if above:
                    found[key.value] = tuple(above)
    return found


def move(messages: dict[str, Entry], comments: dict[str, tuple[str, ...]] | None = None) -> int:
    """Add ``messages`` to the .pot and every .po file; a key already there is an error."""
    comments = comments or {}
    template = _open(None)
    catalogs = {lang: _open(lang) for lang in LANGUAGES}
    taken = set(_keys(template))
    if clash := sorted(taken & set(messages)):
        raise SystemExit(f"Already in the .po files: {', '.join(clash)}")
    for key, entry in messages.items():
        english = entry[SOURCE_LANGUAGE]
        note = comments.get(key, ())
        _add(template, make_message(key, english, None, note))
        for lang, catalog in catalogs.items():
            _add(catalog, make_message(key, english, entry.get(lang) or None, note))
    write_catalog(template_path(), template)
    for lang, catalog in catalogs.items():
        write_catalog(po_path(lang), catalog)
    return len(messages)


def replace(messages: dict[str, Entry]) -> None:
    """Rewrite the entries of keys already in the .po files (all languages, in place), e.g. to make
    a message plural."""
    template = _open(None)
    if missing := sorted(set(messages) - set(_keys(template))):
        raise SystemExit(f"Not in the .po files: {', '.join(missing)}")
    for lang in (None, *LANGUAGES):
        old = _open(lang)
        catalog = new_catalog(lang)
        catalog.creation_date = old.creation_date
        for key, message in _keys(old).items():
            if key in messages:
                entry = messages[key]
                text = None if lang is None else entry.get(lang) or None
                message = make_message(key, entry[SOURCE_LANGUAGE], text, tuple(message.auto_comments))
            _add(catalog, message)
        write_catalog(template_path() if lang is None else po_path(lang), catalog)


def move_modules(names: Iterable[str]) -> None:
    """``move`` the ``MESSAGES`` of the modules ``names`` (e.g. ``i18n.reports``)."""
    for name in names:
        module = importlib.import_module(name)
        count = move(module.MESSAGES, section_comments(inspect.getsource(module)))
        print(f"{name}: {count} messages moved; now delete {module.__file__} and its line in PENDING")


def update() -> None:
    """Make the English .po's msgstr the msgid everywhere; mark translations of changed English fuzzy."""
    english = _keys(_open(SOURCE_LANGUAGE))
    template = new_catalog(None)
    for key, message in english.items():
        text = _text(message.string) if message.string else _text(message.id)
        _add(template, make_message(key, text, None, tuple(message.auto_comments)))
    write_catalog(template_path(), template)
    for lang in LANGUAGES:
        old = _keys(_open(lang))
        catalog = new_catalog(lang)
        for key, source in _keys(template).items():
            text = _text(source.id)
            was = old.get(key)
            if lang == SOURCE_LANGUAGE:
                _add(catalog, make_message(key, text, text, tuple(source.auto_comments)))
                continue
            translation = _text(was.string) if was is not None and was.string else None
            if translation is not None and isinstance(translation, tuple) != isinstance(text, tuple):
                translation = None  # became plural (or stopped being): translate again
            message = make_message(key, text, translation, tuple(source.auto_comments))
            if was is not None and translation is not None and _text(was.id) != text:
                message.flags.add("fuzzy")
                message.previous_id = list(was.id) if isinstance(was.id, tuple | list) else [was.id]
            elif was is not None and was.fuzzy:
                message.flags.add("fuzzy")
            _add(catalog, message)
        write_catalog(po_path(lang), catalog)


def translations(lang: str, path: Path) -> None:
    """Fill in ``lang``'s msgstr from the JSON file ``path``; report placeholders that disagree."""
    given: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    catalog = _open(lang)
    by_key = _keys(catalog)
    if unknown := sorted(set(given) - set(by_key)):
        raise SystemExit(f"Not in the .po files: {', '.join(unknown)}")
    for key, value in given.items():
        message = by_key[key]
        text = _text(value)
        english = _text(message.id)
        if isinstance(text, tuple) != isinstance(english, tuple):
            print(f"{key}: plural and not plural disagree; left out", file=sys.stderr)
            continue
        forms = zip(text, english, strict=True) if isinstance(text, tuple) else [(text, english)]
        if any(placeholders(str(ours)) != placeholders(str(theirs)) for ours, theirs in forms):
            print(f"{key}: the placeholders differ from the English ones", file=sys.stderr)
        message.string = text
        message.flags.discard("fuzzy")
    write_catalog(po_path(lang), catalog)
    print(f"{lang}: {len(given)} translations filled in")


def main(argv: list[str]) -> None:
    """The command line: see the module's docstring."""
    match argv:
        case ["move", *names] if names:
            move_modules(names)
        case ["update"]:
            update()
        case ["translations", lang, path] if lang in LANGUAGES:
            translations(lang, Path(path))
        case _:
            raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
