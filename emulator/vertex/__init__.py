"""Vertex AI ``generateContent`` (Gemini), emulated.

* :mod:`.model` — the queue of scripted answers, the log of requests received, and how
  an answer becomes a ``GenerateContentResponse``.
* :mod:`.api` — the discovery method's handler (``aiplatform`` v1beta1 and v1).
* :mod:`.control` — ``/_emulator/vertex/responses`` and ``/_emulator/vertex/requests``.
"""
