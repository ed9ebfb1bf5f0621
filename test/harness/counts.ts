// The pass/fail counts each test tier leaves in the file named by BOOCODE_TEST_COUNTS (read by scripts/test-all.js).
import * as fs from 'fs';
import * as path from 'path';

export interface TestCounts {
  passes: number;
  failures: number;
  pending: number;
  failed: string[];
}

export function writeCounts(file: string | undefined, counts: TestCounts): void {
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(counts, null, 2));
}
