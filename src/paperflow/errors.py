"""One error hierarchy for paperflow.

An error is raised by a stable code with its facts as parameters —
`raise InputRejected("sheet_too_large", what=..., max_rows=...)` — and carries no sentence: the
Vietnamese and English a clerk reads are rendered from the catalogue (errortexts.py), the one
place that holds them. Every error has an exit code by kind. Errors keep their class up to the
CLI, the one place that prints them and maps each kind to its exit code (cli.py:
`_clerk_errors`); the batch collects them, typed, in its `BatchResult`. No message is parsed
back into an error.
"""

from __future__ import annotations

from enum import IntEnum

from . import errortexts
from .errortexts import Phrase

Param = str | int | float | Phrase


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1          # something in the batch failed (see the messages)
    USAGE = 2           # wrong command line
    CONFIG = 3          # config.toml is wrong
    INPUT = 4           # an input file could not be read (it was quarantined)
    CONVERSION = 5      # LibreOffice could not convert
    SIGNING = 6         # token, PIN, certificate problem
    INVALID = 7         # `verify`: a signature is not valid
    DELIVERY = 8        # mail could not be written or sent
    REGISTER = 9        # the database


class PaperflowError(Exception):
    """Base class: `code` names what is wrong (a key of errortexts.TEXTS), `params` its facts
    (strings and numbers, so that an error crosses a process boundary); `vi` and `en` are the
    catalogue's sentences filled with them: what is wrong and what to do."""

    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params: dict[str, Param] = {k: _plain(v) for k, v in params.items()}

    @property
    def vi(self) -> str:
        return errortexts.render(self.code, self.params, 0)

    @property
    def en(self) -> str:
        return errortexts.render(self.code, self.params, 1)

    def __str__(self) -> str:
        return self.en

    def clerk_message(self) -> str:
        """The text shown to a clerk: Vietnamese first, English beside it."""
        return f"{self.vi}\n({self.en})"

    def __reduce__(self) -> tuple[object, ...]:
        # picklable whatever a subclass's __init__ takes (a file read in a helper process
        # raises it there and it is raised again here)
        return _rebuilt, (type(self), self.code), dict(self.__dict__)


def _plain(value: object) -> Param:
    """A parameter as plain data: a number, a phrase of the catalogue, else its text."""
    if isinstance(value, (str, int, float, Phrase)):
        return value
    return str(value)


def _rebuilt(cls: type[PaperflowError], code: str) -> PaperflowError:
    err = cls.__new__(cls)
    Exception.__init__(err, code)
    return err


class ConfigError(PaperflowError):
    exit_code = ExitCode.CONFIG


class InputRejected(PaperflowError):
    """An inbox file that cannot be processed; it goes to inbox/rejected/ with this reason."""

    exit_code = ExitCode.INPUT


class InputChanged(PaperflowError):
    """An inbox file that changed while it was read (a copy still going on): nothing of it is
    stored; it stays in the inbox and is read again once it holds still."""

    exit_code = ExitCode.INPUT


class Quarantined(PaperflowError):
    """A file or one request that made a later stage (planning, rendering) fail: set aside with
    this reason while the rest of the batch is produced (batch/quarantine.py). Not a failure
    of the run, as a rejected file is not: the clerk reads why and drops a corrected file."""

    exit_code = ExitCode.INPUT


class RegisterError(PaperflowError):
    exit_code = ExitCode.REGISTER


class TemplateError(PaperflowError):
    exit_code = ExitCode.FAILED


class ConversionError(PaperflowError):
    exit_code = ExitCode.CONVERSION


class SigningError(PaperflowError):
    exit_code = ExitCode.SIGNING


class BatchNotFound(PaperflowError):
    """A batch named on the command line that the register or the outbox does not have."""

    exit_code = ExitCode.USAGE


class DeliveryError(PaperflowError):
    exit_code = ExitCode.DELIVERY
