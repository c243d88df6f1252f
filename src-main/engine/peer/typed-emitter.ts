/**
 * A minimal typed event emitter: event names and payload types come from one map, so a listener
 * cannot subscribe to a misspelt event or misread its payload. Listeners run synchronously in
 * subscription order; a throwing listener is a programmer error and propagates.
 */
type Listener<T> = (payload: T) => void;

export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Listener<never>[]>();

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof Events>(name: K, fn: Listener<Events[K]>): () => void {
    const list = this.listeners.get(name) ?? [];
    list.push(fn as Listener<never>);
    this.listeners.set(name, list);
    return () => this.off(name, fn);
  }

  off<K extends keyof Events>(name: K, fn: Listener<Events[K]>): void {
    const list = this.listeners.get(name);
    if (!list) return;
    const i = list.indexOf(fn as Listener<never>);
    if (i >= 0) list.splice(i, 1);
  }

  listenerCount(name: keyof Events): number {
    return this.listeners.get(name)?.length ?? 0;
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }

  protected emit<K extends keyof Events>(name: K, payload: Events[K]): void {
    const list = this.listeners.get(name);
    if (!list || list.length === 0) return;
    if (list.length === 1) {
      (list[0] as Listener<Events[K]>)(payload);
      return;
    }
    for (const fn of [...list]) (fn as Listener<Events[K]>)(payload);
  }
}
