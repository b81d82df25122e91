"""The ``marketsim`` command line: ``main`` (the command and its own subcommands), ``lesson``,
``sweep``, and what they share (``common``)."""
