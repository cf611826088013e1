import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { blockingAncestors } from '../src/database/embedded';

describe('embedded PostgreSQL', () => {
  it('finds the private folders that keep the postgres user from the binaries or the data', () => {
    const privateDir = mkdtempSync(path.join(os.tmpdir(), 'ag-private-')); // mkdtemp makes it 0700
    expect(blockingAncestors(path.join(privateDir, 'a', 'pg'))).toEqual([privateDir]);
    chmodSync(privateDir, 0o755);
    expect(blockingAncestors(path.join(privateDir, 'a', 'pg'))).toEqual([]);
    rmSync(privateDir, { recursive: true, force: true });
  });

  it('starts again from the same folder after its parent process was killed', async () => {
    const dataDir = path.join(mkdtempSync(path.join(__dirname, '..', '.data', 'crash-')), 'pg');
    const child = path.join(__dirname, 'support', 'embedded-child.ts');
    const args = (mode: string) => ['-r', 'ts-node/register/transpile-only', child, mode, dataDir];
    // The first process starts the cluster and is SIGKILLed, leaving its postgres orphaned on the folder.
    const holder = spawn(process.execPath, args('hold'), { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('"up":true') && resolve());
      holder.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
    });
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));

    const output = execFileSync(process.execPath, args('check'), { encoding: 'utf8', timeout: 45_000 });
    const result = JSON.parse(output.trim().split('\n').pop() as string) as { rows: unknown[]; dataDir: string };
    expect(result.rows).toEqual([{ n: 1 }]);
    // Nothing is left running on that folder.
    const left = execFileSync('ps', ['-eo', 'args']).toString().split('\n').filter((line) => line.includes(result.dataDir));
    expect(left).toEqual([]);
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  }, 60_000);
});
