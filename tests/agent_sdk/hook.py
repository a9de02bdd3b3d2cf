"""A PreToolUse hook function: claw calls it before Bash runs, and its deny stands."""

import os

import anyio

from claude_agent_sdk import HookMatcher, ResultMessage, query

from common import PROJECT, check, options

calls = []


async def guard(input_data, tool_use_id, context):
    calls.append((input_data["hook_event_name"], input_data["tool_name"], tool_use_id))
    return {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": "The hook keeps the shell closed.",
        }
    }


async def main() -> None:
    opts = options(
        permission_mode="bypassPermissions",
        hooks={"PreToolUse": [HookMatcher(matcher="Bash", hooks=[guard])]},
    )
    messages = [m async for m in query(prompt="Make a file.", options=opts)]
    check(calls == [("PreToolUse", "Bash", "toolu_bash")], f"the hook's calls: {calls}")
    check(not os.path.exists(os.path.join(PROJECT, "by-bash")), "Bash did not run")
    result = messages[-1]
    check(isinstance(result, ResultMessage) and result.subtype == "success", f"{result}")
    check(result.result == "The hook said no.", f"result: {result.result}")
    print("OK")


anyio.run(main)
