// `npm run test:electron`: the same extension-host suite (out/test/vscode) in desktop VS Code through
// @vscode/test-electron. It never downloads VS Code: set VSCODE_EXECUTABLE to an installed build
// (e.g. /usr/share/code/code, or "Visual Studio Code.app/Contents/MacOS/Electron"). On Linux without a display
// run it under xvfb-run.
import * as fs from 'fs';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { writeCounts } from './counts';
import { cliPath, extensionId, repoRoot } from './paths';
import { makeGitWorkspace, makeRunDir, removeDir } from './workspace';

async function main(): Promise<number> {
  const executable = process.env.VSCODE_EXECUTABLE;
  if (!executable) {
    console.error('test:electron: VSCODE_EXECUTABLE is not set; set it to a VS Code executable to run the suite in desktop VS Code (nothing is downloaded).');
    return 2;
  }
  if (!fs.existsSync(executable)) {
    console.error(`test:electron: VSCODE_EXECUTABLE=${executable} does not exist.`);
    return 2;
  }
  const runDir = makeRunDir();
  const workspace = makeGitWorkspace(path.join(runDir, 'ws'));
  try {
    const code = await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out', 'test', 'vscode', 'index.js'),
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--enable-proposed-api', extensionId,
        '--user-data-dir', path.join(runDir, 'u'),
        '--extensions-dir', path.join(runDir, 'e'),
      ],
      extensionTestsEnv: {
        BOOCODE_TEST_WORKSPACE: workspace,
        BOOCODE_CLI: cliPath,
        BOOCODE_TEST_COUNTS: process.env.BOOCODE_TEST_COUNTS,
      },
    });
    return code === 0 ? 0 : 1;
  } catch (error) {
    console.error(`test:electron: ${error instanceof Error ? error.message : error}`);
    return 1;
  } finally {
    removeDir(runDir);
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`test:electron: ${error}`);
    writeCounts(process.env.BOOCODE_TEST_COUNTS, { passes: 0, failures: 1, pending: 0, failed: [`harness: ${error}`] });
    process.exit(1);
  },
);
