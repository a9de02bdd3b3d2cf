// An MCP server over stdio whose tool `approve` is claw's --permission-prompt-tool in tests:
// it allows Bash (rewriting `original` to `changed` in the command), denies Write with a
// message naming the call, and answers text that is not JSON for a command saying `garbled`.
const readline = require("readline");
const out = (message) => process.stdout.write(JSON.stringify(message) + "\n");
const text = (body) => ({ content: [{ type: "text", text: body }] });
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return;
  }
  const answer = (result) => out({ jsonrpc: "2.0", id: message.id, result });
  switch (message.method) {
    case "initialize":
      return answer({
        protocolVersion: message.params.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: "perm", version: "1" },
      });
    case "tools/list":
      return answer({
        tools: [{ name: "approve", description: "decides approvals", inputSchema: { type: "object" } }],
      });
    case "tools/call": {
      const { tool_name, input, tool_use_id } = message.params.arguments;
      if (tool_name === "Write") {
        return answer(text(JSON.stringify({
          behavior: "deny",
          message: `no writes on CI (${tool_use_id}, ${input.file_path})`,
        })));
      }
      if (String(input.command).includes("garbled")) return answer(text("yes, go ahead"));
      const updatedInput = { ...input, command: input.command.replace("original", "changed") };
      return answer(text(JSON.stringify({ behavior: "allow", updatedInput })));
    }
    default:
      if (message.id !== undefined) answer({});
  }
});
