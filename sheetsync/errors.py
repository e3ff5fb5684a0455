"""The one exception family: raised only when a run cannot go on.

Bad rows are not exceptions (they are findings); these are for a source that
cannot be opened, read or written.  The CLI turns them into one line and exit 2.
"""


class SheetsyncError(Exception):
    """A run cannot go on.  The message is one plain line that names the place."""


class SourceError(SheetsyncError):
    """The source is not a pipeline workbook we can read (wrong file, missing sheet...)."""


class WriteError(SheetsyncError):
    """The result could not be written; the original is left as it was."""


class LockedError(WriteError):
    """Someone (Excel, another sync) holds the workbook."""


class RulesError(SheetsyncError):
    """A rules file or Rules sheet value is not usable."""


class ConfigError(SheetsyncError):
    """A sheetsync.toml is not usable."""


class RemoteError(SheetsyncError):
    """The Google Sheets API refused or failed."""
