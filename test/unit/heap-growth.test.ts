import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config.js';

const heapGrowthModule = new URL('../../src/lib/heap-growth.ts', import.meta.url).href;

/**
 * A child keeps ~40 MiB live and churns through ~800 MiB of short-lived 256 KiB arrays (what
 * rendering OAI pages does), then prints the largest heap V8 reserved. The max heap is pinned high
 * so V8 is in the regime of a machine with memory to spare whatever this machine has.
 */
function reservedHeapMiB(percent: number): number {
  const script = `
    import { limitHeapGrowth } from ${JSON.stringify(heapGrowthModule)};
    limitHeapGrowth(${percent});
    const live = Array.from({ length: 40 }, (_, i) => new Array(1 << 17).fill(i));
    let max = 0, ring = [];
    for (let i = 0; i < 3200; i++) {
      ring[i % 16] = new Array(1 << 15).fill(i);
      if (i % 64 === 0) max = Math.max(max, process.memoryUsage().heapTotal);
    }
    console.log(Math.round(max / 1048576), live.length, ring.length);
  `;
  // The young generation pinned too (a larger one absorbs the churn before the old generation sees it), and no inherited NODE_OPTIONS.
  const r = spawnSync(process.execPath, ['--max-old-space-size=4096', '--max-semi-space-size=16', '--import=tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.split(' ')[0]);
}

t.test('FEMTO_HEAP_GROWTH_PERCENT: 100 by default, 0 to 300, anything else refused by name', async (t) => {
  t.equal(loadConfig({}).heapGrowthPercent, 100);
  t.equal(loadConfig({ FEMTO_HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent, 0);
  t.equal(loadConfig({ FEMTO_HEAP_GROWTH_PERCENT: '300' }).heapGrowthPercent, 300);
  for (const bad of ['301', '-1', '1.5', 'lots']) {
    t.throws(() => loadConfig({ FEMTO_HEAP_GROWTH_PERCENT: bad }), { constructor: ConfigError, message: /FEMTO_HEAP_GROWTH_PERCENT/ }, bad);
  }
});

t.test('a growth limit set at run time bounds the heap V8 reserves for short-lived garbage', async (t) => {
  const free = reservedHeapMiB(0);
  const limited = reservedHeapMiB(20);
  t.ok(limited < free * 0.8, `20%: ${limited} MiB reserved at most, V8's own choice: ${free} MiB`);
});
