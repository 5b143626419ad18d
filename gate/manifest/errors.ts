/**
 * The one error type of `gt-cors manifest`: anything it cannot read, reach or trust (a malformed manifest line,
 * a missing sequence file, a bucket whose CORS it may not read). The command exits 2 with the message, which
 * names the manifest line, the URI or the bucket, and never reports a pass.
 */
export class ManifestError extends Error {}
