import { accessSync, constants, existsSync, statSync } from "node:fs";
import { buildInfo } from "./build-info.ts";
import { userCacheDir, userConfigDir } from "./paths.ts";
import { runProcess } from "./process.ts";

type CheckStatus = "ok" | "warn" | "fail";

/** One line of `tollgate doctor`: what was checked, what was found, how to fix it. */
export interface DoctorCheck {
  section: string;
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about a warn or fail, in words a user can act on. */
  fix?: string;
}

const SUPPORTED_PLATFORMS = new Set(["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "win32-x64"]);

export async function coreChecks(env: Record<string, string | undefined> = process.env): Promise<DoctorCheck[]> {
  const info = buildInfo();
  const platform = `${process.platform}-${process.arch}`;
  return [
    {
      section: "tollgate",
      name: "build",
      status: "ok",
      detail: `${info.version} (${info.commit}) on ${info.runtime} ${info.runtimeVersion}, ${info.compiled ? `compiled for ${info.target}` : "from source"}`,
    },
    SUPPORTED_PLATFORMS.has(platform)
      ? { section: "tollgate", name: "platform", status: "ok", detail: platform }
      : {
          section: "tollgate",
          name: "platform",
          status: "warn",
          detail: `${platform} has no release build`,
          fix: "build from source with `bun run build`",
        },
    privateDirCheck("config folder", userConfigDir(env), "XDG_CONFIG_HOME"),
    privateDirCheck("cache folder", userCacheDir(env), "XDG_CACHE_HOME"),
    await gitCheck(),
  ];
}

/**
 * The folder must be creatable and writable (crash reports, keys and consent
 * live there); one that others can read is a warning, since it holds private
 * files.
 */
function privateDirCheck(name: string, dir: string, variable: string): DoctorCheck {
  const section = "tollgate";
  try {
    if (!existsSync(dir)) {
      // doctor only looks; it creates nothing. The nearest existing parent must be writable.
      return writableParent(dir)
        ? { section, name, status: "ok", detail: `${dir} (created when first needed)` }
        : {
            section,
            name,
            status: "fail",
            detail: `${dir} cannot be created`,
            fix: `set ${variable} to a writable folder`,
          };
    }
    if (!statSync(dir).isDirectory()) {
      return { section, name, status: "fail", detail: `${dir} is not a folder`, fix: `remove it or set ${variable}` };
    }
    accessSync(dir, constants.W_OK);
  } catch {
    return {
      section,
      name,
      status: "fail",
      detail: `${dir} is not writable`,
      fix: `set ${variable} to a writable folder`,
    };
  }
  const mode = statSync(dir).mode & 0o777;
  if (process.platform !== "win32" && (mode & 0o077) !== 0) {
    return {
      section,
      name,
      status: "warn",
      detail: `${dir} is mode ${mode.toString(8)}: other users can look inside`,
      fix: `chmod 700 ${dir}`,
    };
  }
  return { section, name, status: "ok", detail: dir };
}

function writableParent(dir: string): boolean {
  let current = dir;
  for (;;) {
    const parent = current.slice(0, current.lastIndexOf("/")) || "/";
    if (existsSync(parent)) {
      try {
        if (!statSync(parent).isDirectory()) return false;
        accessSync(parent, constants.W_OK);
        return true;
      } catch {
        return false;
      }
    }
    if (parent === current) return false;
    current = parent;
  }
}

async function gitCheck(): Promise<DoctorCheck> {
  const section = "tollgate";
  try {
    const result = await runProcess(["git", "--version"], { timeoutMs: 5000 });
    if (result.exitCode === 0) return { section, name: "git", status: "ok", detail: result.stdout.text.trim() };
  } catch {
    // reported below
  }
  return {
    section,
    name: "git",
    status: "warn",
    detail: "git not found on PATH",
    fix: "install git (apt-get install git, brew install git): changed-file scoping and agent workspaces need it",
  };
}
