"""`python -m app <command>`: the same commands as `python -m app.cli` (serve, migrate, ...)."""

from app.cli import main

if __name__ == "__main__":
    main()
