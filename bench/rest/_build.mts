import { catalogDb } from './loader.js';
for (const label of process.argv.slice(2)) {
  const t = performance.now();
  console.log(await catalogDb(label, console.log), ((performance.now() - t) / 1000).toFixed(1), 's');
}
