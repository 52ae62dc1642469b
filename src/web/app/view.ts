import type { Session } from './api.js';

/** What a page receives. */
export interface ViewContext {
  session: Session;
  /** The `<main>` element to render into. */
  main: HTMLElement;
  /** The route's parameter (a job id), or ''. */
  param: string;
  /** Call when the server refuses the key: the page asks for another. */
  onAuthError: () => void;
}

/** Renders a page; returns what stops its streams and timers when the user leaves it. */
export type View = (context: ViewContext) => () => void;
