"""``python -m marketsim``: the same as the ``marketsim`` command."""

from marketsim.cli.main import app

if __name__ == "__main__":
    app(prog_name="marketsim")
