"""query() with can_use_tool: Bash is denied, Write allowed; the denial is in the result."""

import os

import anyio

from claude_agent_sdk import (
    PermissionResultAllow,
    PermissionResultDeny,
    ResultMessage,
    ToolPermissionContext,
)
from claude_agent_sdk import query

from common import PROJECT, check, options

asked = []


async def decide(tool: str, tool_input: dict, context: ToolPermissionContext):
    asked.append((tool, context.tool_use_id))
    if tool == "Bash":
        return PermissionResultDeny(message="No shell in this test.")
    return PermissionResultAllow()


async def main() -> None:
    messages = [
        m async for m in query(prompt="Make two files.", options=options(can_use_tool=decide))
    ]
    check(("Bash", "toolu_bash") in asked, f"Bash was asked about: {asked}")
    check(("Write", "toolu_write") in asked, f"Write was asked about: {asked}")
    check(not os.path.exists(os.path.join(PROJECT, "by-bash")), "Bash did not run")
    with open(os.path.join(PROJECT, "allowed.txt")) as f:
        check(f.read() == "written\n", "Write ran")
    result = messages[-1]
    check(isinstance(result, ResultMessage), f"a result: {result}")
    check(result.subtype == "success", f"success: {result}")
    denials = result.permission_denials or []
    check([d["tool_name"] for d in denials] == ["Bash"], f"denials: {denials}")
    print("OK")


anyio.run(main)
