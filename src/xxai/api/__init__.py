"""The HTTP API: ``xxai serve``, the native JSON API and LibreTranslate-compatible endpoints.

Build the app with :func:`xxai.api.app.create_app`. Nothing is imported here, so the
command line starts without loading the web stack.
"""
