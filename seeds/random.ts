import { hash } from 'node:crypto';

/**
 * Seeded pseudo-random numbers (mulberry32). Our own generator rather than faker's: the demo
 * must stay byte-identical across library upgrades, and faker is ESM-only (awkward under jest).
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let r = this.next() * total;
    for (const [value, weight] of entries) {
      r -= weight;
      if (r < 0) return value;
    }
    return entries[entries.length - 1][0];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** Up to `k` distinct items. Rejection sampling keeps it cheap on large pools (scale 100 has 20k patients). */
  sample<T>(items: readonly T[], k: number): T[] {
    const n = items.length;
    if (k >= n) return this.shuffle([...items]);
    if (k * 3 > n) return this.shuffle([...items]).slice(0, k);
    const chosen = new Set<number>();
    while (chosen.size < k) chosen.add(Math.floor(this.next() * n));
    return [...chosen].map((i) => items[i]);
  }

  /**
   * `n` values in proportion to their weights, every value at least once when n allows, in random
   * order: guarantees that each status/type/kind shows up in the demo, unlike independent draws.
   */
  spread<T>(n: number, entries: readonly (readonly [T, number])[]): T[] {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    const floor = n >= entries.length ? 1 : 0;
    const counts = entries.map(([, weight]) => Math.max(floor, Math.floor((n * weight) / total)));
    const byWeight = entries.map((_, i) => i).sort((a, b) => entries[b][1] - entries[a][1] || a - b);
    let sum = counts.reduce((a, b) => a + b, 0);
    for (let i = 0; sum < n; i = (i + 1) % byWeight.length, sum++) counts[byWeight[i]]++;
    for (let i = 0; sum > n; i = (i + 1) % byWeight.length) {
      if (counts[byWeight[i]] > floor) {
        counts[byWeight[i]]--;
        sum--;
      }
    }
    const out: T[] = [];
    entries.forEach(([value], i) => {
      for (let c = 0; c < counts[i]; c++) out.push(value);
    });
    return this.shuffle(out);
  }
}

// Fixed namespace of the seed ids (any constant UUID would do; this one was drawn once).
const NAMESPACE = Buffer.from('6f1c2a8e4b7d4e0f9a3c5d2b1e8f7a60', 'hex');

/**
 * RFC 4122 version-5 UUID of `name`: the same record gets the same id on every run and at every
 * scale, so docs and tests can refer to demo rows by id.
 */
export function seedUuid(name: string): string {
  const hex = hash('sha1', Buffer.concat([NAMESPACE, Buffer.from(name, 'utf8')]), 'hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
