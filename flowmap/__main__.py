"""``python -m flowmap``: the same as the ``flowmap`` command.

The import of the command line sits inside the interrupt guard too, so a Ctrl-C at any
moment after Python has started flowmap ends with exit 130 and one line, never a
traceback (:func:`flowmap.cli.main` guards the rest).
"""

import sys

if __name__ == "__main__":
    try:
        from flowmap.cli import main

        main()
    except KeyboardInterrupt:
        sys.stderr.write("flowmap: interrupted\n")
        sys.exit(130)
