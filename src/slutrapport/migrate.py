"""Rewrite a data file written for slutrapport 0.1 in today's form, keeping comments and order.

In 0.1 a report's sections were fixed top-level keys (``inledning``, ``aktiviteter``,
``program_for_tillvaxt``, ``ekonomi`` …) in a fixed outline. Today the outline is data: the
sections stand in a list ``avsnitt`` in the author's order, each with its kind (``typ``) and id.
:func:`migrate_text` moves each old section into that list, in the order the 0.1 template printed
them, gives each the id of its old key (so figure links such as
``tal:horisontella_kriterier.deltagare.totalt`` keep working), and keeps every comment, key order
and value as it was. Each group of activities becomes a section of its own, named after its
heading; the criteria stand after the first group, where 0.1 printed them; the heading of the
municipalities' part moves from ``rubriker.kommuner`` to that section's ``rubrik``.

The rewrite works on the file's lines: each section's lines move as they are, indented to their
place in the list, with the comments above them, so nothing of the author's layout is lost. The
result is then read back and compared with what the migration must give: the same values in the
new places, and every comment of the original. A layout the line rewrite can't handle (a section
written as ``{…}`` on one line, say) is rewritten through a YAML round trip instead, and compared
the same way. If neither gives the same data with every comment, the file is refused, naming
what would be lost: nothing is dropped silently. A file with a top-level key this module doesn't
know is refused too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from slutrapport._files import os_error_text, write_over
from slutrapport.errors import InputError, Problem
from slutrapport.loader import (
    MAX_FILE_BYTES,
    OLD_SECTIONS,
    is_old_form,
    parse_yaml,
    syntax_problem,
    too_big,
)
from slutrapport.models import RESERVED_IDS, Slutrapport
from slutrapport.names import slug

__all__ = ["OLD_SECTIONS", "is_old_form", "migrate_file", "migrate_text"]
# OLD_SECTIONS and is_old_form live in the loader, which refuses the old form; named here too.

_INDENT = 2
"""Where the list items of ``avsnitt`` start; their fields stand two columns further in."""


def migrate_text(text: str, source: str = "<text>") -> str:
    """The YAML of a 0.1 data file in today's form (see the module docstring).

    A text already in today's form is returned as it is.
    """
    new = _migrate(text, source)
    return text if new is None else new


def _migrate(text: str, source: str) -> str | None:
    """The text in today's form, or None if it is in today's form already."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise InputError([too_big(size, source)])
    parse_yaml(text, source)  # the loader's limits (nesting, aliases) and words, before ruamel
    newline = "\r\n" if "\r\n" in text else "\n"
    text = text.replace("\r\n", "\n")
    doc = _safe_load(text, source)
    if not isinstance(doc, Mapping):
        raise InputError([Problem(
            "filen ska innehålla fält som 'projekt:' och 'inledning:' (en YAML-mappning); den "
            "ser inte ut som en slutrapport", file=source)])
    if not is_old_form(doc):
        return None  # the loader judges its keys
    unknown = [str(key) for key in doc if key not in OLD_SECTIONS
               and key not in Slutrapport.model_fields]  # today's other keys stay as they are
    if unknown:
        raise InputError([Problem(
            f"okänt fält '{key}' på översta nivån; rätta eller ta bort det och försök igen",
            file=source, path=key) for key in unknown])
    plan = _plan(doc, source)
    expected = _expected(doc, plan)
    comments = _comments(text)
    attempts = []
    for rewrite in (_rewrite_lines, _rewrite_yaml):
        try:
            out = rewrite(text, doc, plan)
        except _CannotRewrite as exc:
            attempts.append(exc.reason)
            continue
        try:
            same = _same(_safe_load(out, source), expected)
        except InputError:
            attempts.append("resultatet gick inte att läsa som YAML")
            continue
        lost = _lost(comments, _comments(out))
        if same and not lost:
            return out.replace("\n", newline)
        attempts.append(f"kommentaren '{lost[0]}' skulle försvinna" if lost
                        else "datat blev inte detsamma")
    raise InputError([Problem(
        "filen kan inte skrivas om utan att något går förlorat (" + "; ".join(attempts) + "); "
        "skriv avsnitten som vanliga rader 'nyckel: värde' och försök igen, eller flytta dem "
        "in i listan 'avsnitt' för hand", file=source)])


