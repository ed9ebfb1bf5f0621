// Appends messages to a transcript as fast as it can, printing "ack N" after each append has
// returned. The durability test kills it with SIGKILL at a random moment.
import { TranscriptStore } from '../../src/core/store/transcriptStore';

async function main(): Promise<void> {
  const [dir, prefix, foldBytes] = process.argv.slice(2);
  const store = new TranscriptStore(dir, { lockTimeoutMs: 10_000, onNotice: () => undefined, foldBytes: Number(foldBytes) });
  await store.append([{ op: 'session', id: 's', agent: null, workspace: dir, at: Date.now() }]);
  for (let n = 0; ; n++) {
    const id = `${prefix}-${String(n).padStart(6, '0')}`;
    await store.append([{ op: 'message', id, session: 's', role: 'user', text: `message ${n} `.repeat(20), at: Date.now() }]);
    process.stdout.write(`ack ${id}\n`);
  }
}

void main();
