"""``python -m gobetween`` runs the command-line interface."""

from gobetween.cli.main import main

if __name__ == "__main__":
    main()