# --- what the migration must give ---------------------------------------------------------------


@dataclass
class _Section:
    """One section of the new list: its id and kind, and where its data comes from."""

    id: str
    kind: str
    key: str  # the old top-level key
    group: int | None = None  # the group's index, for a group of activities


@dataclass
class _Plan:
    sections: list[_Section] = field(default_factory=list)
    kommuner_rubrik: bool = False  # rubriker.kommuner moves into the kommuner section


def _plan(doc: Mapping[str, Any], source: str) -> _Plan:
    """The new list of sections, in the order the 0.1 template printed them."""
    plan = _Plan()
    groups = doc.get("aktiviteter") or []
    if not isinstance(groups, list):
        raise InputError([Problem("ska vara en lista av aktivitetsgrupper ('- rubrik: …')",
                                  file=source, path="aktiviteter")])
    used: set[str] = set(OLD_SECTIONS) | set(RESERVED_IDS)
    group_ids = []
    for n, group in enumerate(groups, start=1):
        rubrik = group.get("rubrik") if isinstance(group, Mapping) else None
        gid = slug(str(rubrik)) if rubrik else f"aktiviteter_{n}"
        while gid in used:
            gid = f"{gid}_{n}"
        used.add(gid)
        group_ids.append(gid)
    rubriker = doc.get("rubriker")
    plan.kommuner_rubrik = isinstance(rubriker, Mapping) and "kommuner" in rubriker
    for key, kind in OLD_SECTIONS.items():
        if key == "aktiviteter":
            for n, gid in enumerate(group_ids):
                plan.sections.append(_Section(gid, kind, key, n))
                if n == 0 and doc.get("horisontella_kriterier") is not None:
                    # the 0.1 template printed the criteria right after the first group
                    plan.sections.append(_Section("horisontella_kriterier",
                                                  "horisontella_kriterier",
                                                  "horisontella_kriterier"))
        elif key == "horisontella_kriterier" and group_ids:
            continue
        elif key == "kommuner":
            # an empty list printed nothing in 0.1; a heading of its own is kept all the same
            if doc.get(key) or plan.kommuner_rubrik:
                plan.sections.append(_Section(key, kind, key))
        elif doc.get(key) is not None:
            plan.sections.append(_Section(key, kind, key))
    for s in plan.sections:
        body = doc[s.key][s.group] if s.group is not None else doc.get(s.key)
        if s.kind != "kommuner" and not isinstance(body, Mapping):
            raise InputError([Problem(
                f"avsnittet ska vara en samling fält (nyckel: värde), men är {_kind(body)}",
                file=source, path=s.key if s.group is None else f"aktiviteter[{s.group}]")])
    return plan


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "en lista"
    if isinstance(value, str):
        return "bara text"
    return "ett tal eller sanningsvärde"


def _expected(doc: Mapping[str, Any], plan: _Plan) -> dict[str, Any]:
    """The data the new file must hold."""
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if key == "rubriker" and plan.kommuner_rubrik:
            value = {k: v for k, v in value.items() if k != "kommuner"}
            if not value:
                continue
        if key not in OLD_SECTIONS:
            out[key] = value
    avsnitt = []
    for s in plan.sections:
        item: dict[str, Any] = {"typ": s.kind, "id": s.id}
        if s.kind == "kommuner":
            if plan.kommuner_rubrik:
                item["rubrik"] = doc["rubriker"]["kommuner"]
            item["kommuner"] = doc.get("kommuner")
        else:
            item.update(doc[s.key][s.group] if s.group is not None else doc[s.key])
        avsnitt.append(item)
    out["avsnitt"] = avsnitt
    return out


