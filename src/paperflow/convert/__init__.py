"""Convert stage: .docx → PDF with LibreOffice (persistent UNO listeners, or batched calls).

Also the LibreOffice wrapper itself (finding soffice, its scrubbed environment, a throw-away
profile, killing its process group), for the readers that open .doc/.xls through it."""

from ..errors import ConversionError
from ._soffice import find_soffice, kill_group, profile_url, soffice_env
from .converter import Converter, uno_available

__all__ = ["Converter", "ConversionError", "uno_available", "find_soffice", "kill_group",
           "profile_url", "soffice_env"]
