"""Custom agents given as ClaudeAgentOptions(agents=...): the init message lists them, the model
picks one through Task's subagent_type, and the sub-agent's request (seen by the Rust test on
the fake server) carries its prompt, its tools and its model."""

import anyio

from claude_agent_sdk import AgentDefinition, ResultMessage, SystemMessage, query

from common import check, options


async def main() -> None:
    reviewer = AgentDefinition(
        description="Reviews code for bugs",
        prompt="You are a strict code reviewer.",
        tools=["Read", "Grep"],
        model="haiku",
    )
    opts = options(agents={"reviewer": reviewer}, permission_mode="bypassPermissions")
    messages = [m async for m in query(prompt="Review the code.", options=opts)]
    init = next(m for m in messages if isinstance(m, SystemMessage) and m.subtype == "init")
    check("reviewer" in init.data["agents"], f"init lists the agent: {init.data['agents']}")
    check("general-purpose" in init.data["agents"], f"and the built-in: {init.data['agents']}")
    result = messages[-1]
    check(isinstance(result, ResultMessage) and result.subtype == "success", f"{result}")
    check(result.result == "The reviewer found nothing.", f"result: {result.result}")
    print("OK")


anyio.run(main)
