export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, keysetPage, pageQuery, type PageQuery, type PageRequest } from "./keyset-page.ts";
export { decodePageToken, encodePageToken } from "./page-token.ts";
