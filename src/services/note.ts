import type { TraceContext } from '../tracing/context.js';

/** Records a local state change of the calling service on `trace`'s work (drawn as a note on diagrams; nothing without a trace). */
export type Note = (trace: TraceContext | undefined, label: string) => void;

export const noNotes: Note = () => {};
