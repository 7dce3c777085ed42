import { create, type DescMessage, type DescService, type Message } from "@bufbuild/protobuf";
import { timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { buildFile, Type } from "./proto-builder.ts";

/**
 * A test-only annotated service that no gateway code knows about, as this .proto:
 *
 *     package library.v1;
 *     enum Genre { GENRE_UNSPECIFIED = 0; GENRE_FICTION = 1; GENRE_POETRY = 2; }
 *     message Author { string name = 1; }
 *     message Book {
 *       string name = 1;                        // "shelves/{shelf}/books/{book}"
 *       string title = 2 [(buf.validate.field).string.max_len = 100];
 *       Author author = 3;
 *       Genre genre = 4;
 *       google.protobuf.Timestamp publish_time = 5;
 *       int64 page_count = 6;
 *       repeated string tags = 7;
 *     }
 *     message BookFilter { string author = 1; google.protobuf.Timestamp published_after = 2; int64 min_pages = 3; }
 *     message ListBooksRequest {
 *       string parent = 1;
 *       int32 page_size = 2 [(buf.validate.field).int32 = {gte: 0, lte: 100}];
 *       repeated string tags = 3;
 *       Genre genre = 4;
 *       BookFilter filter = 5;
 *       repeated Genre genres = 6;
 *     }
 *     service LibraryService {
 *       rpc GetBook(GetBookRequest) returns (Book) {
 *         option (google.api.http) = {
 *           get: "/v1/{name=shelves/*\/books/*}"
 *           additional_bindings { get: "/v1/books/{name=**}" }
 *         };
 *       }
 *       rpc ListBooks(ListBooksRequest) returns (ListBooksResponse) { option (google.api.http) = {get: "/v1/{parent=shelves/*}/books"}; }
 *       rpc CreateBook(CreateBookRequest) returns (Book) { option (google.api.http) = {post: "/v1/{parent=shelves/*}/books" body: "book"}; }
 *       rpc UpdateBook(UpdateBookRequest) returns (Book) { option (google.api.http) = {patch: "/v1/{book.name=shelves/*\/books/*}" body: "book"}; }
 *       rpc ArchiveBook(ArchiveBookRequest) returns (ArchiveBookResponse) {
 *         option (google.api.http) = {post: "/v1/{name=shelves/*\/books/*}:archive" body: "*" response_body: "book"};
 *       }
 *       rpc Ping(PingRequest) returns (PingResponse);   // internal: no binding
 *     }
 */
const registry = buildFile({
  name: "library/v1/library.proto",
  package: "library.v1",
  dependencies: ["google/protobuf/timestamp.proto", "google/protobuf/field_mask.proto"],
  enums: { Genre: ["GENRE_UNSPECIFIED", "GENRE_FICTION", "GENRE_POETRY"] },
  messages: {
    Author: { fields: { name: [1, {}] } },
    Book: {
      fields: {
        name: [1, {}],
        title: [2, { rules: { type: { case: "string", value: { maxLen: 100n } } } }],
        author: [3, { message: ".library.v1.Author" }],
        genre: [4, { enum: ".library.v1.Genre" }],
        publish_time: [5, { message: ".google.protobuf.Timestamp" }],
        page_count: [6, { type: Type.INT64 }],
        tags: [7, { repeated: true }],
      },
    },
    BookFilter: {
      fields: {
        author: [1, {}],
        published_after: [2, { message: ".google.protobuf.Timestamp" }],
        min_pages: [3, { type: Type.INT64 }],
      },
    },
    GetBookRequest: { fields: { name: [1, {}] } },
    ListBooksRequest: {
      fields: {
        parent: [1, {}],
        page_size: [2, { type: Type.INT32, rules: { type: { case: "int32", value: { greaterThan: { case: "gte", value: 0 }, lessThan: { case: "lte", value: 100 } } } } }],
        tags: [3, { repeated: true }],
        genre: [4, { enum: ".library.v1.Genre" }],
        filter: [5, { message: ".library.v1.BookFilter" }],
        genres: [6, { enum: ".library.v1.Genre", repeated: true }],
      },
    },
    ListBooksResponse: { fields: { books: [1, { message: ".library.v1.Book", repeated: true }], next_page_token: [2, {}] } },
    CreateBookRequest: { fields: { parent: [1, {}], book: [2, { message: ".library.v1.Book" }], request_id: [3, {}] } },
    UpdateBookRequest: { fields: { book: [1, { message: ".library.v1.Book" }], update_mask: [2, { message: ".google.protobuf.FieldMask" }] } },
    ArchiveBookRequest: { fields: { name: [1, {}], reason: [2, {}] } },
    ArchiveBookResponse: { fields: { book: [1, { message: ".library.v1.Book" }], archive_time: [2, { message: ".google.protobuf.Timestamp" }] } },
    PingRequest: { fields: {} },
    PingResponse: { fields: {} },
  },
  services: {
    LibraryService: {
      GetBook: {
        input: ".library.v1.GetBookRequest",
        output: ".library.v1.Book",
        http: {
          pattern: { case: "get", value: "/v1/{name=shelves/*/books/*}" },
          additionalBindings: [{ pattern: { case: "get", value: "/v1/books/{name=**}" } }],
        },
      },
      ListBooks: {
        input: ".library.v1.ListBooksRequest",
        output: ".library.v1.ListBooksResponse",
        http: { pattern: { case: "get", value: "/v1/{parent=shelves/*}/books" } },
      },
      CreateBook: {
        input: ".library.v1.CreateBookRequest",
        output: ".library.v1.Book",
        http: { pattern: { case: "post", value: "/v1/{parent=shelves/*}/books" }, body: "book" },
      },
      UpdateBook: {
        input: ".library.v1.UpdateBookRequest",
        output: ".library.v1.Book",
        http: { pattern: { case: "patch", value: "/v1/{book.name=shelves/*/books/*}" }, body: "book" },
      },
      ArchiveBook: {
        input: ".library.v1.ArchiveBookRequest",
        output: ".library.v1.ArchiveBookResponse",
        http: { pattern: { case: "post", value: "/v1/{name=shelves/*/books/*}:archive" }, body: "*", responseBody: "book" },
      },
      Ping: { input: ".library.v1.PingRequest", output: ".library.v1.PingResponse" },
    },
  },
});

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
