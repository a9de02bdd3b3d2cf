"""query() against an API that is overloaded once: the SDK hands over the retry as a
SystemMessage with subtype api_retry (Claude Code's fields), then the answer and the result."""

import anyio

from claude_agent_sdk import AssistantMessage, ResultMessage, SystemMessage, query

from common import check, options


async def main() -> None:
    messages = [m async for m in query(prompt="Say hello.", options=options())]
    kinds = [type(m).__name__ + "/" + getattr(m, "subtype", "") for m in messages]
    retries = [m for m in messages if isinstance(m, SystemMessage) and m.subtype == "api_retry"]
    check(len(retries) == 1, f"one api_retry message: {kinds}")
    retry = retries[0].data
    check(retry["attempt"] == 1, f"the first retry: {retry}")
    check(retry["max_retries"] == 2, f"of two: {retry}")
    check(retry["retry_delay_ms"] == 25, f"the server's retry-after-ms: {retry}")
    check(retry["error_status"] == 529, f"the status: {retry}")
    check(retry["error"] == "rate_limit", f"the SDK's category: {retry}")
    init = [m for m in messages if isinstance(m, SystemMessage) and m.subtype == "init"]
    check(retry["session_id"] == init[0].data["session_id"], f"the session: {retry}")
    first_answer = next(i for i, m in enumerate(messages) if isinstance(m, AssistantMessage))
    check(messages.index(retries[0]) < first_answer, f"the retry comes before the answer: {kinds}")
    result = messages[-1]
    check(isinstance(result, ResultMessage), f"the result comes last: {kinds}")
    check(result.subtype == "success" and not result.is_error, f"success: {result}")
    check(result.result == "Recovered.", f"result text: {result.result}")
    print("OK")


anyio.run(main)
