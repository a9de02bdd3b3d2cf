// A misbehaving MCP server over stdio for claw's fault tests, by its first argument:
//   garbage  prints lines that are not JSON-RPC between its answers (and works otherwise)
//   silent   never answers initialize
// Its tools: echo (answers), crash (dies mid-call), hang (never answers; logs the
// notifications/cancelled it gets to stderr).
const mode = process.argv[2] || "garbage";
const readline = require("readline");
const out = (message) => {
  if (mode === "garbage") process.stdout.write("this is not json\n{\"half\": \n");
  process.stdout.write(JSON.stringify(message) + "\n");
};
const tools = ["echo", "crash", "hang"].map((name) => ({
  name,
  description: `the ${name} tool`,
  inputSchema: { type: "object", properties: { message: { type: "string" } } },
}));
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
      if (mode === "silent") return;
      return answer({
        protocolVersion: message.params.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: "fault", version: "1" },
      });
    case "tools/list":
      return answer({ tools });
    case "notifications/cancelled":
      process.stderr.write(`cancelled ${message.params.requestId}\n`);
      return;
    case "tools/call": {
      const name = message.params.name;
      if (name === "echo") return answer({ content: [{ type: "text", text: `echo ${message.params.arguments.message}` }] });
      if (name === "crash") {
        process.stderr.write("about to crash\n");
        process.exit(7);
      }
      return; // hang
    }
    default:
      if (message.id !== undefined) answer({});
  }
});
