"""marshmallow schemas: the only input validation. Unknown fields are rejected."""