def _same(a: Any, b: Any) -> bool:
    """Equal data, mappings compared without regard to order."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(type(a) is type(b) and a == b)


def _safe_load(text: str, source: str) -> Any:
    try:
        return YAML(typ="safe", pure=True).load(text)
    except YAMLError:
        # ruamel's words are English: the loader's Swedish ones, at the line
        raise InputError([syntax_problem(text, source) or Problem(
            "filen kan inte läsas som YAML; kontrollera den med 'slutrapport check' först",
            file=source)]) from None


def _comments(text: str) -> list[str]:
    """Every comment in a YAML text, without its '#' and surrounding space, in order.

    A '#' inside a text (quoted, plain or a block of lines) is not a comment: the places the
    scanner's tokens cover are skipped.
    """
    covered = bytearray(len(text) + 1)
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            start, end = token.start_mark.index, token.end_mark.index
            covered[start:end] = b"\x01" * (end - start)
    except yaml.YAMLError:
        pass  # the text was read before; what was scanned is enough
    found = []
    for match in re.finditer(r"(?:^|(?<=[ \t]))#([^\n]*)", text, flags=re.MULTILINE):
        if not covered[match.start()]:
            found.append(match.group(1).strip())
    return found


def _lost(before: list[str], after: list[str]) -> list[str]:
    """The comments of ``before`` that ``after`` lacks (as many times as they are lacking)."""
    left = list(after)
    lost = []
    for comment in before:
        if comment in left:
            left.remove(comment)
        elif comment:
            lost.append(comment)
    return lost


# --- the rewrite by lines -----------------------------------------------------------------------


class _CannotRewrite(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


_KEY = re.compile(r"""^(?P<key>[A-Za-z_][A-Za-z0-9_]*|"[^"\n]*"|'[^'\n]*')[ \t]*:(?=[ \t]|$)"""
                  r"(?P<rest>.*)$")
