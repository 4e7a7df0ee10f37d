/**
 * The replay store: single-execution approvals already consumed, in
 * `<project>/.tollgate/approvals.sqlite`. It survives restarts, and
 * consumption is one `BEGIN IMMEDIATE` transaction, so of two runs racing
 * for the same approval exactly one wins, and a set of approvals (dual
 * control) is consumed all or nothing.
 */
import { chmodSync, closeSync, existsSync, openSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Database, ensurePrivateDir, openDatabase, PRIVATE_FILE_MODE, projectStateDir } from "../core/index.ts";

/** How long a run waits for another run's consumption to finish before failing. */
const BUSY_TIMEOUT_MS = 10_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS consumed_approvals (
  approval_id TEXT PRIMARY KEY NOT NULL,
  contract_sha256 TEXT NOT NULL,
  consumed_at TEXT NOT NULL,
  execution_id TEXT NOT NULL
) STRICT;`;

interface ConsumedApproval {
  approvalId: string;
  contractSha256: string;
}

export type ConsumeResult = { ok: true } | { ok: false; replayed: string };

export interface ReplayStore {
  readonly path: string;
  /** Consumes every approval or none: fails naming the first already consumed. */
  consume(approvals: readonly ConsumedApproval[], executionId: string, now: Date): ConsumeResult;
  isConsumed(approvalId: string): boolean;
  close(): void;
}

export function replayStorePath(projectRoot: string): string {
  return join(projectStateDir(projectRoot), "approvals.sqlite");
}

/** Opens the store at `path`, creating it private (folder 0700, file 0600) when missing. */
export async function openReplayStore(path: string): Promise<ReplayStore> {
  ensurePrivateDir(dirname(path));
  // SQLite creates files with the umask's mode; create it 0600 first (its journal inherits the mode).
  if (!existsSync(path)) closeSync(openSync(path, "a", PRIVATE_FILE_MODE));
  else if (process.platform !== "win32" && (statSync(path).mode & 0o077) !== 0) chmodSync(path, PRIVATE_FILE_MODE);
  const db = await openDatabase(path);
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS};`);
  db.exec(SCHEMA);
  return {
    path,
    consume: (approvals, executionId, now) => consume(db, approvals, executionId, now),
    isConsumed: (approvalId) =>
      db.get("SELECT approval_id FROM consumed_approvals WHERE approval_id = ?", approvalId) !== undefined,
    close: () => db.close(),
  };
}

function consume(db: Database, approvals: readonly ConsumedApproval[], executionId: string, now: Date): ConsumeResult {
  db.exec("BEGIN IMMEDIATE");
  try {
    for (const approval of approvals) {
      const { changes } = db.run(
        "INSERT OR IGNORE INTO consumed_approvals (approval_id, contract_sha256, consumed_at, execution_id) VALUES (?, ?, ?, ?)",
        approval.approvalId,
        approval.contractSha256,
        now.toISOString(),
        executionId,
      );
      if (changes !== 1) {
        db.exec("ROLLBACK");
        return { ok: false, replayed: approval.approvalId };
      }
    }
    db.exec("COMMIT");
    return { ok: true };
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}
