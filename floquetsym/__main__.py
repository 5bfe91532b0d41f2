import sys

from .app.cli import main

if __name__ == "__main__":      # importing this module (docs, tools) must not run the CLI
    sys.exit(main())
