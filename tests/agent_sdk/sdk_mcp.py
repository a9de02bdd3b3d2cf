"""An in-process SDK MCP server: claw lists its tool, the model calls it, and the call runs in
this Python process (its messages travel as mcp_message control requests)."""

import anyio

from claude_agent_sdk import (
    AssistantMessage,
    ResultMessage,
    SystemMessage,
    ToolUseBlock,
    create_sdk_mcp_server,
    query,
    tool,
)

from common import check, options

calls = []


@tool("add", "Add two numbers", {"a": float, "b": float})
async def add(args):
    calls.append(args)
    return {"content": [{"type": "text", "text": f"The sum is {args['a'] + args['b']:g}."}]}


async def main() -> None:
    server = create_sdk_mcp_server(name="calc", version="1.0.0", tools=[add])
    opts = options(mcp_servers={"calc": server}, permission_mode="bypassPermissions")
    messages = [m async for m in query(prompt="What is 2 + 3?", options=opts)]
    init = next(m for m in messages if isinstance(m, SystemMessage) and m.subtype == "init")
    check("mcp__calc__add" in init.data["tools"] or any(
        s["name"] == "calc" for s in init.data["mcp_servers"]
    ), f"claw knows the server: {init.data}")
    uses = [
        b.name
        for m in messages
        if isinstance(m, AssistantMessage)
        for b in m.content
        if isinstance(b, ToolUseBlock)
    ]
    check(uses == ["mcp__calc__add"], f"the model called the tool: {uses}")
    check(calls == [{"a": 2, "b": 3}], f"the tool ran here: {calls}")
    result = messages[-1]
    check(isinstance(result, ResultMessage) and result.subtype == "success", f"{result}")
    check(result.result == "5, by the SDK's tool.", f"result: {result.result}")
    print("OK")


anyio.run(main)
