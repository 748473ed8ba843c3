"""pytest plugin loaded with `-p` before pytest-django reads the settings.

It gives the test run the keys that production must supply through the environment, so a bare
`pytest` works; an explicit environment (DATABASE_URL for the PostgreSQL pass) still wins.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghijkl")
os.environ.setdefault("JIFEN_FIELD_KEY", "dGVzdC1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcyEhISE=")
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("JIFEN_STATIC_MANIFEST", "False")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("JIFEN_DATA_DIR", os.path.join(os.getcwd(), "data", "test"))
# Playwright's sync API runs an event loop in the test thread; the ORM calls of the same
# test are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
