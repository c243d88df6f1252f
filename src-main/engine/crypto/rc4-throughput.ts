/**
 * Measures RC4 throughput, for the MSE budget of issue 18: a 1 GiB encrypted download should
 * cost at most 1.3x the CPU of a plaintext one (~3.3 s/GiB here), so RC4 both ways under ~1 s.
 *
 *   npx esbuild src-main/engine/crypto/rc4-throughput.ts --bundle --platform=node \
 *     --outfile=/tmp/rc4-throughput.js && node /tmp/rc4-throughput.js [chunkBytes] [MiB]
 *
 * Not a test: its figures depend on the machine (see NOTES.md for the variants measured). It processes 64 KiB chunks in place (as a
 * socket read would be), over a 16 MiB buffer, and prints wall and CPU rates.
 */
import { createMseRc4 } from './rc4';

const chunkBytes = Number(process.argv[2] ?? 64 * 1024);
const totalBytes = Number(process.argv[3] ?? 256) * 1024 * 1024;
const buf = new Uint8Array(16 * 1024 * 1024).map((_, x) => x & 0xff);
const key = new Uint8Array(20).map((_, x) => x * 7 + 1);

for (let round = 0; round < 3; round++) {
  const rc4 = createMseRc4(key);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let done = 0; done < totalBytes; done += chunkBytes) {
    const at = done % buf.length;
    const part = buf.subarray(at, at + chunkBytes);
    rc4.process(part, part);
  }
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const gib = totalBytes / 2 ** 30;
  console.log(
    `round ${round}: ${(totalBytes / 1e6 / wallS).toFixed(0)} MB/s wall, ` +
      `${(totalBytes / 1e6 / cpuS).toFixed(0)} MB/s CPU, ${(cpuS / gib).toFixed(2)} CPU s/GiB`,
  );
}
