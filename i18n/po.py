"""The catalog's gettext files: i18n/locale/messages.pot and i18n/locale/LANG/LC_MESSAGES/messages.po.

Each message is one entry: ``msgctxt`` is its key in the code, ``msgid`` (and ``msgid_plural``) the
English text, ``msgstr`` the translation (``msgstr[0]``, ``msgstr[1]`` for a plural). Placeholders
are ``{name}``, as ``str.format`` reads them ("python-brace-format" for gettext's tools).
"""

from __future__ import annotations

import string
from datetime import UTC, datetime
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

Text = str | tuple[str, str]
Entry = dict[str, Text]

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
PROJECT = "instagram-archive"
SOURCE_LANGUAGE = "en"
BRACE_FORMAT = "python-brace-format"
VERSION = "0.1.0"
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"

HEADER = """\
# Messages of instagram-archive (the command line and the dashboard).
# msgctxt is the key the code asks for; msgid is the English text. Translate msgstr, keep the
# {placeholders} as they are, and give a plural message both forms (msgstr[0] for one, msgstr[1]
# for more). Check with: .venv/bin/python -m pytest tests/test_i18n.py
#"""


def template_path() -> Path:
    """The template every translation starts from: keys and English texts, no translations."""
    return LOCALE_DIR / f"{DOMAIN}.pot"


def po_path(lang: str) -> Path:
    """The translation file of ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def placeholders(text: str) -> set[str]:
    """The ``{names}`` that ``text`` fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def new_catalog(lang: str | None) -> Catalog:
    """An empty catalog for ``lang`` (None: the template), with the plural rule of the language."""
    now = datetime.now(UTC)
    catalog = Catalog(
        locale=lang,
        domain=DOMAIN,
        header_comment=HEADER,
        project=PROJECT,
        version=VERSION,
        creation_date=now,
        revision_date=now,
        fuzzy=False,
    )
    # Babel's placeholders ("FULL NAME <EMAIL@ADDRESS>") would read as if someone should fill them in.
    catalog.msgid_bugs_address = catalog.last_translator = ""
    catalog.language_team = Locale.parse(lang).english_name or lang if lang else ""
    # Two forms in all our languages, as gettext has always had them; CLDR's Spanish "many" (a
    # million) takes the plural too, as t() does.
    catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS)]
    return catalog


def read_catalog(path: Path, lang: str | None = None) -> Catalog:
    """The catalog in the .po or .pot file at ``path``."""
    with path.open("rb") as file:
        return read_po(file, locale=lang, domain=DOMAIN)


def write_catalog(path: Path, catalog: Catalog) -> None:
    """Write ``catalog`` to ``path`` in the order its messages were added, a message a line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog, width=0, sort_output=False, ignore_obsolete=True, include_previous=True)


def make_message(
    key: str, english: Text, translation: Text | None, comments: tuple[str, ...] = ()
) -> Message:
    """The .po entry of ``key``: the English text as msgid, ``translation`` (None: empty) as msgstr."""
    plural = isinstance(english, tuple)
    if translation is None:
        translation = ("", "") if plural else ""
    if plural != isinstance(translation, tuple):
        raise ValueError(f"{key}: the English text and the translation must both be plural or both not")
    names = placeholders(english[0] if isinstance(english, tuple) else english)
    return Message(
        english,
        translation,
        context=key,
        flags={BRACE_FORMAT} if names else (),
        auto_comments=list(comments),
    )


def message_text(message: Message) -> Text | None:
    """The translation of ``message``, or None when it is empty or fuzzy (gettext shows neither)."""
    if message.fuzzy:
        return None
    if isinstance(message.id, tuple | list):
        forms = tuple(message.string or ())
        if len(forms) != 2 or not all(forms):
            return None
        return (forms[0], forms[1])
    return str(message.string) or None


def entries(catalog: Catalog) -> dict[str, Text]:
    """The translated messages of ``catalog`` by key (the msgctxt)."""
    found: dict[str, Text] = {}
    for message in catalog:
        if not message.id or message.context is None:
            continue  # the header
        text = message_text(message)
        if text is not None:
            found[message.context] = text
    return found


def load(languages: tuple[str, ...]) -> dict[str, Entry]:
    """Every message of the .po files, as ``{key: {lang: text}}``; English from the msgids where
    its .po leaves a message out."""
    messages: dict[str, Entry] = {}
    for message in read_catalog(template_path()):
        if message.id and message.context is not None:
            english = message.id
            messages[message.context] = {
                SOURCE_LANGUAGE: (english[0], english[1]) if isinstance(english, tuple | list) else english
            }
    for lang in languages:
        path = po_path(lang)
        if not path.exists():
            continue
        for key, text in entries(read_catalog(path, lang)).items():
            if key in messages:
                messages[key][lang] = text
    return messages
