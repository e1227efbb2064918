"""The `creditsvc` console script: the app's commands on a Flask group of their own.

Kept apart from `creditsvc.cli`, which the app factory imports to register the commands:
the script imports the factory, and the factory never imports the script.
"""

from __future__ import annotations

import sys

from flask.cli import FlaskGroup

from creditsvc import create_app
from creditsvc.cli import routes


def main() -> None:
    group = FlaskGroup(create_app=create_app, help="诚信计量 credit service")
    # `creditsvc routes` is the authorisation table; `flask --app wsgi routes` keeps Flask's own.
    group.add_command(routes)
    sys.exit(group.main())
