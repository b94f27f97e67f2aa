"""The People API v1, emulated for what the app needs: directory lookups.

* :mod:`.directory` — who is in the caller's organization's directory, and a directory
  profile as a People API ``Person`` (only the fields asked for).
* :mod:`.api` — the discovery methods ``people.get`` and ``people.getBatchGet``.
"""
