"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from creditsvc import create_app

app = create_app()
