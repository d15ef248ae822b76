"""One error hierarchy for paperflow.

Every error carries a message a clerk can act on, in Vietnamese with the English beside it,
and an exit code. Errors keep their class up to the CLI, the one place that prints them and
maps each kind to its exit code (cli.py: `_clerk_errors`); the batch collects them, typed, in
its `BatchResult`. No message is parsed back into an error.
"""

from __future__ import annotations

from enum import IntEnum


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
    """Base class: `vi` and `en` say what is wrong and what to do."""

    exit_code: ExitCode = ExitCode.FAILED
    code: str = "error"

    def __init__(self, vi: str, en: str, *, code: str | None = None) -> None:
        super().__init__(en)
        self.vi = vi
        self.en = en
        if code:
            self.code = code

    def clerk_message(self) -> str:
        """The text shown to a clerk: Vietnamese first, English beside it."""
        return f"{self.vi}\n({self.en})"

    def __reduce__(self) -> tuple[object, ...]:
        # picklable whatever a subclass's __init__ takes (a file read in a helper process
        # raises it there and it is raised again here)
        return _rebuilt, (type(self), self.vi, self.en), dict(self.__dict__)


def _rebuilt(cls: type[PaperflowError], vi: str, en: str) -> PaperflowError:
    err = cls.__new__(cls)
    Exception.__init__(err, en)
    err.vi, err.en = vi, en
    return err


class ConfigError(PaperflowError):
    exit_code = ExitCode.CONFIG
    code = "config"


class InputRejected(PaperflowError):
    """An inbox file that cannot be processed; it goes to inbox/rejected/ with this reason."""

    exit_code = ExitCode.INPUT
    code = "input"


class InputChanged(PaperflowError):
    """An inbox file that changed while it was read (a copy still going on): nothing of it is
    stored; it stays in the inbox and is read again once it holds still."""

    exit_code = ExitCode.INPUT
    code = "changed"


class Quarantined(PaperflowError):
    """A file or one request that made a later stage (planning, rendering) fail: set aside with
    this reason while the rest of the batch is produced (batch/quarantine.py). Not a failure
    of the run, as a rejected file is not: the clerk reads why and drops a corrected file."""

    exit_code = ExitCode.INPUT
    code = "quarantined"


class RegisterError(PaperflowError):
    exit_code = ExitCode.REGISTER
    code = "register"


class TemplateError(PaperflowError):
    exit_code = ExitCode.FAILED
    code = "template"


class ConversionError(PaperflowError):
    exit_code = ExitCode.CONVERSION
    code = "conversion"


class SigningError(PaperflowError):
    exit_code = ExitCode.SIGNING
    code = "signing"


class BatchNotFound(PaperflowError):
    """A batch named on the command line that the register or the outbox does not have."""

    exit_code = ExitCode.USAGE
    code = "no_batch"


class DeliveryError(PaperflowError):
    exit_code = ExitCode.DELIVERY
    code = "delivery"
