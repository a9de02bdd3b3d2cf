"""query() with include_partial_messages: StreamEvent messages carry the provider's raw stream
events, in order, and they add up to the answer (a thinking block's signature included)."""

import anyio

from claude_agent_sdk import AssistantMessage, TextBlock, ThinkingBlock, query
from claude_agent_sdk.types import StreamEvent

from common import check, options


async def main() -> None:
    messages = [
        m
        async for m in query(
            prompt="What is 27 * 453?", options=options(include_partial_messages=True)
        )
    ]
    events = [m.event for m in messages if isinstance(m, StreamEvent)]
    kinds = [e["type"] for e in events]
    check(kinds[:1] == ["message_start"] and kinds[-1:] == ["message_stop"], f"order: {kinds}")
    deltas = [e["delta"] for e in events if e["type"] == "content_block_delta"]
    signature = "".join(d["signature"] for d in deltas if d["type"] == "signature_delta")
    thinking = "".join(d["thinking"] for d in deltas if d["type"] == "thinking_delta")
    text = "".join(d["text"] for d in deltas if d["type"] == "text_delta")
    check(signature != "", f"a signature_delta among {deltas}")
    answers = [m for m in messages if isinstance(m, AssistantMessage)]
    check(len(answers) == 1, f"one answer: {answers}")
    blocks = answers[0].content
    thought = [b for b in blocks if isinstance(b, ThinkingBlock)]
    check(len(thought) == 1 and thought[0].thinking == thinking, f"thinking: {thought}")
    check(thought[0].signature == signature, "the signature the events carried")
    said = [b.text for b in blocks if isinstance(b, TextBlock)]
    check(said == [text], f"the text the events carried: {said} vs {text!r}")
    check(all(m.session_id == messages[0].data["session_id"] for m in messages
              if isinstance(m, StreamEvent)), "one session id")
    print("OK")


anyio.run(main)
