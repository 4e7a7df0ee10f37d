/**
 * The SQLite seam: `bun:sqlite` under Bun (and in the compiled executable),
 * `node:sqlite` (DatabaseSync) under Deno and Node. Both are loaded with a
 * dynamic import, so neither is touched until a database is opened.
 */
import { runtimeInfo } from "./runtime.ts";

type SqlValue = string | number | bigint | null | Uint8Array;

export interface Database {
  /** Runs one or more statements without parameters. */
  exec(sql: string): void;
  run(sql: string, ...params: SqlValue[]): { changes: number };
  /** The first row, or undefined. */
  get<Row = Record<string, unknown>>(sql: string, ...params: SqlValue[]): Row | undefined;
  close(): void;
}

interface Statement {
  run(...params: SqlValue[]): { changes: number | bigint };
  get(...params: SqlValue[]): unknown;
}

/** Prepared statements are cached per SQL text: the same few statements run again and again. */
function wrap(prepare: (sql: string) => Statement, exec: (sql: string) => void, close: () => void): Database {
  const cache = new Map<string, Statement>();
  const statement = (sql: string): Statement => {
    let prepared = cache.get(sql);
    if (!prepared) {
      prepared = prepare(sql);
      cache.set(sql, prepared);
    }
    return prepared;
  };
  return {
    exec,
    run: (sql, ...params) => ({ changes: Number(statement(sql).run(...params).changes) }),
    get: <Row>(sql: string, ...params: SqlValue[]) => (statement(sql).get(...params) ?? undefined) as Row | undefined,
    close,
  };
}

/** Opens (creating if missing) the SQLite database at `path`. */
export async function openDatabase(path: string): Promise<Database> {
  if (runtimeInfo().name === "bun") {
    const { Database: BunDatabase } = await import("bun:sqlite");
    const db = new BunDatabase(path, { create: true });
    return wrap(
      (sql) => db.query(sql) as unknown as Statement,
      (sql) => db.exec(sql),
      () => db.close(),
    );
  }
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(path);
  return wrap(
    (sql) => db.prepare(sql) as unknown as Statement,
    (sql) => db.exec(sql),
    () => db.close(),
  );
}
