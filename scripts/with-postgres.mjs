// Runs a command against a throwaway PostgreSQL server: `node scripts/with-postgres.mjs <command> [args…]`.
// Creates a data directory in the system temp dir, starts PostgreSQL on a free local port, creates the
// `joor_sync` database, applies prisma/postgres/migrations to it, runs the command with DATABASE_URL pointing
// there (and TEST_POSTGRES_TEMPLATE_URL, from which test/setup.ts copies a fresh database per test file),
// then stops the server and deletes the directory. Exits with the command's status.
//
// Needs the PostgreSQL server binaries (Debian: `apt-get install postgresql`; found on PATH or in
// /usr/lib/postgresql/<version>/bin). PostgreSQL refuses to run as root, so under root the server runs as the
// `postgres` user the Debian package creates.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const root = fileURLToPath(new URL("..", import.meta.url));
const command = process.argv.slice(2);
if (command.length === 0) {
  console.error("usage: node scripts/with-postgres.mjs <command> [args…]");
  process.exit(2);
}

function serverBinaries() {
  const onPath = (process.env.PATH ?? "").split(path.delimiter).find((dir) => existsSync(path.join(dir, "pg_ctl")));
  if (onPath) return onPath;
  const versions = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql") : [];
  const newest = versions
    .filter((version) => existsSync(path.join("/usr/lib/postgresql", version, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a))[0];
  if (newest) return path.join("/usr/lib/postgresql", newest, "bin");
  throw new Error("PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql package");
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs a server binary: as the postgres user when we are root (PostgreSQL will not run as root). */
function asServerUser(binary, args) {
  const asRoot = process.getuid?.() === 0;
  const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", binary, ...args]] : [binary, args];
  execFileSync(file, argv, { stdio: ["ignore", "ignore", "inherit"] });
}

const bin = serverBinaries();
const dir = mkdtempSync(path.join(tmpdir(), "joor-sync-pg-"));
const data = path.join(dir, "data");
if (process.getuid?.() === 0) {
  const id = (flag) => {
    try {
      return Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
    } catch {
      throw new Error("PostgreSQL will not run as root, and there is no postgres user to run it as");
    }
  };
  chownSync(dir, id("-u"), id("-g"));
}

let started = false;
let child = null;
function stop() {
  if (started) {
    started = false;
    try {
      asServerUser(path.join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "immediate", "-s"]);
    } catch (error) {
      console.error(`Stopping PostgreSQL failed: ${error.message}`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

// Ctrl-C or a CI timeout: the command gets the signal and the server goes when it exits; before that, at once.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (child) child.kill(signal);
    else {
      stop();
      process.exit(1);
    }
  });
}

async function main() {
  const startedAt = Date.now();
  asServerUser(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const port = await freePort();
  // A scratch server: durability settings off (the data is thrown away), sockets in our own directory.
  const options = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-k ${dir}`,
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=300",
  ].join(" ");
  const log = path.join(dir, "server.log");
  try {
    asServerUser(path.join(bin, "pg_ctl"), ["start", "-D", data, "-l", log, "-o", options, "-w", "-s"]);
  } catch (error) {
    if (existsSync(log)) console.error(readFileSync(log, "utf8"));
    throw error;
  }
  started = true;

  const url = `postgresql://postgres@127.0.0.1:${port}/joor_sync`;
  const admin = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE "joor_sync"');
  await admin.end();
  const migrate = spawnSync(process.execPath, [path.join(root, "scripts/prisma.mjs"), "migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (migrate.status !== 0) throw new Error("prisma migrate deploy failed");
  console.error(`PostgreSQL ready on port ${port} after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);

  child = spawn(command[0], command.slice(1), {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL: url, TEST_POSTGRES_TEMPLATE_URL: url },
    stdio: "inherit",
  });
  return new Promise((resolve) => {
    child.once("error", (error) => {
      console.error(error.message);
      resolve(127);
    });
    child.once("exit", (status, signal) => resolve(status ?? (signal ? 1 : 0)));
  });
}

main()
  .then((code) => {
    stop();
    process.exit(code);
  })
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    stop();
    process.exit(1);
  });
