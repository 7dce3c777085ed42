import { create, type DescMessage, type DescService, type Message } from "@bufbuild/protobuf";
import { timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { testProtos } from "./load-test-protos.ts";

// The test-only annotated service of protos/library/v1/library.proto, served in memory.
const registry = await testProtos;

export const LibraryService: DescService = registry.getService("library.v1.LibraryService")!;
export const libraryMessage = (name: string): DescMessage => registry.getMessage(`library.v1.${name}`)!;

// The descriptors are dynamic, so messages are handled as plain records.
type Book = Message & {
  name: string;
  title: string;
  author?: Message & { name: string };
  genre: number;
  publishTime?: Timestamp;
  pageCount: bigint;
  tags: string[];
};
type Req = Message & Record<string, unknown>;

export interface LibraryCall {
  method: string;
  request: Req;
}

/** LibraryService in memory, recording every request it is sent. */
export function createLibraryService() {
  const calls: LibraryCall[] = [];
  const books = new Map<string, Book>();
  const bookOf = (init: Record<string, unknown>) => create(libraryMessage("Book"), init) as Book;
  books.set(
    "shelves/1/books/1",
    bookOf({
      name: "shelves/1/books/1",
      title: "Dune",
      author: { name: "Frank Herbert" },
      genre: 1,
      publishTime: timestampFromDate(new Date("1965-08-01T00:00:00Z")),
      pageCount: 412n,
      tags: ["sand", "spice"],
    }),
  );
  const find = (name: string) => {
    const book = books.get(name);
    if (book === undefined) throw new ConnectError(`book ${name} not found`, Code.NotFound);
    return book;
  };
  const record = (method: string, request: unknown) => calls.push({ method, request: request as Req });

  // Keyed by the methods' local names, as connect's router looks them up.
  const impl: Record<string, (req: Req) => Message> = {
    getBook(req: Req) {
      record("GetBook", req);
      return find(req.name as string);
    },
    listBooks(req: Req) {
      record("ListBooks", req);
      const list = [...books.values()].filter((b) => b.name.startsWith(`${req.parent as string}/`));
      return create(libraryMessage("ListBooksResponse"), { books: list, nextPageToken: "" });
    },
    createBook(req: Req) {
      record("CreateBook", req);
      const book = bookOf({ ...(req.book as Book), name: `${req.parent as string}/books/${books.size + 1}` });
      books.set(book.name, book);
      return book;
    },
    updateBook(req: Req) {
      record("UpdateBook", req);
      const patch = req.book as Book;
      const book = find(patch.name);
      if (patch.title !== "") book.title = patch.title;
      return book;
    },
    archiveBook(req: Req) {
      record("ArchiveBook", req);
      return create(libraryMessage("ArchiveBookResponse"), {
        book: find(req.name as string),
        archiveTime: timestampFromDate(new Date("2024-01-01T00:00:00Z")),
      });
    },
    ping(req: Req) {
      record("Ping", req);
      return create(libraryMessage("PingResponse"));
    },
  };
  return { impl, calls, books };
}
