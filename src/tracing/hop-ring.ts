import type { Hop, HopKind } from './recorder.js';

/** Most distinct words (services, labels, outcomes) kept as codes; past it a word is kept as it is, per slot. */
const MAX_WORDS = 65_535;
const HEX = /^[0-9a-f]+$/;
const UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/;

/** Strings of a small vocabulary as numbers: each distinct word is kept once. */
class Words {
  private readonly codes = new Map<string, number>();
  private readonly words: string[] = [];

  code(word: string): number {
    let code = this.codes.get(word);
    if (code === undefined && this.words.length < MAX_WORDS) {
      code = this.words.length;
      this.words.push(word);
      this.codes.set(word, code);
    }
    return code ?? -1;
  }

  word(code: number): string {
    return this.words[code];
  }
}

/** A column of words: a code per slot, or the word itself where the vocabulary is full. */
class WordColumn {
  private readonly codes: Int32Array;
  private readonly spilled = new Map<number, string>();

  constructor(
    size: number,
    private readonly words: Words,
  ) {
    this.codes = new Int32Array(size);
  }

  set(slot: number, word: string): void {
    const code = this.words.code(word);
    this.codes[slot] = code;
    if (code < 0) this.spilled.set(slot, word);
    else if (this.spilled.size) this.spilled.delete(slot);
  }

  get(slot: number): string {
    const code = this.codes[slot];
    return code < 0 ? this.spilled.get(slot)! : this.words.word(code);
  }
}

/** A column of ids: lower-case hex (or a UUID) of a fixed length kept as 32-bit words, anything else as it is; absent allowed. */
class IdColumn {
  private readonly bits: Uint32Array;
  /** 0 absent, 1 hex, 2 UUID, 3 kept as it is. */
  private readonly shape: Uint8Array;
  private readonly spilled = new Map<number, string>();
  private readonly perWord: number;

  constructor(
    size: number,
    private readonly hexChars: number,
  ) {
    this.perWord = hexChars / 8;
    this.bits = new Uint32Array(size * this.perWord);
    this.shape = new Uint8Array(size);
  }

  set(slot: number, id: string | undefined): void {
    if (this.spilled.size) this.spilled.delete(slot);
    if (id === undefined) return void (this.shape[slot] = 0);
    let hex = id;
    let shape = 1;
    if (id.length === 36 && this.hexChars === 32) {
      const match = UUID.exec(id);
      if (match) {
        hex = match[1] + match[2] + match[3] + match[4] + match[5];
        shape = 2;
      }
    }
    if (hex.length !== this.hexChars || !HEX.test(hex)) {
      this.shape[slot] = 3;
      this.spilled.set(slot, id);
      return;
    }
    this.shape[slot] = shape;
    const at = slot * this.perWord;
    for (let w = 0; w < this.perWord; w++) this.bits[at + w] = parseInt(hex.slice(w * 8, w * 8 + 8), 16);
  }

  get(slot: number): string | undefined {
    const shape = this.shape[slot];
    if (shape === 0) return undefined;
    if (shape === 3) return this.spilled.get(slot);
    const at = slot * this.perWord;
    let hex = '';
    for (let w = 0; w < this.perWord; w++) hex += this.bits[at + w].toString(16).padStart(8, '0');
    return shape === 2 ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : hex;
  }
}

/** One trace's entry in the index: its id (one string for all its hops) and the slot of its latest hop. */
interface TraceEntry {
  readonly id: string;
  latest: number;
}

/**
 * Hops in a preallocated ring of columns, reused in place: recording one allocates nothing that outlives
 * it (ids become 32-bit words, names and labels codes of a shared vocabulary), so a long run leaves no
 * garbage in the old generation. Past `size` hops the oldest slot is overwritten. Each trace is a chain
 * of slots from its latest hop back, each link checked by the sequence number of the slot it points to.
 */
