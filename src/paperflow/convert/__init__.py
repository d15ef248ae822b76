"""Convert stage: .docx → PDF with LibreOffice (persistent UNO listeners, or batched calls)."""

from ..errors import ConversionError
from .converter import Converter, uno_available

__all__ = ["Converter", "ConversionError", "uno_available"]
