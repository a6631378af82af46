"""The web app: server-rendered pages (:mod:`xxai.web.pages`), templates and static files."""
