"""``python -m sedata``: the same command line as the ``sedata`` script."""

from sedata.cli.main import app

if __name__ == "__main__":
    app(prog_name="sedata")
