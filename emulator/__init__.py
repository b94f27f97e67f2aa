"""A local Google Workspace: Meet v2, Chat v1, Workspace Events v1, Pub/Sub push and OAuth,
plus Vertex AI generateContent (Gemini, scripted answers).

Google's own client libraries work against it unchanged when pointed at it with
``client_options={"api_endpoint": url}``. See ``python -m emulator --help``.
"""

from .app import create_emulator
from .config import EmulatorConfig
from .server import BackgroundServer, PortInUse

__all__ = ["create_emulator", "EmulatorConfig", "BackgroundServer", "PortInUse"]
