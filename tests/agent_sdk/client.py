"""ClaudeSDKClient over several turns: an answer, set_permission_mode then an edit that no
longer asks, an interrupt of a long answer, and a turn after it."""

import os

import anyio

from claude_agent_sdk import ClaudeSDKClient, ResultMessage, StreamEvent

from common import PROJECT, check, options


async def result_of(client: ClaudeSDKClient) -> ResultMessage:
    async for message in client.receive_response():
        if isinstance(message, ResultMessage):
            return message
    raise AssertionError("no result")


async def main() -> None:
    async with ClaudeSDKClient(options=options(include_partial_messages=True)) as client:
        await client.query("First question.")
        first = await result_of(client)
        check(first.result == "One.", f"first: {first.result}")

        await client.set_permission_mode("acceptEdits")
        await client.query("Write the file.")
        wrote = await result_of(client)
        check(wrote.result == "Wrote it.", f"second: {wrote.result}")
        check(not wrote.permission_denials, f"acceptEdits let Write run: {wrote}")
        with open(os.path.join(PROJECT, "edited.txt")) as f:
            check(f.read() == "accepted\n", "the file was written")

        await client.query("Talk for a long time.")
        async for message in client.receive_messages():
            if isinstance(message, StreamEvent) and message.event.get("type") == "content_block_delta":
                break
        await client.interrupt()
        stopped = await result_of(client)
        check(stopped.subtype == "error_during_execution", f"interrupted: {stopped}")

        await client.query("Still there?")
        after = await result_of(client)
        check(after.result == "After.", f"after the interrupt: {after.result}")
        check(after.session_id == first.session_id, "one session throughout")
    print("OK")


anyio.run(main)
