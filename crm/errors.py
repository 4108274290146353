"""Errors the importer raises: each names what is wrong and how to fix it (shown to users as is)."""

from __future__ import annotations


class CrmImportError(ValueError):
    """The file cannot be imported as it stands. `field` names the input ("file", "mapping.amount", ...)."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(message)


class MappingNeeded(CrmImportError):
    """Required columns could not be recognised: ask the user to map them (`missing`, `columns`, `guess`)."""

    def __init__(self, missing: list[str], columns: list[str], guess: object):
        self.missing = missing
        self.columns = columns
        self.guess = guess
        names = ", ".join(missing)
        super().__init__(
            "mapping",
            f"Could not find the column(s) for {names}; choose them in the column mapping (file columns: {', '.join(columns)})",
        )


class AmbiguousDateFormat(CrmImportError):
    """Every date fits more than one format (e.g. 3/4/2017): ask the user which one (`candidates`)."""

    def __init__(self, candidates: list[str], examples: list[str]):
        self.candidates = candidates
        self.examples = examples
        shown = " or ".join(candidates)
        super().__init__(
            "date_format", f"The dates ({', '.join(examples[:3])}) could be {shown}; please choose the date format"
        )
