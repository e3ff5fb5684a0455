"""sheetsync: turn a sales pipeline kept in a spreadsheet into an instrumented system."""

__version__ = "0.1.0"
