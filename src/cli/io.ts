// What a CLI command gets from the world, so commands can be run in-process by tests.
export interface CliIO {
  /** Arguments after the command name. */
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  readStdin(): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}

export function processIO(argv: string[]): CliIO {
  return {
    argv,
    cwd: process.cwd(),
    env: process.env,
    readStdin: () =>
      new Promise((resolve, reject) => {
        if (process.stdin.isTTY) return resolve('');
        const chunks: Buffer[] = [];
        process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
        process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        process.stdin.on('error', reject);
      }),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
}
