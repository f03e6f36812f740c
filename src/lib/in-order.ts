/**
 * fn over items one after another (not all at once as Promise.all would start them): database calls keep the order a
 * synchronous loop had, which writes inside one transaction rely on, and a long list starts no burst of statements.
 */
export async function mapInOrder<T, R>(items: Iterable<T>, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let i = 0;
  for (const item of items) out.push(await fn(item, i++));
  return out;
}
