"""query() with a string prompt: the init message, the answer, the result."""

import anyio

from claude_agent_sdk import AssistantMessage, ResultMessage, SystemMessage, TextBlock, query

from common import check, options


async def main() -> None:
    messages = [m async for m in query(prompt="Say hello.", options=options())]
    init = [m for m in messages if isinstance(m, SystemMessage) and m.subtype == "init"]
    check(len(init) == 1, f"one init message, got {messages}")
    check(init[0].data["claude_code_version"].count(".") == 2, "a version the SDK reads")
    answers = [m for m in messages if isinstance(m, AssistantMessage)]
    check(len(answers) == 1, f"one answer: {answers}")
    text = [b.text for b in answers[0].content if isinstance(b, TextBlock)]
    check(text == ["Hello from the fake server."], f"the answer's text: {text}")
    result = messages[-1]
    check(isinstance(result, ResultMessage), f"the result comes last: {result}")
    check(result.subtype == "success" and not result.is_error, f"success: {result}")
    check(result.result == "Hello from the fake server.", f"result text: {result.result}")
    check(result.session_id == init[0].data["session_id"], "one session id")
    check(result.num_turns == 1, f"num_turns: {result.num_turns}")
    check(result.usage["output_tokens"] > 0, f"usage: {result.usage}")
    print("OK")


anyio.run(main)
