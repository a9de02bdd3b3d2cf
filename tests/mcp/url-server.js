// An MCP server over stdio for claw's URL-mode elicitation test. Its tool `pay` sends an
// `elicitation/create` in URL mode and, when its first argument is `complete`, says at once
// with `notifications/elicitation/complete` that the user finished in the browser (as a server
// does when its page reports back). The call answers with the action the client sent back.
const mode = process.argv[2] || "wait";
const readline = require("readline");
const out = (message) => process.stdout.write(JSON.stringify(message) + "\n");
let pendingCall = null;
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return;
  }
  const answer = (id, result) => out({ jsonrpc: "2.0", id, result });
  if (message.id === "pay-request" && message.method === undefined) {
    const action = message.result ? message.result.action : `error ${JSON.stringify(message.error)}`;
    const content = message.result && message.result.content ? " with content" : "";
    answer(pendingCall, { content: [{ type: "text", text: `answer: ${action}${content}` }] });
    return;
  }
  switch (message.method) {
    case "initialize":
      if (!(message.params.capabilities.elicitation || {}).url) {
        process.stderr.write("the client does not declare URL elicitation\n");
      }
      return answer(message.id, {
        protocolVersion: message.params.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: "url", version: "1" },
      });
    case "tools/list":
      return answer(message.id, {
        tools: [{ name: "pay", description: "pays", inputSchema: { type: "object" } }],
      });
    case "tools/call":
      pendingCall = message.id;
      out({
        jsonrpc: "2.0",
        id: "pay-request",
        method: "elicitation/create",
        params: {
          mode: "url",
          message: "Confirm the payment in your bank's page.",
          url: "https://bank.example/confirm?order=42",
          elicitationId: "pay-1",
        },
      });
      if (mode === "complete") {
        out({
          jsonrpc: "2.0",
          method: "notifications/elicitation/complete",
          params: { elicitationId: "pay-1" },
        });
      }
      return;
    default:
      if (message.id !== undefined) answer(message.id, {});
  }
});
