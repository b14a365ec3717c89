// Preloaded into the Prisma CLI for PostgreSQL. Its WebAssembly schema engine races taking the migration lock
// (pg_advisory_lock) against a 10 s timer and never clears the timer, so every `migrate deploy` would sit idle
// for 10 s after finishing. Timers the engine starts are unref'd: they still fire while the CLI waits on the
// database (its open connection keeps the process alive), they just no longer keep a finished CLI running.
const setTimeoutOriginal = globalThis.setTimeout;
globalThis.setTimeout = function setTimeout(...args) {
  const timer = setTimeoutOriginal.apply(this, args);
  if (new Error().stack?.includes("wasm://")) timer.unref();
  return timer;
};
