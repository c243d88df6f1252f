import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileLogger } from './logger';

describe('FileLogger', () => {
  it('writes lines at or above its level and rotates by size', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-log-'));
    try {
      const file = path.join(dir, 'swarmscope.log');
      const logger = new FileLogger({ file, level: 'info', maxFileBytes: 400, keepFiles: 2 });
      logger.log('debug', 'test', 'hidden');
      for (let i = 0; i < 30; i++) logger.log('info', 'test', `line ${i}`);
      logger.close();
      const current = fs.readFileSync(file, 'utf8');
      expect(current).not.toContain('hidden');
      expect(current).toContain('line 29');
      expect(fs.existsSync(`${file}.1`)).toBe(true);
      expect(fs.existsSync(`${file}.3`)).toBe(false);
      expect(fs.statSync(file).size).toBeLessThanOrEqual(400);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
