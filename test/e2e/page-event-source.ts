// A browser's own EventSource, opened in a playwright page: what it received, as the
// page's script saw it (type, lastEventId, data), and how many times it (re)connected.
import type { Page } from "playwright-core";

export interface SeenEvent {
  type: string;
  lastEventId: string;
  data: { type: string; order?: { id: number; status?: string } };
}

export interface PageEventSource {
  seen(): Promise<SeenEvent[]>;
  opens(): Promise<number>;
}

/** Opens `new EventSource(path)` in the page, recording the events named in `types`. */
export async function openPageEventSource(page: Page, path: string, types: readonly string[]): Promise<PageEventSource> {
  await page.evaluate(
    ({ path, types }) => {
      const w = window as unknown as { seen: SeenEvent[]; opens: number };
      w.seen = [];
      w.opens = 0;
      const source = new EventSource(path);
      source.onopen = () => (w.opens += 1);
      for (const type of types) {
        source.addEventListener(type, (e) => {
          // EventSource's own "error" (a failed connection) is an Event without data.
          if (!(e instanceof MessageEvent)) return;
          w.seen.push({ type, lastEventId: e.lastEventId, data: JSON.parse(e.data as string) as SeenEvent["data"] });
        });
      }
    },
    { path, types },
  );
  return {
    seen: () => page.evaluate(() => (window as unknown as { seen: SeenEvent[] }).seen),
    opens: () => page.evaluate(() => (window as unknown as { opens: number }).opens),
  };
}
