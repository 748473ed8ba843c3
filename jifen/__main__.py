"""The `jifen` command: Django's manage.py under the project's name.

`jifen compute` runs the pure engine directly, so it works without any settings or database;
so does `jifen generate_field_key`, which makes the very key that production settings require.
"""

import os
import sys


def main() -> None:
    argv = sys.argv
    if len(argv) > 1 and argv[1] == "compute":
        from jifen.engine.cli import main as compute_main

        sys.exit(compute_main(argv[2:]))
    if argv[1:] == ["generate_field_key"]:
        from jifen.core.crypto import generate_key

        print(generate_key())
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jifen.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
