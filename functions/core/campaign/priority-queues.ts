/**
 * The priority queues of assignment planning: a min-heap of indices keyed by an outside array, and a
 * tournament tree over a fixed number of values.
 */
import { asNumber, getItem } from './plan-state.ts';

/** Binary min-heap of indices ordered by an external key array (keys change only while an index is out). */
export class KeyedHeap {
  private readonly items: number[] = [];
  private readonly key: Float64Array;

  constructor(key: Float64Array) {
    this.key = key;
  }

  /** The index with the smallest key, or −1 when empty. */
  peek(): number {
    return this.items[0] ?? -1;
  }

  /** Adds an index. */
  push(i: number): void {
    const items = this.items;
    let p = items.length;
    items.push(i);
    const k = asNumber(this.key[i]);
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const up = getItem(items, parent);
      if (asNumber(this.key[up]) <= k) break;
      items[p] = up;
      p = parent;
    }
    items[p] = i;
  }

  /** Removes and returns the index with the smallest key. */
  pop(): number {
    const items = this.items;
    const top = getItem(items, 0);
    const last = items.pop() as number;
    if (items.length === 0) return top;
    const k = asNumber(this.key[last]);
    let p = 0;
    for (;;) {
      let child = 2 * p + 1;
      if (child >= items.length) break;
      const right = child + 1;
      if (right < items.length && asNumber(this.key[getItem(items, right)]) < asNumber(this.key[getItem(items, child)]))
        child = right;
      const down = getItem(items, child);
      if (asNumber(this.key[down]) >= k) break;
      items[p] = down;
      p = child;
    }
    items[p] = last;
    return top;
  }
}

/** Tournament tree: point updates and the index of the smallest value, both in O(log n). */
export class MinTree {
  private readonly size: number;
  private readonly value: Float64Array;
  private readonly index: Int32Array;

  constructor(n: number) {
    let size = 1;
    while (size < n) size *= 2;
    this.size = size;
    this.value = new Float64Array(2 * size).fill(Number.POSITIVE_INFINITY);
    this.index = new Int32Array(2 * size).fill(-1);
  }

  /** Sets the value of leaf i. */
  set(i: number, v: number): void {
    let p = i + this.size;
    this.value[p] = v;
    this.index[p] = i;
    for (p >>= 1; p >= 1; p >>= 1) {
      const l = 2 * p;
      const r = l + 1;
      const pick = asNumber(this.value[l]) <= asNumber(this.value[r]) ? l : r;
      this.value[p] = asNumber(this.value[pick]);
      this.index[p] = asNumber(this.index[pick]);
    }
  }

  /** The leaf with the smallest value. */
  argmin(): number {
    return asNumber(this.index[1]);
  }
}
