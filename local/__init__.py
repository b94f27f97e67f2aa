"""Local mode: the Google Workspace emulator and the Chat app wired together.

Glue for ``python main.py`` (``local.cli``), the end-to-end tests and the benchmarks
(``local.stack.LocalStack``). It is the only place that knows both sides: ``bot/`` never
imports the emulator, and the emulator's endpoints and credentials reach the app through
``create_app``'s parameters. Not deployed (``.gcloudignore``).
"""
