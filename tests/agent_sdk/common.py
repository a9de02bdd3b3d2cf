"""What every script shares: the claw binary and project directory the Rust test hands over,
and a check that fails the script with a readable message."""

import os
import sys

from claude_agent_sdk import ClaudeAgentOptions

CLAW = os.environ["CLAW_BIN"]
PROJECT = os.environ["CLAW_TEST_DIR"]


def options(**more) -> ClaudeAgentOptions:
    """Options that start the real claw binary in the test's project directory."""
    stderr_lines = []
    more.setdefault("stderr", lambda line: stderr_lines.append(line))
    return ClaudeAgentOptions(cli_path=CLAW, cwd=PROJECT, **more)


def check(condition: bool, what: str) -> None:
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)
