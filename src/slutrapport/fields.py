"""The building blocks of a report's data: value types, the base model and the section base.

Every section kind (:mod:`slutrapport.kinds`) and the report itself (:mod:`slutrapport.models`) are
built from these. The vocabulary is the report's own Swedish (ASCII-folded snake_case): a YAML
file's keys are the field names.

Conventions:

- Amounts are whole kronor (``int``); never float.
- Head counts are :class:`~decimal.Decimal` in steps of one half (``159.5``).
- Percentages are :class:`~decimal.Decimal` between 0 and 100 (``49.7`` means 49,7 %).
- Dates may be partial ISO strings: ``"2019"``, ``"2022-10"`` or ``"2022-10-31"``.
- Narrative text is Markdown (see :mod:`slutrapport.narrative` for the subset). A figure written in
  narrative may be tied to the data as a link,
  ``[2 949](tal:horisontella_kriterier.deltagare.totalt)``,
  renders as the text ``2 949`` and is checked against the figure it names.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from slutrapport.errors import InputError
from slutrapport.messages import (
    FORBIDDEN_CHARACTERS,
    clean_text,
    forbidden_message,
    problems_of,
)
from slutrapport.names import check_digit, org_number
from slutrapport.narrative import MARKDOWN, Markdown, markdown_fields
from slutrapport.numbers import MAX_TEXT_LENGTH, parse_number
from slutrapport.paths import Loc

__all__ = [
    "FORBIDDEN_CHARACTERS",
    "MARKDOWN",
    "Anstallda",
    "Antal",
    "Belopp",
    "Carry",
    "Datum",
    "Deltagare",
    "Derived",
    "Forandring",
    "GenderCounts",
    "Kronor",
    "Loc",
    "Markdown",
    "Modell",
    "Organisationsnummer",
    "Period",
    "Procent",
    "Tal",
    "clean_text",
    "date_bounds",
    "forbidden_message",
    "markdown_fields",
    "read_number",
    "two_of_three",
]

MAX_WHOLE_DIGITS = 15
"""The most digits a figure may have before its decimal comma (a report's largest is 10^12)."""
MAX_DECIMALS = 10
"""The most decimals a figure may have (a share is given to two or three at most)."""
MAX_TEXT_DIGITS = MAX_TEXT_LENGTH
"""A number written as text with more characters than this is refused before it is parsed."""


def _bounded(value: Decimal | int) -> Decimal | int:
    """Refuse a figure no report can have, before any arithmetic makes it costly.

    ``Decimal("1e999999999")`` is cheap to hold, but ``int()`` of it, or quantizing it, can hang
    or eat all memory; a figure with thousands of digits or decimals is a mistake in any case.
    """
    if isinstance(value, int):
        if value.bit_length() > 64 or abs(value) >= 10**MAX_WHOLE_DIGITS:
            raise ValueError(
                f"talet är orimligt stort (högst {MAX_WHOLE_DIGITS} siffror före decimaltecknet)")
        return value
    if not value.is_finite():
        return value  # pydantic refuses it with its own (translated) message
    if value and value.adjusted() >= MAX_WHOLE_DIGITS:
        raise ValueError(
            f"talet är orimligt stort (högst {MAX_WHOLE_DIGITS} siffror före decimaltecknet)")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMALS:
        trimmed = value.normalize() if value.adjusted() > -MAX_DECIMALS * 2 else value
        trimmed_exponent = trimmed.as_tuple().exponent
        if value and isinstance(trimmed_exponent, int) and trimmed_exponent < -MAX_DECIMALS:
            raise ValueError(f"talet har för många decimaler (högst {MAX_DECIMALS})")
        if not value:
            return Decimal(0)
        return trimmed
    return value


def read_number(value: Any) -> Any:
    """Accept a Swedish-written number in a string ("159,5", "16 713 030", "−2") as well as numbers.

    Floats from YAML become Decimals through their shortest repr, so ``159.5`` stays exact. A
    figure out of all reason (see :func:`_bounded`) is refused with a Swedish message.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return _bounded(Decimal(repr(value))) if value == value and abs(value) != float("inf") \
            else Decimal(repr(value))
    if isinstance(value, int | Decimal):
        return _bounded(value)
    if isinstance(value, str):
        if len(value) > MAX_TEXT_DIGITS:
            if re.fullmatch(r"[\s\u00a0\u202f\u2009+\-\u2212\d.,eE]+", value):
                raise ValueError(f"talet har för många siffror ({len(value)} tecken)")
            return value
        number = parse_number(value)
        return value if number is None else _bounded(number)
    return value


def _whole(value: Any) -> Any:
    """Turn a Swedish-written whole number into an int, leaving anything else to pydantic."""
    if isinstance(value, bool):
        raise ValueError(f"ska vara ett heltal, inte {str(value).lower()}")
    value = read_number(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def _halves(value: Decimal) -> Decimal:
    if (value * 2) != (value * 2).to_integral_value():
        raise ValueError("antalet anställda anges i hela eller halva tjänster (t.ex. 2 eller 2,5)")
    return value


def _partial_date(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return f"{value:04d}"
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


def _valid_partial_date(value: str) -> str:
    parts = value.split("-")
    try:
        _dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1,
                 int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError) as exc:
        raise ValueError(f"ogiltigt datum: '{value}' finns inte i kalendern; ska vara ett datum "
                         "som 2022, 2022-10 eller 2022-10-31") from exc
    return value


Kronor = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=10**12)]
"""An amount in whole kronor, 0 or more."""
Belopp = Annotated[int, BeforeValidator(_whole), Field(ge=-(10**12), le=10**12)]
"""An amount in whole kronor that may be negative (a difference)."""
Antal = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=10**9)]
"""A count of things: visits, activities, participants, companies."""
Anstallda = Annotated[
    Decimal, BeforeValidator(read_number), Field(ge=0, le=10**7), AfterValidator(_halves)
]
"""A head count in whole or half posts."""
Forandring = Annotated[
    Decimal, BeforeValidator(read_number), Field(ge=-(10**7), le=10**7), AfterValidator(_halves)
]
"""A change in head count, in whole or half posts; may be negative."""
def _percent(value: Any) -> Any:
    """A share as written: '33,3 %' or '33,3%' is 33,3 (the sign is the unit, not a mistake)."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.endswith("%"):
            value = stripped[:-1]
    return read_number(value)


Procent = Annotated[Decimal, BeforeValidator(_percent), Field(ge=0, le=100)]
"""A share in per cent, 0 to 100."""
Tal = Annotated[Decimal, BeforeValidator(read_number), Field(ge=-(10**12), le=10**12)]
"""Any figure (an indicator's outcome or target)."""
def _org_number(value: Any) -> Any:
    """An organisation number as written (``556036-0793``, ``5560360793``), checked: ten digits
    whose last is the check digit of the others."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:010d}"
    if not isinstance(value, str):
        return value
    number = org_number(value)
    if number is None:
        raise ValueError(f"'{value}' är inget organisationsnummer; skriv det som NNNNNN-NNNN")
    digit = check_digit(number)
    if int(number[-1]) != digit:
        raise ValueError(f"organisationsnumret {number} stämmer inte: kontrollsiffran (den sista) "
                         f"ska vara {digit}; kontrollera numret")
    return number


Organisationsnummer = Annotated[str, BeforeValidator(_org_number)]
"""A Swedish organisation number, ``NNNNNN-NNNN``, its check digit checked."""
Datum = Annotated[
    str,
    BeforeValidator(_partial_date),
    Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$"),
    AfterValidator(_valid_partial_date),
]
"""A date, as precise as it is known: ``2019``, ``2022-10`` or ``2022-10-31``."""


def date_bounds(value: str) -> tuple[_dt.date, _dt.date]:
    """The first and last day a partial date (``2019``, ``2022-10``, ``2022-10-31``) covers.

    >>> date_bounds("2022-02")
    (datetime.date(2022, 2, 1), datetime.date(2022, 2, 28))
    """
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return _dt.date(parts[0], 1, 1), _dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        first = _dt.date(parts[0], parts[1], 1)
        following = _dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return first, following - _dt.timedelta(days=1)
    day = _dt.date(parts[0], parts[1], parts[2])
    return day, day


_MAX_NESTING = 64  # as the loader's MAX_DEPTH: a file can't be nested deeper either


def _refuse_forbidden(value: Any, within: tuple[int, ...] = ()) -> None:
    """Refuse forbidden characters in a text, list or mapping (also of ``Any`` fields, which
    code may fill with a list that holds itself, or nest without end)."""
    if isinstance(value, str):
        message = forbidden_message(value)
        if message:
            raise ValueError(message)
        return
    if not isinstance(value, list | dict):
        return
    if id(value) in within:
        raise ValueError("en lista eller samling innehåller sig själv och kan inte skrivas ut")
    if len(within) >= _MAX_NESTING:
        raise ValueError(f"listor och fält är nästlade i fler än {_MAX_NESTING} nivåer")
    inner = (*within, id(value))
    if isinstance(value, list):
        for item in value:
            _refuse_forbidden(item, inner)
    else:
        for key, item in value.items():
            _refuse_forbidden(key, inner)
            _refuse_forbidden(item, inner)


def _unify_newlines(value: Any) -> Any:
    """Read ``\r\n`` and a lone ``\r`` as ``\n`` in every text."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    if isinstance(value, list):
        return [_unify_newlines(v) for v in value]
    if isinstance(value, dict):
        return {k: _unify_newlines(v) for k, v in value.items()}
    return value


def _swedish_error(exc: ValidationError, model: type[BaseModel]) -> Exception:
    """A pydantic error as the InputError the loader would give (Swedish, with places)."""
    error = InputError(problems_of(exc, model))
    error.validation_error = exc
    return error


COMPUTED = "valfritt: räknas ut om det lämnas tomt"
"""The note ``new --from`` writes at a figure it empties because it is computed when left out."""


Derived = Mapping[str, str | tuple[str, ...]]
"""A model's values derived for printing: a name in its template context → the field (or
fields) whose figures it shows (see :attr:`Modell.DERIVED`)."""


@dataclass(frozen=True)
class Carry:
    """What ``slutrapport new --from`` does with a model's fields in the next report.

    By default a figure becomes 0 (or is left out where the model allows it and ``check`` would
    not list a 0), a narrative text becomes ``…``, a list of texts is emptied, and a heading or
    name (a field called ``rubrik``, ``namn``, ``kategori``, ``finansiar`` or ``bildtext``) is
    kept and marked for review; a model says here where its fields differ. Each mapping goes
    from a field's name to the words of the comment written beside it. See
    :mod:`slutrapport.scaffold`.
    """

    rows: Mapping[str, str] = field(default_factory=dict)
    """Lists whose items belong to one report only: emptied; the words say what an item is."""
    emptied: Mapping[str, str] = field(default_factory=dict)
    """Fields set to nothing (null): a stated sum, a date of the last report."""
    sum_rows: Mapping[str, str] = field(default_factory=dict)
    """Rows of cells that sum a table's columns: the labels stay, the figures are emptied."""
    kept: frozenset[str] = frozenset()
    """Narrative that carries over as it stands."""
    hints: Mapping[str, str] = field(default_factory=dict)
    """What the TODO at a cleared field or group of figures says to fill in."""
    marked: frozenset[str] | None = None
    """The fields kept and marked for review (None: the headings and names, by field name)."""
    renewed: frozenset[str] = frozenset()
    """Periods asked anew, each end a TODO that names the last report's period."""
    names_of: Mapping[str, str] = field(default_factory=dict)
    """Mappings that name the entries of a mapping of figures (the field → the figures'
    field): kept, but an entry whose figure is left out goes with it, named in its comment."""


class Modell(BaseModel):
    """Base of every model: unknown keys are errors, so a misspelt key is never lost silently.

    Built in code, a model validates what is set later too (``ekonomi.utfall = -5`` is refused)
    and :meth:`model_validate` refuses in Swedish: the same
    :class:`~slutrapport.errors.InputError` a file gets, not pydantic's English. (``__init__`` is
    left as pydantic's: overriding it would make pydantic call it for every nested model.)

    A model says two more things of itself, for the rest of the tool: :attr:`DERIVED`, the values
    its template context derives from its figures for printing, and :attr:`CARRY`, what
    ``new --from`` does with its fields.
    """

    model_config = ConfigDict(extra="forbid", validate_default=True, validate_assignment=True)

    DERIVED: ClassVar[Derived] = {}
    """Values the model's (section's) ``context`` derives from its figures for printing: the
    name in the template context → the field (or fields) whose figures it shows. A list or
    mapping shows, item by item, the figures at the same places under the field
    (``tabellrader[2][1]`` shows ``rader[2][1]``); any other value shows every figure under the
    fields. A stated figure printed only under a name of its own must be listed here, or the
    check ``tal-visas-inte`` calls it unshown (:mod:`slutrapport.shown`)."""
    CARRY: ClassVar[Carry] = Carry()
    """What ``new --from`` does with the model's fields (see :class:`Carry`)."""

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Any:
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError as exc:
            raise _swedish_error(exc, cls) from None

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            super().__setattr__(name, value)
        except ValidationError as exc:
            raise _swedish_error(exc, type(self)) from None

    @field_validator("*", mode="after")
    @classmethod
    def _no_forbidden_characters(cls, value: Any) -> Any:
        _refuse_forbidden(value)
        return _unify_newlines(value)


class Period(Modell):
    """A period from one date to another (``2019``–``2022``, ``2020-05``–``2022-09``)."""

    fran: Datum = Field(description="Periodens start, t.ex. 2019 eller 2020-05.")
    till: Datum = Field(description="Periodens slut, t.ex. 2022 eller 2022-09.")

    @model_validator(mode="after")
    def _in_order(self) -> Period:
        if self.till < self.fran:
            raise ValueError(f"perioden slutar ({self.till}) före den börjar ({self.fran})")
        return self



def two_of_three(model: Any) -> Any:
    """A validator: of women, men and all, at least two must be given (the third is computed)."""
    if model.man is None and model.totalt is None:
        raise ValueError("ange minst två av kvinnor, man och totalt")
    return model


class GenderCounts:
    """Women, men and all, two of them stated: the third computed (``man_beraknat`` …).

    A plain mixin, so each model keeps its own field order and descriptions; it adds the
    validator with ``_two_of_three = model_validator(mode="after")(two_of_three)``.
    """

    if TYPE_CHECKING:  # the model's own fields (declared here for the type checker only, so
        kvinnor: int   # pydantic doesn't take them as fields of the mixin, first in order)
        man: int | None
        totalt: int | None

    @property
    def man_beraknat(self) -> int:
        """Men: as stated, else all participants less the women."""
        if self.man is not None:
            return self.man
        assert self.totalt is not None
        return self.totalt - self.kvinnor

    @property
    def totalt_beraknat(self) -> int:
        """All participants: as stated, else women plus men."""
        if self.totalt is not None:
            return self.totalt
        assert self.man is not None
        return self.kvinnor + self.man


class Deltagare(GenderCounts, Modell):
    """Participants in the project's activities, by gender."""

    CARRY = Carry(emptied=dict.fromkeys(("andel_kvinnor", "andel_man"), COMPUTED))

    kvinnor: Antal = Field(description="Antal kvinnor.")
    man: Antal | None = Field(None, description="Antal män (räknas ut om det saknas).")
    totalt: Antal | None = Field(
        None, description="Antal deltagare totalt (räknas ut om det saknas).")
    andel_kvinnor: Procent | None = Field(None, description="Angiven andel kvinnor i procent.")
    andel_man: Procent | None = Field(None, description="Angiven andel män i procent.")

    _two_of_three = model_validator(mode="after")(two_of_three)
