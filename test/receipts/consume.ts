/**
 * Consumes one approval in its own process: `bun consume.ts STORE APPROVAL_ID EXECUTION_ID [START_AT_MS]`.
 * Waits until START_AT_MS (so racing processes start together), prints the result as JSON.
 */
import { openReplayStore } from "../../src/receipts/index.ts";

const [path, approvalId, executionId, startAt] = process.argv.slice(2) as [string, string, string, string?];
const store = await openReplayStore(path);
const wait = Number(startAt ?? 0) - Date.now();
if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
const result = store.consume([{ approvalId, contractSha256: "a".repeat(64) }], executionId, new Date());
store.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
