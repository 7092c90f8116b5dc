import type { Response } from 'express';

/**
 * The gateway's push service: clients waiting for an order's final status over server-sent events, by
 * order id. The order's outcome event says when to look; `close()` ends every stream (shutdown).
 */
export class OrderPush {
  private readonly waiting = new Map<string, Set<() => void>>();
  private readonly streams = new Set<Response>();

  /** Hears when order `orderId` may have settled; returns how to stop hearing. */
  subscribe(orderId: string, settled: () => void): () => void {
    let set = this.waiting.get(orderId);
    if (!set) this.waiting.set(orderId, (set = new Set()));
    set.add(settled);
    return () => {
      set.delete(settled);
      if (set.size === 0) this.waiting.delete(orderId);
    };
  }

  /** The outcome of order `orderId` is known: everyone waiting for it looks now. */
  settled(orderId: string): void {
    for (const settled of [...(this.waiting.get(orderId) ?? [])]) settled();
  }

  /** Opens a server-sent event stream on `res`; it is ended on `close()`. */
  open(res: Response): { send(event: string, data: unknown): void; end(): void } {
    res.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.flushHeaders();
    this.streams.add(res);
    const end = () => {
      this.streams.delete(res);
      if (!res.writableEnded) res.end();
    };
    res.on('close', end);
    return { send: (event, data) => void res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`), end };
  }

  /** Ends every open stream with a last `closing` event: the gateway is shutting down. */
  close(): void {
    for (const res of [...this.streams]) {
      res.write('event: closing\ndata: {"message":"the gateway is shutting down: poll the order, or subscribe again once it is back"}\n\n');
      res.end();
    }
    this.streams.clear();
  }
}
