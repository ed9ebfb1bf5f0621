// Signal handling shared by the runner and the UI-check helpers: on SIGINT/SIGTERM/SIGHUP every registered
// callback runs (synchronously: write results, kill process groups, delete run folders) and the process exits
// with 128+signal. playwright-core's own exit handler then kills the browsers it launched.
const callbacks = new Set<() => void>();
let installed = false;
const SIGNALS: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

export function onInterrupt(callback: () => void): () => void {
  if (!installed) {
    installed = true;
    for (const [signal, number] of Object.entries(SIGNALS)) {
      process.on(signal, () => {
        console.error(`\n[harness] ${signal}: stopping code-server and the browser`);
        for (const fn of callbacks) {
          try {
            fn();
          } catch (error) {
            console.error(`[harness] cleanup failed: ${error}`);
          }
        }
        process.exit(128 + number);
      });
    }
  }
  callbacks.add(callback);
  return () => callbacks.delete(callback);
}