_NULL = re.compile(r"^\s*(?:~|null|Null|NULL)?\s*(?:#.*)?$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_loose(line: str) -> bool:
    """A blank line, or a comment that starts in the first column."""
    return not line.strip() or line.startswith("#")


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _shift(lines: list[str], by: int) -> list[str]:
    """Lines moved right (or left) by ``by`` columns; empty lines stay empty."""
    out = []
    for line in lines:
        if not line.strip():
            out.append(line if by <= 0 else (" " * by + line if line else line))
        elif by >= 0:
            out.append(" " * by + line)
        else:
            out.append(line[min(-by, _indent(line)):])
    return out


def _comment_of(rest: str) -> str:
    """The comment after a key with no value on its line ('  # …'), or ''; else refuse."""
    if not rest.strip():
        return ""
    if rest.lstrip().startswith("#") and rest[:1] in (" ", "\t"):
        return "  " + rest.strip()
    raise _CannotRewrite("ett avsnitt har sitt värde på samma rad som nyckeln")


@dataclass
class _Block:
    key: str
    head: str  # the key's line
    rest: str  # what follows 'key:' on its line
    lead: list[str]  # comments (and blank lines) above the key
    body: list[str]  # the lines after the key's line

    @property
    def empty(self) -> bool:
        """No value: nothing after the key but a comment, or 'null', and no lines under it."""
        return bool(_NULL.match(self.rest)) and not any(_is_content(x) for x in self.body)


def _blocks(text: str) -> tuple[list[str], list[_Block], list[str]]:
    """The text as its top-level keys: what comes first, a block per key, and what is last."""
    lines = text.splitlines()
    starts: list[int] = []
    for i, line in enumerate(lines):
        if _is_loose(line) or line.startswith(" ") or (
                starts and re.match(r"^-(?:[ \t]|$)", line)):
            continue  # a list may stand at its key's own column
        if line.startswith(("---", "%")) and not starts:
            continue  # a document start or directive before the first key: kept where it is
        if _KEY.match(line) is None:
            raise _CannotRewrite(f"rad {i + 1} är inte 'nyckel: värde' på översta nivån")
        starts.append(i)
    if not starts:
        raise _CannotRewrite("filen har inga nycklar på egna rader")
    blocks = []
    carry: list[str] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        own = lines[start + 1:end]
        # the loose lines at the end, from the first comment on, belong to what follows
        cut = len(own)
        while cut and _is_loose(own[cut - 1]):
            cut -= 1
        tail = own[cut:]
        first = next((i for i, line in enumerate(tail) if line.startswith("#")), len(tail))
        match = _KEY.match(lines[start])
        assert match is not None
        blocks.append(_Block(match.group("key").strip("\"'"), lines[start], match.group("rest"),
                             carry, own[:cut] + tail[:first]))
        carry = tail[first:]
    return lines[:starts[0]], blocks, carry


def _items(body: list[str]) -> list[tuple[list[str], list[str]]]:
    """A block list's items, each as its lead (comments above it) and its lines."""
    content = [line for line in body if _is_content(line)]
    if not content:
        return []
    indent = _indent(content[0])
    if not re.match(r"^-(?:[ \t]|$)", content[0].lstrip()):
        raise _CannotRewrite("aktiviteter står inte som rader som börjar med '- '")
    starts = [i for i, line in enumerate(body)
              if _indent(line) == indent and re.match(r"^-(?:[ \t]|$)", line.lstrip())]
    items = []
    lead_from = 0
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(body)
        own = body[start:end]
        cut = len(own)
        if n + 1 < len(starts):  # comments at the item's indent or left of it go with the next
            while cut > 1 and not _is_content(own[cut - 1]) and _indent(own[cut - 1]) <= indent:
                cut -= 1
        items.append((body[lead_from:start], own[:cut]))
        lead_from = start + cut
    return items


def _comment_line(comment: str) -> list[str]:
    """A key's trailing comment as a line of its own (none if there is no comment)."""
    return ["# " + comment.split("#", 1)[1].strip()] if comment else []


def _section_lines(s: _Section, lines: list[str], comment: str) -> list[str]:
    """A mapping's lines as an item of ``avsnitt``, after its kind and id."""
    first = next((line for line in lines if _is_content(line)), None)
    out = [f"{' ' * _INDENT}- typ: {s.kind}{comment}", f"{' ' * (_INDENT + 2)}id: {s.id}"]
    return out + (_shift(lines, _INDENT + 2 - _indent(first)) if first is not None else lines)


def _flow_lines(s: _Section, value: str, body: list[str]) -> list[str]:
    """A section written as '{…}' on its line, with its kind and id put first inside."""
    if any(_is_content(line) for line in body):
        raise _CannotRewrite("ett avsnitt skrivet som {…} fortsätter på flera rader")
    inner = value[1:]
    comma = "" if inner.lstrip().startswith("}") else ", "
    return [f"{' ' * _INDENT}- {{typ: {s.kind}, id: {s.id}{comma}{inner.lstrip()}", *body]


def _group_lines(s: _Section, lead: list[str], lines: list[str]) -> list[str]:
    """A group of activities (an item of the old list) as a section of its own."""
    after_dash = lines[0].lstrip()[1:]
    content = after_dash.lstrip(" \t")
    if content.startswith("{"):
        return _shift(lead, _INDENT - _indent(lines[0])) + _flow_lines(s, content, lines[1:])
    if not content or content.startswith(("#", "{", "[", "&", "!", "|", ">", "?")):
        raise _CannotRewrite("en aktivitetsgrupp börjar inte med 'nyckel: värde' på samma rad "
                             "som '- '")
    column = _indent(lines[0]) + 1 + len(after_dash) - len(content)
    return _shift(lead, _INDENT - _indent(lines[0])) + _section_lines(
        s, [" " * column + content, *lines[1:]], "")


def _rewrite_lines(text: str, doc: Mapping[str, Any], plan: _Plan) -> str:
    preamble, blocks, last = _blocks(text)
    by_key = {b.key: b for b in blocks}
    if len(by_key) != len(blocks):
        raise _CannotRewrite("en nyckel står två gånger på översta nivån")
    top: list[str] = list(preamble)
    rubrik: list[str] = []
    for block in blocks:
        if block.key in OLD_SECTIONS:
            continue
        top += block.lead
        if block.key == "rubriker" and plan.kommuner_rubrik:
            kept, rubrik, comment = _take_rubrik(block)
            if any(_is_content(line) for line in kept):
                top += [block.head, *kept]
            else:  # nothing left under rubriker: the key goes, its comments stay
                top += _comment_line(comment) + kept
        else:
            top += [block.head, *block.body]
    groups: list[tuple[list[str], list[str]]] = []
    intro: list[str] = []  # the comments above 'aktiviteter:', and its own
    sections: list[tuple[str, list[str]]] = []  # (old key, lines) in the new order
    left: dict[str, list[str]] = {}  # the comments of a section that isn't there any more
    group = by_key.get("aktiviteter")
    if group is not None:
        comment = _comment_of(re.sub(r"^\s*(?:~|null|Null|NULL|\[\])", "", group.rest))
        groups = _items(group.body)
        intro = group.lead + _comment_line(comment)
        if not groups:
            left["aktiviteter"] = intro + group.body
    for s in plan.sections:
        if s.group is not None:
            first = _shift(intro, _INDENT) if s.group == 0 else []
            sections.append((s.key, first + _group_lines(s, *groups[s.group])))
            continue
        found = by_key.get(s.key)
        if s.kind == "kommuner":
            sections.append((s.key, _kommuner(s, found, rubrik)))
        elif found is not None and _value_of(found.rest).startswith("{"):
            sections.append((s.key, _shift(found.lead, _INDENT)
                             + _flow_lines(s, found.rest.lstrip(), found.body)))
        elif found is not None:
            sections.append((s.key, _shift(found.lead, _INDENT)
                             + _section_lines(s, found.body, _comment_of(found.rest))))
    named = {s.key for s in plan.sections}
    for block in blocks:
        if block.key in OLD_SECTIONS and block.key not in named:
            if not block.empty:
                raise _CannotRewrite(f"avsnittet '{block.key}' har ett värde som inte kan "
                                     "flyttas rad för rad")
            comment = _comment_of(re.sub(r"^\s*(?:~|null|Null|NULL)", "", block.rest))
            left[block.key] = block.lead + _comment_line(comment) + block.body
    order = list(OLD_SECTIONS)
    for key, lines in left.items():  # before the first section that 0.1 printed after it
        at = next((i for i, (k, _) in enumerate(sections) if order.index(k) > order.index(key)),
                  len(sections))
        sections.insert(at, (key, _shift(lines, _INDENT)))
    while top and not top[-1].strip():
        top.pop()
    out = [*top, "", "avsnitt:"] if top else ["avsnitt:"]
    for _, lines in sections:
        out += lines
    return "\n".join([*out, *last]) + "\n"


def _value_of(rest: str) -> str:
    """What stands after 'key:' on its line, without a comment."""
    return "" if rest.lstrip().startswith("#") else rest.strip()


def _take_rubrik(block: _Block) -> tuple[list[str], list[str], str]:
    """rubriker's lines without 'kommuner: …', that line as 'rubrik: …', and the key's comment."""
    comment = _comment_of(block.rest)
    content = [line for line in block.body if _is_content(line)]
    indent = _indent(content[0]) if content else 0
    for i, line in enumerate(block.body):
        match = _KEY.match(line[indent:]) if _indent(line) == indent else None
        if match is None or match.group("key").strip("\"'") != "kommuner":
            continue
        following = next((x for x in block.body[i + 1:] if _is_content(x)), None)
        value = _value_of(match.group("rest"))
        if not value or value[0] in "|>&!*[{" or (following is not None
                                                 and _indent(following) > indent):
            raise _CannotRewrite("rubriker.kommuner står inte på en rad för sig")
        return block.body[:i] + block.body[i + 1:], ["rubrik:" + match.group("rest")], comment
    raise _CannotRewrite("rubriker.kommuner står inte på en rad för sig")


def _kommuner(s: _Section, block: _Block | None, rubrik: list[str]) -> list[str]:
    """The municipalities' section: its heading (from rubriker) and the old list under it."""
    item = " " * (_INDENT + 2)
    out = [f"{' ' * _INDENT}- typ: {s.kind}", f"{item}id: {s.id}"]
    out += [item + line for line in rubrik]
    if block is None:
        return [*out, f"{item}kommuner: []"]
    lead = _shift(block.lead, _INDENT)
    if block.empty:
        comment = _comment_of(re.sub(r"^\s*(?:~|null|Null|NULL)", "", block.rest))
        return [*lead, *out, f"{item}kommuner: []{comment}", *_shift(block.body, _INDENT + 2)]
    out.append(f"{item}kommuner:{block.rest}")
    content = [line for line in block.body if _is_content(line)]
    if not content:
        return lead + out + block.body
    return lead + out + _shift(block.body, _INDENT + 4 - _indent(content[0]))


# --- the rewrite through a YAML round trip ------------------------------------------------------


def _yaml() -> Any:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    return yaml


def _rewrite_yaml(text: str, _doc: Mapping[str, Any], plan: _Plan) -> str:
    """The same rewrite through ruamel's round trip (comments may move, and are then checked)."""
    yaml = _yaml()
    try:
        doc: Any = yaml.load(text)
    except YAMLError as exc:
        raise _CannotRewrite(f"YAML: {exc}") from None
    avsnitt = CommentedSeq()
    for s in plan.sections:
        if s.kind == "kommuner":
            body: Any = CommentedMap()
            rubriker: Any = doc.get("rubriker")
            if plan.kommuner_rubrik:
                body["rubrik"] = rubriker["kommuner"]
                del rubriker["kommuner"]
            body["kommuner"] = doc.get("kommuner") or CommentedSeq()
        else:
            body = doc[s.key][s.group] if s.group is not None else doc[s.key]
        body.insert(0, "typ", s.kind)
        body.insert(1, "id", s.id)
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


# --- files --------------------------------------------------------------------------------------


def migrate_file(path: str | Path, output: str | Path | None = None
                 ) -> tuple[Path, Path | None] | None:
    """Rewrite a 0.1 file; in place (keeping the original as ``<name>.bak``) unless ``output``
    is another file (an ``output`` that is the same file, also through a link, is in place).

    Returns the file written and the backup (None when writing elsewhere), or None when the file
    is already in today's form: then nothing is written.
    """
    source = Path(path)
    try:
        size = source.stat().st_size
        if size > MAX_FILE_BYTES:  # the loader's limit, before reading
            raise InputError([too_big(size, str(source))])
        raw = source.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem("filen är inte UTF-8; spara den som UTF-8",
                                  file=str(source))]) from None
    except FileNotFoundError:
        raise InputError([Problem("filen finns inte", file=str(source))]) from None
    except IsADirectoryError:
        raise InputError([Problem("är en mapp, inte en fil", file=str(source))]) from None
    except OSError as exc:
        raise InputError([Problem(f"filen kan inte läsas ({os_error_text(exc)})",
                                  file=str(source))]) from None
    if not text.strip():
        raise InputError([Problem("filen är tom", file=str(source))])
    new = _migrate(text, str(source))
    if new is None:
        return None
    return write_over(source, output, new.encode("utf-8"))