export class HopRing {
  private readonly words = new Words();
  private readonly kind: WordColumn;
  private readonly from: WordColumn;
  private readonly to: WordColumn;
  private readonly label: WordColumn;
  private readonly outcome: WordColumn;
  private readonly spanId: IdColumn;
  private readonly parentSpanId: IdColumn;
  private readonly resumes: IdColumn;
  private readonly messageId: IdColumn;
  private readonly status: Uint16Array;
  private readonly start: Float64Array;
  private readonly end: Float64Array;
  private readonly seq: Float64Array;
  private readonly prev: Int32Array;
  private readonly prevSeq: Float64Array;
  private readonly traceOf: (TraceEntry | undefined)[];
  private readonly traces = new Map<string, TraceEntry>();
  /** Hops written so far; the next goes to slot `written % size`. */
  private written = 0;

  constructor(readonly size: number) {
    const column = () => new WordColumn(size, this.words);
    this.kind = column();
    this.from = column();
    this.to = column();
    this.label = column();
    this.outcome = column();
    this.spanId = new IdColumn(size, 16);
    this.parentSpanId = new IdColumn(size, 16);
    this.resumes = new IdColumn(size, 16);
    this.messageId = new IdColumn(size, 32);
    this.status = new Uint16Array(size);
    this.start = new Float64Array(size);
    this.end = new Float64Array(size);
    this.seq = new Float64Array(size).fill(-1);
    this.prev = new Int32Array(size).fill(-1);
    this.prevSeq = new Float64Array(size).fill(-1);
    this.traceOf = new Array(size).fill(undefined);
  }

  /** Hops kept now. */
  get kept(): number {
    return Math.min(this.written, this.size);
  }

  /** Hops overwritten so far. */
  get overwritten(): number {
    return Math.max(0, this.written - this.size);
  }

  /** Writes one hop over the oldest slot once the ring is full. */
  add(hop: Hop): void {
    const slot = this.written % this.size;
    const old = this.traceOf[slot];
    if (old && old.latest === slot) this.traces.delete(old.id);
    let trace = this.traces.get(hop.traceId);
    if (trace) {
      this.prev[slot] = trace.latest;
      this.prevSeq[slot] = this.seq[trace.latest];
      trace.latest = slot;
    } else {
      trace = { id: hop.traceId, latest: slot };
      this.traces.set(hop.traceId, trace);
      this.prev[slot] = -1;
      this.prevSeq[slot] = -1;
    }
    this.traceOf[slot] = trace;
    this.seq[slot] = this.written++;
    this.kind.set(slot, hop.kind);
    this.from.set(slot, hop.from);
    this.to.set(slot, hop.to);
    this.label.set(slot, hop.label);
    this.outcome.set(slot, hop.outcome);
    this.spanId.set(slot, hop.spanId);
    this.parentSpanId.set(slot, hop.parentSpanId);
    this.resumes.set(slot, hop.resumes);
    this.messageId.set(slot, hop.messageId);
    this.status[slot] = hop.status ?? 0;
    this.start[slot] = hop.start;
    this.end[slot] = hop.end;
  }

  /** Every kept hop, oldest first, as new objects. */
  all(): Hop[] {
    const hops: Hop[] = [];
    const first = this.written - this.kept;
    for (let n = first; n < this.written; n++) hops.push(this.read(n % this.size));
    return hops;
  }

  /** The kept hops of one trace, latest first, as new objects. */
  trace(traceId: string): Hop[] {
    const hops: Hop[] = [];
    const entry = this.traces.get(traceId);
    if (!entry) return hops;
    let slot = entry.latest;
    for (;;) {
      hops.push(this.read(slot));
      const prev = this.prev[slot];
      if (prev < 0 || this.seq[prev] !== this.prevSeq[slot]) return hops;
      slot = prev;
    }
  }

  private read(slot: number): Hop {
    const hop: Hop = {
      spanId: this.spanId.get(slot)!,
      traceId: this.traceOf[slot]!.id,
      kind: this.kind.get(slot) as HopKind,
      from: this.from.get(slot),
      to: this.to.get(slot),
      label: this.label.get(slot),
      outcome: this.outcome.get(slot),
      start: this.start[slot],
      end: this.end[slot],
    };
    const parentSpanId = this.parentSpanId.get(slot);
    if (parentSpanId !== undefined) hop.parentSpanId = parentSpanId;
    if (this.status[slot]) hop.status = this.status[slot];
    const messageId = this.messageId.get(slot);
    if (messageId !== undefined) hop.messageId = messageId;
    const resumes = this.resumes.get(slot);
    if (resumes !== undefined) hop.resumes = resumes;
    return hop;
  }
}
