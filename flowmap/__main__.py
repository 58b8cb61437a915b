"""``python -m flowmap``: the same as the ``flowmap`` command."""

from flowmap.cli import main

if __name__ == "__main__":
    main()
