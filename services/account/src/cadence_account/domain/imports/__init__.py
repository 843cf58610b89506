"""CRM-export import parser: template, Salesforce and HubSpot CSVs → validated records.

Pure: reads the byte streams it is given, nothing else. See api.parse_import for the job-level
entry point and template.iter_template_rows for streaming very large template files.
"""

from .api import parse_import
from .currencies import ISO_4217_CODES
from .locales import LocaleError
from .mapping import FieldMapping, FieldSource, MappingError
from .model import (
    ImportedAccount,
    ImportedContact,
    ImportedSubscription,
    ImportedTechEntry,
    ImportFile,
    ParsedImport,
    ParsedRow,
    RowIssue,
)
from .options import ImportOptions
from .template import TemplateJob, iter_template_rows

__all__ = [
    "ISO_4217_CODES",
    "FieldMapping",
    "FieldSource",
    "ImportFile",
    "ImportOptions",
    "ImportedAccount",
    "ImportedContact",
    "ImportedSubscription",
    "ImportedTechEntry",
    "LocaleError",
    "MappingError",
    "ParsedImport",
    "ParsedRow",
    "RowIssue",
    "TemplateJob",
    "iter_template_rows",
    "parse_import",
]
