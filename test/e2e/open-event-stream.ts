// A Server-Sent Events client in Node built on fetch, for end-to-end tests: it reads a stream
// the way a browser's EventSource does (blocks split on a blank line, `id:` kept as the last
// event id, comments ignored, a block cut off by the end never dispatched), in the background,
// so tests wait on what arrived (expect.poll) instead of on a read that may never return.

/** One dispatched event; `id` is the last event id in force after it (EventSource's lastEventId). */
export interface StreamEvent {
  event: string;
  data: string;
  /** The block's own `id:` field, when it had one. */
  ownId: string | undefined;
  lastEventId: string;
}

/** How the body ended: by its end (the server closed it cleanly) or with an error (reset, abort). */
export type StreamEnd = { clean: true } | { clean: false; error: string };

export interface EventStream {
  readonly status: number;
  readonly contentType: string | null;
  /** The whole body when the answer was not a 200 event stream (problem+json…). */
  readonly refusal: string | undefined;
  /** Events dispatched so far, oldest first. */
  readonly events: readonly StreamEvent[];
  /** Comment blocks seen so far (`: heartbeat`). */
  readonly comments: number;
  /** `retry:` in force, in ms, once the server sent one. */
  readonly retryMs: number | undefined;
  /** Resolves (never rejects) once the body ended; a closed stream ends unclean (aborted). */
  readonly ended: Promise<StreamEnd>;
  /** Whether `ended` has resolved. */
  readonly done: StreamEnd | undefined;
  /** Goes away as a client does: aborts the request. */
  close(): void;
}

/** GETs `url` as an EventSource would (with `Last-Event-ID` when resuming) and reads it in the background. */
export async function openEventStream(url: string, headers: Record<string, string>, lastEventId?: string): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { accept: "text/event-stream", "cache-control": "no-cache", ...headers, ...(lastEventId === undefined ? {} : { "last-event-id": lastEventId }) },
    signal: abort.signal,
  });
  const contentType = res.headers.get("content-type");
  const events: StreamEvent[] = [];
  let comments = 0;
  let retryMs: number | undefined;
  let done: StreamEnd | undefined;
  let last = lastEventId ?? "";
  const isStream = res.status === 200 && contentType?.startsWith("text/event-stream") === true;
  const refusal = isStream ? undefined : await res.text();

  const dispatch = (block: string) => {
    let event = "message";
    let data: string[] | undefined;
    let ownId: string | undefined;
    let isComment = true;
    for (const line of block.split("\n")) {
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "") continue;
      isComment = false;
      if (field === "event") event = value;
      else if (field === "data") (data ??= []).push(value);
      else if (field === "id" && !value.includes("\0")) ownId = last = value;
      else if (field === "retry" && /^\d+$/.test(value)) retryMs = Number(value);
    }
    if (isComment) comments++;
    else if (data !== undefined) events.push({ event, data: data.join("\n"), ownId, lastEventId: last });
  };

  const pump = async (): Promise<StreamEnd> => {
    if (!isStream) return { clean: true };
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    for (;;) {
      const { done: finished, value } = await reader.read();
      if (finished) return { clean: true };
      text += decoder.decode(value, { stream: true }).replaceAll("\r\n", "\n");
      for (let end = text.indexOf("\n\n"); end !== -1; end = text.indexOf("\n\n")) {
        dispatch(text.slice(0, end));
        text = text.slice(end + 2);
      }
    }
  };
  const ended = pump().then(
    (end) => (done = end),
    (error: unknown) => (done = { clean: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
  );
  return {
    status: res.status,
    contentType,
    refusal,
    events,
    get comments() {
      return comments;
    },
    get retryMs() {
      return retryMs;
    },
    ended,
    get done() {
      return done;
    },
    close: () => abort.abort(),
  };
}
