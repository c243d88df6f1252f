/**
 * A fixed ring of the newest entries: the protocol log gets an entry for every block, so adding
 * must not shift an array.
 */
export class LogRing<T> {
  private readonly ring: T[] = [];
  private head = 0;
  private size = 0;

  constructor(private readonly capacity: number) {}

  push(entry: T): void {
    this.ring[this.head] = entry;
    this.head = (this.head + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  /** Oldest first. */
  toArray(): T[] {
    if (this.size < this.capacity) return this.ring.slice(0, this.size);
    return [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
  }
}
