"""Rewrite a data file written for slutrapport 0.1 in today's form, keeping comments and order.

In 0.1 a report's sections were fixed top-level keys (``inledning``, ``aktiviteter``,
``program_for_tillvaxt``, ``ekonomi`` …) in a fixed outline. Today the outline is data: the
sections stand in a list ``avsnitt`` in the author's order, each with its kind (``typ``) and id.
:func:`migrate_text` moves each old section into that list, in the order the 0.1 template printed
them, gives each the id of its old key (so figure links such as
``tal:horisontella_kriterier.deltagare.totalt`` keep working), and keeps every comment, key order
and value as it was. Nothing is dropped: a file with a top-level key this module doesn't know is
refused.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from slutrapport.errors import InputError, Problem

__all__ = ["OLD_SECTIONS", "is_old_form", "migrate_file", "migrate_text"]

OLD_SECTIONS = {
    "inledning": "text",
    "pandemin": "text",
    "aktiviteter": "aktiviteter",
    "horisontella_kriterier": "horisontella_kriterier",
    "program_for_tillvaxt": "foretagsprogram",
    "resultat": "indikatorer",
    "spridning": "text",
    "utvardering": "text",
    "slutsatser": "text",
    "efter_projektet": "text",
    "kommuner": "kommuner",
    "ekonomi": "ekonomi",
}
"""The 0.1 form's section keys, in the order its template printed them, and their kinds today."""

_KEPT = ("projekt", "rubriker", "sammanfattning")


def is_old_form(data: Any) -> bool:
    """Whether parsed data is in the 0.1 form: a section key at the top and no ``avsnitt``."""
    return (isinstance(data, Mapping) and "avsnitt" not in data
            and any(key in data for key in OLD_SECTIONS))


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    return yaml


def migrate_text(text: str, source: str = "<text>") -> str:
    """The YAML of a 0.1 data file in today's form (see the module docstring)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import YAMLError

    from slutrapport.kinds import slug

    yaml = _yaml()
    try:
        doc: Any = yaml.load(text)
    except YAMLError as exc:
        raise InputError([Problem(f"filen kan inte läsas som YAML ({exc})", file=source)]) from None
    if not is_old_form(doc):
        if isinstance(doc, Mapping) and "avsnitt" in doc:
            raise InputError([Problem("filen har redan den nya formen (avsnitt); inget att göra",
                                      file=source)])
        raise InputError([Problem("filen ser inte ut som en slutrapport från version 0.1 "
                                  "(inget av avsnitten inledning, aktiviteter, ekonomi …)",
                                  file=source)])
    unknown = [key for key in doc if key not in OLD_SECTIONS and key not in _KEPT]
    if unknown:
        raise InputError([Problem(
            f"okänt fält '{key}' på översta nivån; rätta eller ta bort det och försök igen",
            file=source, path=str(key)) for key in unknown])

    sections: list[tuple[str, str, Any]] = []  # (id, kind, body)
    groups = doc.get("aktiviteter") or []
    used: set[str] = set(OLD_SECTIONS)
    group_ids = []
    for n, group in enumerate(groups, start=1):
        rubrik = group.get("rubrik") if isinstance(group, Mapping) else None
        gid = slug(str(rubrik)) if rubrik else f"aktiviteter_{n}"
        while gid in used:
            gid = f"{gid}_{n}"
        used.add(gid)
        group_ids.append(gid)
    for key, kind in OLD_SECTIONS.items():
        if key not in doc or doc[key] is None:
            continue
        if key == "aktiviteter":
            for gid, group in zip(group_ids, groups, strict=True):
                sections.append((gid, kind, group))
                if gid == group_ids[0] and "horisontella_kriterier" in doc:
                    # the 0.1 template printed the criteria right after the first group
                    sections.append(("horisontella_kriterier", "horisontella_kriterier",
                                     doc["horisontella_kriterier"]))
        elif key == "horisontella_kriterier" and groups:
            continue
        elif key == "kommuner":
            body = CommentedMap()
            rubriker: Any = doc.get("rubriker")
            if isinstance(rubriker, CommentedMap) and "kommuner" in rubriker:
                body["rubrik"] = rubriker["kommuner"]
                del rubriker["kommuner"]
            body["kommuner"] = doc[key]
            sections.append((key, kind, body))
        else:
            sections.append((key, kind, doc[key]))

    avsnitt = CommentedSeq()
    for sid, kind, body in sections:
        if not isinstance(body, CommentedMap):
            raise InputError([Problem(f"avsnittet ska vara en samling fält (fick {body!r})",
                                      file=source, path=sid)])
        body.insert(0, "typ", kind)
        body.insert(1, "id", sid)
        avsnitt.append(body)
    for key in OLD_SECTIONS:
        if key in doc:
            del doc[key]
    rest: Any = doc.get("rubriker")
    if isinstance(rest, Mapping) and not rest:
        del doc["rubriker"]
    doc["avsnitt"] = avsnitt
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def migrate_file(path: str | Path, output: str | Path | None = None) -> tuple[Path, Path | None]:
    """Rewrite a 0.1 file; in place (keeping the original as ``<name>.bak``) unless ``output``.

    Returns the file written and the backup (None when writing elsewhere).
    """
    from slutrapport.loader import load
    from slutrapport.rendering import write_atomic

    source = Path(path)
    try:
        raw = source.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem("filen är inte UTF-8", file=str(source))]) from None
    except OSError as exc:
        raise InputError([Problem(f"filen kan inte läsas ({exc.strerror})", file=str(source))]) \
            from None
    new = migrate_text(text, str(source))
    target = Path(output) if output is not None else source
    backup = None
    if output is None:
        backup = source.with_name(source.name + ".bak")
        if backup.exists():
            raise InputError([Problem(
                f"{backup} finns redan; flytta den eller ange -o UT.yaml", file=str(source))])
        write_atomic(backup, raw)
    write_atomic(target, new.encode("utf-8"))
    load(target)  # the result must load; a failure is reported like any unusable input
    return target, backup
