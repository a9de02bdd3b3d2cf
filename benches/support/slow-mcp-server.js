// A stdio MCP server that starts slowly, for the start-up benchmark: it waits 3 s before it
// reads anything, then answers initialize and offers one tool, like a server that loads a
// large index or logs in somewhere first.
const readline = require("readline");
const out = (message) => process.stdout.write(JSON.stringify(message) + "\n");
setTimeout(() => {
  readline.createInterface({ input: process.stdin }).on("line", (line) => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    const answer = (result) => out({ jsonrpc: "2.0", id: message.id, result });
    if (message.method === "initialize") {
      answer({
        protocolVersion: message.params.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: "slow", version: "1" },
      });
    } else if (message.method === "tools/list") {
      answer({ tools: [{ name: "noop", description: "does nothing", inputSchema: { type: "object" } }] });
    } else if (message.id !== undefined) {
      answer({});
    }
  });
}, 3000);
