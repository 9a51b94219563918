"""The command line (typer). It only parses arguments and prints: all work is done by the library."""
