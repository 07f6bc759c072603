"""Derive the catalogue of malformed inputs from ``fixtures/nis60.yaml``.

Each case takes the reference report and changes one thing in its text (a few are written out
whole: an empty file, a lone comment), so the cases stay in step with the fixture: when the
fixture changes, run this script again and commit what it writes::

    python tests/bad_inputs/make_cases.py

It writes one input file per case next to itself, and ``cases.toml``, which lists for each case
what it tests and what the message of ``slutrapport check`` must contain: the line (computed
here from where the edit was made), the field path and the Swedish key phrases. A few cases
are made by the tests themselves at test time (a folder, a missing file, files over the size
limit); they are listed with a ``setup`` instead of committed.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parents[1] / "fixtures" / "nis60.yaml"
CATALOGUE = "cases.toml"

TEXT = FIXTURE.read_text(encoding="utf-8")



@dataclass
class Case:
    """One malformed input and what ``slutrapport check`` must say about it."""

    name: str
    tests: str
    data: bytes | None
    phrases: list[str]
    line: int | None = None
    path: str = ""
    suffix: str = ".yaml"
    setup: str = ""
    exact: str = ""
    xfail: str = ""
    timeout: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return self.name + self.suffix


def _find(old: str, within: str | None) -> int:
    """Where ``old`` starts: its only occurrence, or its first after the unique ``within``."""
    start = 0
    if within is not None:
        assert TEXT.count(within) == 1, f"anchor {within!r} is not unique in the fixture"
        start = TEXT.index(within)
    elif TEXT.count(old) != 1:
        raise AssertionError(f"{old!r} occurs {TEXT.count(old)} times in the fixture; anchor it")
    pos = TEXT.find(old, start)
    assert pos >= 0, f"{old!r} not found in the fixture"
    return pos


def line_of(needle: str, within: str | None = None) -> int:
    """The 1-based line of the fixture on which ``needle`` starts (after leading newlines).

    >>> line_of("projekt:\\n", within="\\nprojekt:\\n")
    25
    """
    pos = _find(needle, within)
    return TEXT.count("\n", 0, pos) + 1 + (len(needle) - len(needle.lstrip("\n")))


def swap(old: str, new: str, within: str | None = None) -> bytes:
    """The fixture with one occurrence of ``old`` replaced by ``new``, as UTF-8."""
    pos = _find(old, within)
    return (TEXT[:pos] + new + TEXT[pos + len(old):]).encode("utf-8")


def cases() -> list[Case]:
    """The whole catalogue, in the order it is listed."""
    out: list[Case] = []
    add = out.append

    # --- YAML syntax -------------------------------------------------------------------------
    add(Case(
        "yaml_unclosed_quote",
        "a quoted value near the end whose closing quote is missing; the quote runs to the end "
        "of the file, and the line must be where it opens",
        swap('per: "2022-12"', 'per: "2022-12'),
        ["citattecken"], line=line_of('per: "2022-12"'),
    ))
    add(Case(
        "yaml_unclosed_quote_midfile",
        "a quoted date with its closing quote missing; the parser notices on the next line, but "
        "the message names the line where the quote opens",
        swap('fran: "2019"', 'fran: "2019'),
        ["citattecken"], line=line_of('fran: "2019"', within="\nprojekt:\n"),

    ))
    line = line_of('till: "2022"', within="\nprojekt:\n")
    add(Case(
        "yaml_bad_indentation",
        "a key indented less than its sibling (3 spaces instead of 4)",
        swap('    till: "2022"', '   till: "2022"', within="\nprojekt:\n"),
        ["indraget fel"], line=line,
        exact=f"Fel i indata: yaml_bad_indentation.yaml:{line}: indraget fel: nyckeln 'till' på "
              f"rad {line} har 3 blanksteg, raden ovanför 4; nycklarna i en samling ska stå rakt "
              "under varandra\n",
    ))
    line = line_of("  kortnamn:")
    add(Case(
        "yaml_indent_too_deep",
        "a key indented more than its sibling, so it continues the text above",
        swap("  kortnamn: NIS 6.0\n", "   kortnamn: NIS 6.0\n"),
        ["indraget fel"], line=line,
        exact=f"Fel i indata: yaml_indent_too_deep.yaml:{line}: indraget fel: nyckeln 'kortnamn' "
              f"på rad {line} har 3 blanksteg, raden ovanför 2; nycklarna i en samling ska stå "
              "rakt under varandra\n",
    ))
    line = line_of("  namn: Näringsliv")
    add(Case(
        "yaml_first_key_indent",
        "the first key of a collection indented one space too few; the parser notices on the "
        "next line, but the message names the first key's line",
        swap("  namn: Näringsliv", " namn: Näringsliv", within="\nprojekt:\n"),
        ["indraget fel"], line=line,
        exact=f"Fel i indata: yaml_first_key_indent.yaml:{line}: indraget fel: nyckeln 'namn' på "
              f"rad {line} har 1 blanksteg, raderna under 2; nycklarna i en samling ska stå rakt "
              "under varandra\n",
    ))
    line = line_of("        antal: 259")
    add(Case(
        "yaml_list_of_fields_indent",
        "a key in a list of fields (a row '- rubrik: …') indented one space too deep",
        swap("        antal: 259", "         antal: 259"),
        ["indraget fel"], line=line,
        exact=f"Fel i indata: yaml_list_of_fields_indent.yaml:{line}: indraget fel: nyckeln "
              f"'antal' på rad {line} har 9 blanksteg, raden ovanför 8 (räknat till nyckeln, "
              "efter '- '); nycklarna i en samling ska stå rakt under varandra\n",
    ))
    line = line_of("rubrik: Coronapandemin.")
    add(Case(
        "yaml_colon_in_text",
        "an unquoted text holding ': '",
        swap("rubrik: Coronapandemin.", "rubrik: Coronapandemin: en ny tid"),
        ["kolon på fel ställe"], line=line,
        exact=f"Fel i indata: yaml_colon_in_text.yaml:{line}: kolon på fel ställe (saknas ett "
              "mellanslag efter kolon, eller citattecken runt texten?)\n",
    ))
    line = line_of("  kortnamn:")
    add(Case(
        "yaml_tab_indent",
        "a tab instead of spaces to indent a key",
        swap("  kortnamn: NIS 6.0\n", "\tkortnamn: NIS 6.0\n"),
        ["tabbtecken"], line=line,
        exact=f"Fel i indata: yaml_tab_indent.yaml:{line}: tabbtecken får inte användas för "
              "indrag i YAML; använd mellanslag\n",
    ))
    line = line_of("  kortnamn:") + 1
    add(Case(
        "yaml_duplicate_key",
        "a key given twice in the same mapping (projekt.kortnamn)",
        swap("  kortnamn: NIS 6.0\n", "  kortnamn: NIS 6.0\n  kortnamn: NIS\n"),
        ["nyckeln 'kortnamn' står två gånger"], line=line,
        exact=(f"Fel i indata: yaml_duplicate_key.yaml:{line}: projekt.kortnamn: "
               "nyckeln 'kortnamn' står två gånger\n"),
    ))
    add(Case(
        "yaml_duplicate_top_key",
        "a top-level key given twice (rubriker, again before avsnitt)",
        swap("\navsnitt:\n", "\nrubriker:\n  innehall: Innehåll\n\navsnitt:\n"),
        ["nyckeln 'rubriker' står två gånger"], line=line_of("\navsnitt:\n"),
    ))
    add(Case(
        "yaml_two_documents",
        "a '---' in the middle, which starts a second YAML document",
        swap("\navsnitt:\n", "\n---\navsnitt:\n"),
        ["ett YAML-dokument"], line=line_of("\navsnitt:\n"),
    ))
    add(Case(
        "yaml_unquoted_impossible_date",
        "an unquoted date that does not exist (2022-02-30), which YAML itself reads as a date",
        swap('rapportdatum: "2022-12"', "rapportdatum: 2022-02-30"),
        ["ogiltigt datum"], line=line_of("rapportdatum:"), path="projekt.rapportdatum",

    ))
    line = line_of("  kommuner:\n    - Robertsfors")
    add(Case(
        "yaml_unclosed_bracket",
        "a list written in [ ] whose closing ']' is missing; the parser notices on the next line, "
        "but the message names the line where the list opens",
        swap("  kommuner:\n    - Robertsfors\n    - Vindeln\n    - Vännäs\n    - Bjurholm\n"
             "    - Nordmaling\n", "  kommuner: [Robertsfors, Vindeln, Vännäs, Bjurholm, "
             "Nordmaling\n"),
        ["stängs aldrig med ']'"], line=line,
        exact=f"Fel i indata: yaml_unclosed_bracket.yaml:{line}: listan som börjar med '[' här "
              "stängs aldrig med ']' (eller står ett kolon i en text i listan? sätt texten inom "
              "citattecken)\n",
    ))
    add(Case(
        "yaml_colon_in_bracket_list",
        "a text with ': ' inside a list written in [ ]",
        swap("  kommuner:\n    - Robertsfors\n    - Vindeln\n    - Vännäs\n",
             "  kommuner: [Robertsfors, Vindeln, Vännäs: från 2020: hela perioden]\n"),
        ["kolon i en text inom [ ]"], line=line,
        exact=f"Fel i indata: yaml_colon_in_bracket_list.yaml:{line}: ett kolon i en text inom "
              '[ ]; sätt texten inom citattecken ("…")\n',
    ))
    line = line_of("{namn: Smide & Industrimontage")
    add(Case(
        "yaml_unclosed_brace",
        "fields written in { } whose closing '}' is missing",
        swap("anstallda_efter: 2, okning: 1}", "anstallda_efter: 2, okning: 1",
             within="{namn: Smide & Industrimontage"),
        ["stängs aldrig med '}'"], line=line,
        exact=f"Fel i indata: yaml_unclosed_brace.yaml:{line}: samlingen som börjar med '{{' här "
              "stängs aldrig med '}' (eller står ett kolon i en text i samlingen? sätt texten "
              "inom citattecken)\n",
    ))
    line = line_of('rapportdatum: "2022-12"')
    add(Case(
        "yaml_text_after_quote",
        "more text after a quoted value's closing quote",
        swap('rapportdatum: "2022-12"', 'rapportdatum: "2022-12" (december)'),
        ["text efter det avslutande citattecknet"], line=line,
        exact=f"Fel i indata: yaml_text_after_quote.yaml:{line}: text efter det avslutande "
              "citattecknet; sätt hela texten inom citattecknen\n",
    ))
    line = line_of("  utvarderare:")
    add(Case(
        "yaml_reserved_first_character",
        "a value starting with '@', which YAML reserves",
        swap("utvarderare: Regionakademien", "utvarderare: @Regionakademien"),
        ["kan inte börja med tecknet '@'"], line=line,
        exact=f"Fel i indata: yaml_reserved_first_character.yaml:{line}: ett värde kan inte börja "
              "med tecknet '@' (det har en egen betydelse i YAML); sätt texten inom "
              "citattecken\n",
    ))
    line = line_of("  - Projektet har nått nya grupper")
    add(Case(
        "yaml_markdown_star_first",
        "a summary point starting with Markdown emphasis (*…*), which YAML reads as an alias",
        swap("  - Projektet har nått nya grupper av företagare.",
             "  - *Nya grupper* av företagare har nåtts."),
        ["läses i YAML som ett alias"], line=line,
        exact=f"Fel i indata: yaml_markdown_star_first.yaml:{line}: en text som börjar med '*' "
              "läses i YAML som ett alias (*namn), men ankaret '&Nya' finns inte ovanför; sätt "
              "texten inom citattecken\n",
    ))
    add(Case(
        "yaml_unknown_escape",
        "a backslash inside double quotes that starts no escape YAML knows (\\R)",
        swap("utvarderare: Regionakademien i Umeå",
             'utvarderare: "Regionakademien\\Region Västerbotten"'),
        ["snedstreck"], line=line_of("  utvarderare:"),
        exact=f"Fel i indata: yaml_unknown_escape.yaml:{line_of('  utvarderare:')}: ett "
              "snedstreck \\ inom dubbla citattecken inleder en teckenkod, och den här finns "
              "inte; skriv \\\\ för ett snedstreck, eller använd enkla citattecken "
              "('C:\\data')\n",
    ))
    line = line_of("    - Vindeln", within="\nprojekt:\n")
    add(Case(
        "yaml_list_item_indent",
        "a list item indented less than the one above it",
        swap("    - Vindeln", "   - Vindeln", within="\nprojekt:\n"),
        ["listraden ('- ') har inte samma indrag"], line=line,
    ))
    line = line_of("  kortnamn:")
    add(Case(
        "yaml_list_item_after_value",
        "a list item ('- ') on the same line as its key",
        swap("kortnamn: NIS 6.0", "kortnamn: - NIS 6.0"),
        ["kan inte stå här"], line=line,
    ))
    line = line_of("    text: |-\n", within="\navsnitt:\n")
    add(Case(
        "yaml_text_after_block_marker",
        "text on the same line as the '|-' that starts a block of text",
        swap("    text: |-\n", "    text: |- Inledning\n", within="\navsnitt:\n"),
        ["efter '|' eller '>'"], line=line,
    ))
    line = line_of("{namn: Smide & Industrimontage")
    add(Case(
        "control_char_raw",
        "a raw BEL character (U+0007) pasted into a company name",
        swap("{namn: Smide & Industrimontage", "{namn: Smide\a & Industrimontage"),
        ["U+0007"], line=line, path="program_for_tillvaxt.effekt.foretag[24].namn",

    ))
    add(Case(
        "control_char_escaped",
        'a BEL character written as the YAML escape "\\a" in a company name',
        swap("{namn: Smide & Industrimontage I Norr AB,",
             '{namn: "Smide\\a & Industrimontage I Norr AB",'),
        ["otillåtet tecken U+0007"], line=line,
        path="program_for_tillvaxt.effekt.foretag[24].namn",
    ))

    # --- wrong types -------------------------------------------------------------------------
    line = line_of("  budget:")
    add(Case(
        "text_for_number",
        "words where an amount is expected (ekonomi.budget)",
        swap("budget: 16713030", "budget: sexton miljoner"),
        ["ska vara ett heltal"], line=line, path="ekonomi.budget",
        exact=f"Fel i indata: text_for_number.yaml:{line}: ekonomi.budget: ska vara ett heltal "
              "(fick 'sexton miljoner')\n",
    ))
    add(Case(
        "list_for_mapping",
        "a list where a mapping is expected (projekt.period as [fran, till])",
        swap('period:\n    fran: "2019"\n    till: "2022"', 'period:\n    - "2019"\n    - "2022"'),
        ["ska vara en samling fält"], line=line_of("  period:", within="\nprojekt:\n"),
        path="projekt.period",
    ))
    add(Case(
        "text_for_mapping",
        "a text where a mapping is expected (projekt.period: 2019–2022)",
        swap('period:\n    fran: "2019"\n    till: "2022"', "period: 2019–2022"),
        ["ska vara en samling fält", "'2019–2022'"],
        line=line_of("  period:", within="\nprojekt:\n"), path="projekt.period",
    ))
    add(Case(
        "mapping_for_list",
        "a mapping where a list is expected (horisontella_kriterier.kriterier)",
        swap("      - hållbar utveckling\n"
             "      - lika möjligheter och icke-diskriminering\n"
             "      - jämställdhet mellan män och kvinnor\n",
             "      hållbar utveckling: ja\n"
             "      lika möjligheter och icke-diskriminering: ja\n"
             "      jämställdhet mellan män och kvinnor: ja\n"),
        ["ska vara en lista"], line=line_of("  kriterier:"),
        path="horisontella_kriterier.kriterier",
    ))
    add(Case(
        "boolean_for_count",
        "true where a count is expected; it must not be taken as 1",
        swap("antal: 259", "antal: true"),
        ["ska vara ett heltal"], line=line_of("antal: 259"),
        path="aktiviteterna.omraden[0].antal",

    ))
    add(Case(
        "null_for_amount",
        "a required amount left empty (budget: with no value)",
        swap("budget: 16713030", "budget:"),
        ["ska vara ett heltal"], line=line_of("  budget:"), path="ekonomi.budget",
    ))

    # --- unknown and misspelt keys -----------------------------------------------------------
    add(Case(
        "unknown_top_level_key",
        "a top-level key like no known one; the message lists the allowed keys",
        swap("\navsnitt:\n", "\nbilagor: ingen\n\navsnitt:\n"),
        ["okänt fält 'bilagor'", "tillåtna fält här:", "avsnitt", "projekt"],
        line=line_of("\navsnitt:\n"), path="bilagor",
    ))
    line = line_of("\navsnitt:\n")
    add(Case(
        "misspelt_top_level_key",
        "a misspelt top-level key (avsnit), with the suggestion",
        swap("\navsnitt:\n", "\navsnit:\n"),
        ["okänt fält 'avsnit'", "menade du 'avsnitt'?"], line=line, path="avsnit",
        exact=f"Fel i indata: misspelt_top_level_key.yaml:{line}: avsnit: okänt fält 'avsnit'; "
              "menade du 'avsnitt'?\n",
    ))
    line = line_of("  kostnader:\n")
    add(Case(
        "misspelt_ekonomi_kostnadr",
        "a misspelt nested key (ekonomi.kostnadr), with the suggestion",
        swap("    kostnader:\n", "    kostnadr:\n"),
        ["okänt fält 'kostnadr'", "menade du 'kostnader'?"], line=line, path="ekonomi.kostnadr",
        exact=f"Fel i indata: misspelt_ekonomi_kostnadr.yaml:{line}: ekonomi.kostnadr: okänt fält "
              "'kostnadr'; menade du 'kostnader'?\n",
    ))
    line = line_of("  period:\n", within="\nprojekt:\n")
    add(Case(
        "misspelt_projekt_perod",
        "a misspelt required key (projekt.perod): said once, as the misspelling, not also as "
        "the missing field it was meant to be",
        swap("  period:\n", "  perod:\n", within="\nprojekt:\n"),
        ["okänt fält 'perod'", "menade du 'period'?"],
        line=line, path="projekt.perod",
        exact=f"Fel i indata: misspelt_projekt_perod.yaml:{line}: projekt.perod: okänt fält "
              "'perod'; menade du 'period'?\n",
    ))
    add(Case(
        "misspelt_company_anstallda_for",
        "a misspelt key in a company of the effect table (anstallda_for)",
        swap("Friluftsbutiken Skog & Rök, anstallda_fore",
             "Friluftsbutiken Skog & Rök, anstallda_for"),
        ["okänt fält 'anstallda_for'", "menade du 'anstallda_fore'?"],
        line=line_of("{namn: Friluftsbutiken"),
        path="program_for_tillvaxt.effekt.foretag[6].anstallda_for",
    ))
    add(Case(
        "misspelt_deltagare_andel",
        "a misspelt key two levels down (horisontella_kriterier.deltagare.andel_kvinor)",
        swap("andel_kvinnor: 49.7", "andel_kvinor: 49.7"),
        ["okänt fält 'andel_kvinor'", "menade du 'andel_kvinnor'?"],
        line=line_of("andel_kvinnor: 49.7"), path="horisontella_kriterier.deltagare.andel_kvinor",
    ))
    add(Case(
        "unknown_key_in_list_item",
        "an unknown key in a list item (a cost), listing the allowed keys",
        swap("        belopp: 120266\n",
             "        belopp: 120266\n        kommentar: preliminärt\n"),
        ["okänt fält 'kommentar'", "tillåtna fält här: belopp, fotnot, kategori"],
        line=line_of("        belopp: 120266\n") + 1, path="ekonomi.kostnader[3].kommentar",
    ))

    # --- missing or empty required fields ----------------------------------------------------
    add(Case(
        "missing_projekt_namn",
        "projekt.namn left out; the line is that of projekt",
        swap("  namn: Näringsliv i samverkan\n", ""),
        ["fältet saknas men måste finnas"], line=line_of("\nprojekt:\n"), path="projekt.namn",
    ))
    add(Case(
        "missing_ekonomi_budget",
        "ekonomi.budget left out; the line is that of the ekonomi section",
        swap("    budget: 16713030\n", ""),
        ["fältet saknas men måste finnas"], line=line_of("  - typ: ekonomi\n"),
        path="ekonomi.budget",
    ))
    add(Case(
        "missing_company_namn",
        "a company in the effect table without its namn",
        swap("{namn: Brandts Blommor, ", "{"),
        ["fältet saknas men måste finnas"], line=line_of("{namn: Brandts Blommor"),
        path="program_for_tillvaxt.effekt.foretag[1].namn",
    ))
    add(Case(
        "empty_projekt_namn",
        'projekt.namn given as an empty text ("")',
        swap("namn: Näringsliv i samverkan", 'namn: ""'),
        ["får inte vara tomt"], line=line_of("  namn: Näringsliv"), path="projekt.namn",
    ))

    # --- numbers out of range or of the wrong kind -------------------------------------------
    add(Case(
        "negative_count",
        "a negative count (antal: -3)",
        swap("antal: 259", "antal: -3"),
        ["får inte vara negativt", "(fick \u22123)"], line=line_of("antal: 259"),
        path="aktiviteterna.omraden[0].antal",
    ))
    line = line_of("belopp: 7095150")
    add(Case(
        "negative_amount",
        "a negative amount in a cost (belopp: -5)",
        swap("belopp: 7095150", "belopp: -5"),
        ["får inte vara negativt"], line=line, path="ekonomi.kostnader[2].belopp",
        exact=f"Fel i indata: negative_amount.yaml:{line}: ekonomi.kostnader[2].belopp: får inte "
              "vara negativt (fick \u22125)\n",
    ))
    add(Case(
        "absurd_amount",
        "an absurd budget of 10**15 kronor",
        swap("budget: 16713030", f"budget: {10**15}"),
        ["är orimligt stort"], line=line_of("  budget:"), path="ekonomi.budget",
    ))
    add(Case(
        "amount_infinite",
        "an infinite budget (.inf)",
        swap("budget: 16713030", "budget: .inf"),
        ["ändligt tal"], line=line_of("  budget:"), path="ekonomi.budget",
    ))
    add(Case(
        "fractional_kronor",
        "a fractional amount where whole kronor are expected (budget: 12.5)",
        swap("budget: 16713030", "budget: 12.5"),
        ["ska vara ett heltal, inte ett decimaltal"], line=line_of("  budget:"),
        path="ekonomi.budget",
    ))
    add(Case(
        "headcount_not_half",
        "a head count that is not a whole or half post (2.3)",
        swap("anstallda_fore: 2.5", "anstallda_fore: 2.3"),
        ["hela eller halva tjänster"], line=line_of("anstallda_fore: 2.5"),
        path="program_for_tillvaxt.effekt.foretag[0].anstallda_fore",
    ))
    add(Case(
        "percent_over_100",
        "a percentage over 100 (andel_kvinnor: 149.7)",
        swap("andel_kvinnor: 49.7", "andel_kvinnor: 149.7"),
        ["en procentsats får vara högst 100"], line=line_of("andel_kvinnor: 49.7"),
        path="horisontella_kriterier.deltagare.andel_kvinnor",
    ))
    add(Case(
        "percent_nan",
        "a percentage that is not a number (.nan)",
        swap("andel_kvinnor: 49.7", "andel_kvinnor: .nan"),
        ["ändligt tal"], line=line_of("andel_kvinnor: 49.7"),
        path="horisontella_kriterier.deltagare.andel_kvinnor",
    ))

    # --- dates -------------------------------------------------------------------------------
    add(Case(
        "invalid_month",
        'a date with month 13 ("2022-13")',
        swap('rapportdatum: "2022-12"', 'rapportdatum: "2022-13"'),
        ["ogiltigt datum", "2022-13"], line=line_of("rapportdatum:"), path="projekt.rapportdatum",
    ))
    line = line_of("  period:\n", within="\nprojekt:\n")
    add(Case(
        "period_reversed",
        "a period that ends (2018) before it starts (2019)",
        swap('till: "2022"', 'till: "2018"', within="\nprojekt:\n"),
        ["perioden slutar (2018) före den börjar (2019)"], line=line, path="projekt.period",
        exact=f"Fel i indata: period_reversed.yaml:{line}: projekt.period: perioden slutar (2018) "
              "före den börjar (2019)\n",
    ))
    add(Case(
        "date_in_words",
        "a date written in words (fran: våren 2019)",
        swap('fran: "2019"', "fran: våren 2019"),
        ["ska vara ett datum som 2022, 2022-10 eller 2022-10-31"],
        line=line_of('fran: "2019"'), path="projekt.period.fran",
    ))

    # --- the file as a whole -----------------------------------------------------------------
    add(Case(
        "empty_file",
        "a file of zero bytes",
        b"",
        ["filen är tom"],
        exact="Fel i indata: empty_file.yaml: filen är tom; den ska innehålla rapportens data "
              "i YAML\n",
    ))
    add(Case(
        "only_comment",
        "a file holding only comments (the fixture's header, without the data)",
        (TEXT.split("\nprojekt:\n", 1)[0] + "\n").encode("utf-8"),
        ["men innehåller inget"], line=1,
    ))
    body = TEXT.split("\nprojekt:\n", 1)[1]
    as_list = "- projekt:\n" + "".join(
        ("  " + ln if ln.strip() else ln) for ln in body.splitlines(keepends=True)
    )
    add(Case(
        "top_level_list",
        "the whole report as the one item of a top-level YAML list",
        as_list.encode("utf-8"),
        ["men innehåller en lista"], line=1,
    ))
    line = line_of("    - Vännäs\n")
    add(Case(
        "latin1_vannas",
        "one word (Vännäs) saved in Latin-1 in an otherwise UTF-8 file",
        swap("    - Vännäs\n", "    - \0\n").replace(b"\0", "Vännäs".encode("latin-1")),
        ["filen är inte UTF-8", "0xE4"], line=line,
        exact=f"Fel i indata: latin1_vannas.yaml:{line}: filen är inte UTF-8 (byte 0xE4 på rad "
              f"{line}); spara den som UTF-8\n",
    ))
    add(Case(
        "utf16_bom",
        "the report saved as UTF-16 with a byte order mark",
        TEXT.encode("utf-16"),
        ["UTF-16", "spara den som UTF-8"], line=1,
        exact="Fel i indata: utf16_bom.yaml:1: filen är sparad som UTF-16; spara den som UTF-8\n",
    ))
    add(Case(
        "utf16le_no_bom",
        "the report saved as UTF-16 (little-endian) without a byte order mark",
        TEXT.encode("utf-16-le"),
        ["filen är inte UTF-8"], line=1,
    ))
    laughs = 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n"
        for i in range(8)
    )
    add(Case(
        "alias_bomb",
        "nested YAML aliases that expand to 10**9 values ('billion laughs'); refused quickly",
        laughs.encode("utf-8"),
        ["alias"], line=2, path="b[0]", timeout=30,
    ))
    add(Case(
        "folder",
        "a folder named like a report instead of a file (made at test time)",
        None, ["är en mapp, inte en fil"], setup="mkdir",
    ))
    add(Case(
        "missing_file",
        "a file that does not exist",
        None, ["filen finns inte"], setup="absent",
    ))
    add(Case(
        "too_large",
        "a 25 MB file (the fixture padded with comment lines; made at test time)",
        None, ["filen är för stor", "(25 MB; högst 20 MB)"], setup="large", extra={"mb": 25},
    ))
    add(Case(
        "just_over_size_limit",
        "a file one byte over the 20 MB limit (made at test time)",
        None, ["filen är för stor", "(21 MB; högst 20 MB)"], setup="large",
        extra={"bytes": 20 * 1024 * 1024 + 1},
    ))
    return out


def _toml(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def render_catalogue(catalogue: list[Case]) -> str:
    """``cases.toml``: one ``[[case]]`` table per case."""
    out = [
        "# The catalogue of malformed inputs for tests/test_bad_input.py.",
        "# Generated by make_cases.py from fixtures/nis60.yaml: do not edit, run the script.",
        "#",
        "# file     the input (committed here, or made at test time when `setup` is given)",
        "# line     the line the message must name, as ':LINE:' after the file name",
        "# path     the field the message must name",
        "# phrases  the Swedish key phrases the message must contain",
        "# exact    the whole output, for a few representative cases",
        "# xfail    a known bug in the loader or models that makes the case fail (strict)",
        "",
    ]
    for case in catalogue:
        out.append("[[case]]")
        out.append(f"name = {_toml(case.name)}")
        out.append(f"file = {_toml(case.file)}")
        out.append(f"tests = {_toml(case.tests)}")
        if case.line is not None:
            out.append(f"line = {case.line}")
        if case.path:
            out.append(f"path = {_toml(case.path)}")
        out.append(f"phrases = {_toml(case.phrases)}")
        for key in ("setup", "exact", "xfail"):
            if getattr(case, key):
                out.append(f"{key} = {_toml(getattr(case, key))}")
        if case.timeout:
            out.append(f"timeout = {case.timeout}")
        if case.extra:
            out.append(f"extra = {_toml(case.extra)}")
        out.append("")
    return "\n".join(out)


def build() -> dict[str, bytes]:
    """Every file this script writes, by name: the inputs and the catalogue."""
    catalogue = cases()
    names = [c.name for c in catalogue]
    assert len(names) == len(set(names)), "case names must be unique"
    files = {c.file: c.data for c in catalogue if c.data is not None}
    files[CATALOGUE] = render_catalogue(catalogue).encode("utf-8")
    return files


def main() -> None:
    """Write the catalogue next to this script, removing inputs no case uses any more."""
    files = build()
    for old in HERE.iterdir():
        if old.is_file() and old.name not in files and old.name != Path(__file__).name:
            old.unlink()
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    print(f"{len(files) - 1} inputs and {CATALOGUE} written to {HERE}", file=sys.stderr)


if __name__ == "__main__":
    main()
