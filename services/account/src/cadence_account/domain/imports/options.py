"""The caller's choices for one import job."""

from __future__ import annotations

from dataclasses import dataclass

from .fields import Settings
from .locales import date_style, number_style
from .mapping import FieldMapping

FORMATS = ("template", "salesforce", "hubspot")


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """format: template | salesforce | hubspot.

    locale: decides decimal comma vs point and day- vs month-first dates ("en" = en-US);
    None = decide per value and report values that could be read two ways.
    date_format: a strptime format that overrides the locale for non-ISO dates.
    Raises ValueError (LocaleError) at construction for an unknown format or locale, since
    those are caller mistakes, not problems of the uploaded files.
    """

    format: str
    locale: str | None = None
    date_format: str | None = None
    mapping: FieldMapping | None = None

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"unknown import format {self.format!r}; use one of {', '.join(FORMATS)}")
        self.settings()

    def settings(self) -> Settings:
        return Settings(
            numbers=number_style(self.locale),
            dates=date_style(self.locale, self.date_format),
            mapping=self.mapping or FieldMapping(),
        )
