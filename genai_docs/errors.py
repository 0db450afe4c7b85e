"""The one exception type that means "the user asked for something wrong"."""


class UsageError(Exception):
    """A user mistake (bad argument, unreadable file): shown as one line, exit status 2."""
