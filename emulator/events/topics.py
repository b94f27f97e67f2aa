"""Pub/Sub topic names, checked as Google checks them, each refusal naming the rule broken.

``projects/{project}/topics/{topic}``, where (Cloud Resource Manager and Pub/Sub's
resource-name rules):

* the project id has 6 to 30 characters: lowercase ASCII letters, digits and hyphens,
  starting with a letter and not ending with a hyphen;
* the topic id has 3 to 255 characters: letters, digits and ``- _ . ~ + %``, starting
  with a letter, and does not start with ``goog``.
"""

from __future__ import annotations

import re

from ..errors import invalid_argument

PROJECT_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
TOPIC_ID = re.compile(r"^[A-Za-z][A-Za-z0-9._~%+-]{2,254}$")


def topic_problem(topic: str) -> str | None:
    """Why ``topic`` is not a valid topic name, or None."""
    parts = topic.split("/")
    if len(parts) != 4 or parts[0] != "projects" or parts[2] != "topics":
        return "the format is projects/{project}/topics/{topic}"
    project, topic_id = parts[1], parts[3]
    if not 6 <= len(project) <= 30:
        return f"the project id {project!r} has {len(project)} characters; a project id has 6 to 30"
    if not PROJECT_ID.match(project):
        return (f"the project id {project!r} must start with a lowercase letter and hold only lowercase letters, "
                "digits and hyphens, not ending with a hyphen")
    if topic_id.lower().startswith("goog"):
        return f"the topic id {topic_id!r} must not start with \"goog\""
    if not 3 <= len(topic_id) <= 255:
        return f"the topic id {topic_id!r} has {len(topic_id)} characters; a topic id has 3 to 255"
    if not TOPIC_ID.match(topic_id):
        return (f"the topic id {topic_id!r} must start with a letter and hold only letters, digits and "
                "- _ . ~ + %")
    return None


def check_topic_name(topic: str, field: str) -> None:
    problem = topic_problem(topic)
    if problem is not None:
        raise invalid_argument(f"Invalid Pub/Sub topic {topic}: {problem}.", field)
