"""can_use_tool answering with updated_permissions: claw's suggestion kept in the local settings
and a deny rule in the project's; the rule allows the next command without asking."""

import dataclasses
import json
import os

import anyio

from claude_agent_sdk import (
    PermissionResultAllow,
    PermissionUpdate,
    ResultMessage,
    ToolPermissionContext,
    query,
)

from claude_agent_sdk.types import PermissionRuleValue

from common import PROJECT, check, options

asked = []


async def decide(tool: str, tool_input: dict, context: ToolPermissionContext):
    asked.append(context.tool_use_id)
    check(len(context.suggestions) == 1, f"claw suggests a rule: {context.suggestions}")
    keep = dataclasses.replace(context.suggestions[0], destination="localSettings")
    deny = PermissionUpdate(
        type="addRules",
        rules=[PermissionRuleValue(tool_name="WebFetch")],
        behavior="deny",
        destination="projectSettings",
    )
    return PermissionResultAllow(updated_permissions=[keep, deny])


async def main() -> None:
    messages = [
        m async for m in query(prompt="Make two files.", options=options(can_use_tool=decide))
    ]
    check(asked == ["toolu_1"], f"only the first command asked: {asked}")
    for made in ["one", "two"]:
        check(os.path.exists(os.path.join(PROJECT, made)), f"{made} was made")
    with open(os.path.join(PROJECT, ".claude/settings.local.json")) as f:
        local = json.load(f)
    check(local == {"permissions": {"allow": ["Bash(touch:*)"]}}, f"local: {local}")
    with open(os.path.join(PROJECT, ".claude/settings.json")) as f:
        project = json.load(f)
    check(project == {"permissions": {"deny": ["WebFetch"]}}, f"project: {project}")
    result = messages[-1]
    check(isinstance(result, ResultMessage) and result.subtype == "success", f"{result}")
    print("OK")


anyio.run(main)
