// What package.json promises VS Code about where and when the extension runs, and what the VS Code layer
// may use to keep that promise: it runs where the files are (the workspace extension host: local, Remote-SSH,
// WSL, Dev Containers, Codespaces, code-server) and never in a browser-only host (vscode.dev), runs no git
// in Restricted Mode, and leaves processes to the domain (src/core, src/hooks).
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

const repoRoot = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

function vscodeLayer(): { file: string; text: string }[] {
  const dir = path.join(repoRoot, 'src', 'vscode');
  return [path.join(repoRoot, 'src', 'extension.ts'), ...fs.readdirSync(dir).filter((name) => name.endsWith('.ts')).map((name) => path.join(dir, name))].map((file) => ({
    file: path.relative(repoRoot, file),
    text: fs.readFileSync(file, 'utf8'),
  }));
}

describe('extension manifest: remote, web and Restricted Mode', () => {
  it('runs in the workspace extension host only: no browser entry, extensionKind ["workspace"], no virtual workspaces', () => {
    assert.equal(pkg.browser, undefined, 'a `browser` entry would start the extension in the web extension host, where there is no git and no file system');
    assert.equal(pkg.main, './dist/extension.js');
    assert.deepEqual(pkg.extensionKind, ['workspace']);
    assert.equal(pkg.capabilities.virtualWorkspaces, false);
  });

  it('declares limited support for untrusted workspaces, with a welcome view that offers to trust the folder', () => {
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.match(pkg.capabilities.untrustedWorkspaces.description, /never runs git/);
    const welcome = pkg.contributes.viewsWelcome.find((entry: { when: string }) => entry.when === '!isWorkspaceTrusted');
    assert.ok(welcome, 'a welcome view for Restricted Mode');
    assert.match(welcome.contents, /\(command:workbench\.trust\.manage\)/);
    for (const entry of pkg.contributes.viewsWelcome.filter((other: { when: string }) => other !== welcome)) {
      assert.match(entry.when, /(^|&& )isWorkspaceTrusted( &&|$)/, `${entry.contents.split('\n')[0]} shows in trusted folders only`);
    }
  });

  it('keeps commands out of the palette in Restricted Mode, and view title actions too', () => {
    const listed = new Set((pkg.contributes.menus.commandPalette as { command: string }[]).map((entry) => entry.command));
    for (const { command } of pkg.contributes.commands as { command: string }[]) assert.ok(listed.has(command), `${command} has a palette rule`);
    for (const entry of pkg.contributes.menus.commandPalette as { command: string; when: string }[]) {
      assert.ok(entry.when === 'false' || /(^|&& )isWorkspaceTrusted( &&|$)/.test(entry.when), `${entry.command}: ${entry.when}`);
    }
    for (const entry of pkg.contributes.menus['view/title'] as { command: string; when: string }[]) {
      assert.match(entry.when, /isWorkspaceTrusted/, entry.command);
    }
  });

  it('starts no process in the VS Code layer and assumes no local desktop (clipboard, terminals, home folder)', () => {
    for (const { file, text } of vscodeLayer()) {
      assert.doesNotMatch(text, /['"](node:)?child_process['"]/, `${file}: processes belong to src/core and src/hooks`);
      assert.doesNotMatch(text, /\bos\.homedir\(|process\.env\.HOME\b/, `${file}: the home folder of the extension host is not the person's desktop`);
      assert.doesNotMatch(text, /clipboardy|xclip|pbcopy/, `${file}: the clipboard is vscode.env.clipboard`);
      // A file that opens terminals gives every cwd as a Uri (a path string is the extension host's, not the workspace's).
      if (/createTerminal\(/.test(text)) for (const cwd of text.match(/\bcwd:[^,}\n]*/g) ?? []) assert.match(cwd, /cwd:\s*[\w.]*[uU]ri\b/, `${file}: a terminal's cwd is a vscode.Uri`);
    }
  });
});
