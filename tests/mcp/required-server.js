// An MCP server over stdio for claw's handling of URLElicitationRequiredError (MCP 2025-11-25,
// JSON-RPC error -32042). Its tool `tickets` answers its first call with that error, listing
// the pages to open, and later calls with a result naming the call's number. Modes:
// `two` lists two pages; `complete` lists one and says at once with
// `notifications/elicitation/complete` that the user finished it; `always` refuses every call.
const mode = process.argv[2] || "two";
const readline = require("readline");
const out = (message) => process.stdout.write(JSON.stringify(message) + "\n");
let calls = 0;
const page = (id, url, message) => ({ mode: "url", elicitationId: id, url, message });
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return;
  }
  const answer = (id, result) => out({ jsonrpc: "2.0", id, result });
  switch (message.method) {
    case "initialize":
      return answer(message.id, {
        protocolVersion: message.params.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: "tickets", version: "1" },
      });
    case "tools/list":
      return answer(message.id, {
        tools: [{ name: "tickets", description: "lists tickets", inputSchema: { type: "object" } }],
      });
    case "tools/call": {
      calls += 1;
      if (calls > 1 && mode !== "always") {
        return answer(message.id, { content: [{ type: "text", text: `3 open tickets (call ${calls})` }] });
      }
      const pages =
        mode === "two"
          ? [
              page("sign-in-1", "https://auth.example/sign-in", "Sign in to Tickets"),
              page("consent-1", "https://auth.example/consent", "Allow claw to read tickets"),
            ]
          : [page(`only-${calls}`, "https://auth.example/sign-in", "Sign in to Tickets")];
      out({
        jsonrpc: "2.0",
        id: message.id,
        error: {
          code: -32042,
          message: `This request requires sign-in (call ${calls}).`,
          data: { elicitations: pages },
        },
      });
      if (mode === "complete") {
        out({
          jsonrpc: "2.0",
          method: "notifications/elicitation/complete",
          params: { elicitationId: `only-${calls}` },
        });
      }
      return;
    }
    default:
      if (message.id !== undefined) answer(message.id, {});
  }
});
