// Loads a CommonJS bundle with V8's code cache kept next to it, so a process that runs for tens of
// milliseconds (a hook inside an agent's turn) does not spend a third of them compiling. Node 20
// has no compile cache of its own (module.enableCompileCache came in 22). The cache is only an
// optimisation: unreadable, stale or rejected, the bundle is compiled as usual and the cache
// rewritten when its folder is writable.
import { createHash } from 'crypto';
import * as fs from 'fs';
import Module = require('module');
import * as path from 'path';
import * as vm from 'vm';

/**
 * `writeCache: false` leaves a missing cache for a later run to write: the cache holds what the
 * run that wrote it compiled, so it is written by the run whose speed matters (a turn's begin,
 * not the follow-up that records the turn's end after the agent has gone on).
 */
export function requireWithCodeCache(file: string, options: { writeCache?: boolean } = {}): unknown {
  const source = fs.readFileSync(file, 'utf8').replace(/^#!.*/, '');
  // V8 checks a cache against the length of the source only: a rebuilt bundle of the same length
  // would run the code it replaced. The cache's name holds a hash of the source it was made from.
  const digest = createHash('sha1').update(source).digest('hex').slice(0, 16);
  const ours = `.${path.basename(file)}.`;
  const cacheFile = path.join(path.dirname(file), `${ours}${process.version}-${process.arch}.${digest}.codecache`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // no cache yet
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
  if ((cachedData === undefined || script.cachedDataRejected) && options.writeCache !== false) {
    // Written at exit, when the functions this run used have been compiled too.
    process.once('exit', () => {
      const temporary = `${cacheFile}.${process.pid}`;
      try {
        fs.writeFileSync(temporary, script.createCachedData());
        fs.renameSync(temporary, cacheFile);
        // Caches made from an earlier build of this bundle are of no use any more.
        for (const name of fs.readdirSync(path.dirname(file))) {
          if (name.startsWith(ours) && name.endsWith('.codecache') && !name.endsWith(`.${digest}.codecache`)) fs.rmSync(path.join(path.dirname(file), name), { force: true });
        }
      } catch {
        fs.rmSync(temporary, { force: true });
      }
    });
  }
  return mod.exports;
}
