/** Records a local state change of the calling service (drawn as a note on diagrams). */
export type Note = (label: string) => void;

export const noNotes: Note = () => {};
