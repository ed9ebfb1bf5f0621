#!/usr/bin/env node
// A short tour of the engine from a terminal: a scratch repository, an agent's turns recorded
// through the CLI (as hooks would), a restore, and its undo. Prints what happens at each step.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const cli = path.resolve(__dirname, '../dist/cli.js');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'boocode-demo-'));
const run = (...args) => execFileSync(process.execPath, [cli, ...args, '-C', root], { encoding: 'utf8' });
const json = (...args) => JSON.parse(run(...args, '--json'));
const git = (...args) =>
  execFileSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Demo', GIT_AUTHOR_EMAIL: 'demo@example.com', GIT_COMMITTER_NAME: 'Demo', GIT_COMMITTER_EMAIL: 'demo@example.com' },
  });
const write = (file, text) => {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
};
const step = (text) => console.log(`\n\x1b[1m▸ ${text}\x1b[0m`);

step(`A scratch repository in ${root}`);
git('init', '-q', '-b', 'main');
write('src/greet.js', 'export const greet = (name) => `Hello, ${name}`;\n');
write('.gitignore', 'node_modules/\n');
git('add', '.');
git('commit', '-qm', 'initial');
write('node_modules/dep/index.js', '// ignored: never captured, never touched\n');

step('Turn 1 begins: the prompt is recorded and a checkpoint taken before the agent works');
const turn1 = json('turn', 'begin', '--session', 'demo-session', '--agent', 'claude-code', '--prompt', 'Add a farewell function');
console.log(`  checkpoint ${turn1.checkpoint.id}`);
write('src/farewell.js', 'export const farewell = (name) => `Bye, ${name}`;\n');
run('turn', 'end', '--session', 'demo-session', '--reply', 'Added src/farewell.js.');

step('Turn 2: the agent rewrites a file through a shell command');
const turn2 = json('turn', 'begin', '--session', 'demo-session', '--agent', 'claude-code', '--prompt', 'Make greet shout');
console.log(`  checkpoint ${turn2.checkpoint.id}`);
execFileSync('sh', ['-c', 'sed -i "s/Hello/HELLO/" src/greet.js && echo scratch > tmp-output.txt'], { cwd: root });
run('turn', 'end', '--session', 'demo-session', '--reply', 'greet now shouts.');

step('boocode list');
process.stdout.write(run('list'));
step(`boocode diff ${turn2.checkpoint.id}  (what turn 2 changed, compared with now)`);
process.stdout.write(run('diff', turn2.checkpoint.id));

step(`boocode restore ${turn2.checkpoint.id} --session demo-session --yes`);
process.stdout.write(run('restore', turn2.checkpoint.id, '--session', 'demo-session', '--yes'));
console.log(`  src/greet.js is back: ${fs.readFileSync(path.join(root, 'src/greet.js'), 'utf8').trim()}`);
console.log(`  tmp-output.txt exists: ${fs.existsSync(path.join(root, 'tmp-output.txt'))}; ignored node_modules kept: ${fs.existsSync(path.join(root, 'node_modules/dep/index.js'))}`);
console.log(`  git status is as before (HEAD, branch and index untouched):\n${git('status', '--short').trimEnd().replace(/^/gm, '    ')}`);

step('The transcript was trimmed from turn 2 on');
process.stdout.write(run('transcript', '--session', 'demo-session'));

step('boocode undo  (the restore itself can be undone)');
process.stdout.write(run('undo'));
console.log(`  src/greet.js: ${fs.readFileSync(path.join(root, 'src/greet.js'), 'utf8').trim()}`);
console.log(`  messages in the transcript again: ${json('transcript', '--session', 'demo-session').length}`);

step('boocode info');
process.stdout.write(run('info'));
fs.rmSync(root, { recursive: true, force: true });
console.log('\nDone (the scratch repository was removed).');
