// What the install scripts under scripts/ share: a clean environment for nested npm runs and a
// lock so two test runs in one tree never install into the same .cache folder at once.
'use strict';
const fs = require('fs');
const path = require('path');

// Environment for child npm processes: drop the settings an outer `npm test` exports, which would
// otherwise point the nested installs at the project (prefix) or change what they install.
function childEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_(package_|lifecycle_|config_(local_prefix|prefix|global_prefix|global|omit|include|production|only|dev|save|ignore_scripts|workspace|argv|dry_run))/i.test(key)) {
      delete env[key];
    }
  }
  // node-gyp would download Node's headers (no network here): use the distribution's when present.
  if (!env.npm_config_nodedir && fs.existsSync(path.join(path.dirname(path.dirname(process.execPath)), 'include', 'node', 'node.h'))) {
    env.npm_config_nodedir = path.dirname(path.dirname(process.execPath));
  }
  return { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function ownerAlive(lock) {
  const owner = Number(fs.readFileSync(path.join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }));
  try {
    return { owner, alive: owner > 0 && (process.kill(owner, 0), true) };
  } catch {
    return { owner, alive: false };
  }
}

/** Takes `<cacheDir>.lock` (a folder holding the owner's pid), waiting for a live owner and taking over a dead one's; returns the release. */
function acquireInstallLock(cacheDir, log) {
  const lock = `${cacheDir}.lock`;
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (let waited = 0; ; waited += 2) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const { owner, alive } = ownerAlive(lock);
      if (!alive && waited >= 4) {
        log(`Removing a stale install lock (pid ${owner || '?'} is gone)`);
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (waited % 30 === 0) log(`Waiting for another install (pid ${owner || '?'}) to finish`);
      if (waited > 1200) throw new Error(`gave up waiting for ${lock}`);
      sleep(2000);
    }
  }
  return () => fs.rmSync(lock, { recursive: true, force: true });
}

function withInstallLock(cacheDir, log, fn) {
  const release = acquireInstallLock(cacheDir, log);
  try {
    return fn();
  } finally {
    release();
  }
}

module.exports = { childEnv, acquireInstallLock, withInstallLock };
