/**
 * Takes HTTP requests for three bucket subresources s3rver answers with 501 NotImplemented (tagging, public access
 * block, default encryption) and produces S3-shaped responses, storing what was put beside s3rver's own files.
 * Every other request passes through to s3rver's Koa callback untouched.
 */
import { promises as fs } from "fs";
import { IncomingMessage, ServerResponse } from "http";
import * as path from "path";

/** The bucket subresources this layer serves, keyed by their query parameter. */
const SUBRESOURCES = {
  tagging: { rootElement: "Tagging", missingCode: "NoSuchTagSet", missingMessage: "The TagSet does not exist" },
  publicAccessBlock: {
    rootElement: "PublicAccessBlockConfiguration",
    missingCode: "NoSuchPublicAccessBlockConfiguration",
    missingMessage: "The public access block configuration was not found",
  },
  encryption: {
    rootElement: "ServerSideEncryptionConfiguration",
    missingCode: "ServerSideEncryptionConfigurationNotFoundError",
    missingMessage: "The server side encryption configuration was not found",
  },
} as const;

type SubresourceName = keyof typeof SUBRESOURCES;

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** A bucket-level request for one of the served subresources, as parsed from a path-style URL. */
interface SubresourceRequest {
  readonly bucket: string;
  readonly subresource: SubresourceName;
}

/**
 * Wraps s3rver's request listener so that tagging, public access block and default encryption behave as on S3.
 * `directory` must be the directory s3rver stores buckets in: a bucket exists when its folder does, and the stored
 * documents live inside that folder, so s3rver's DeleteBucket removes them with the bucket.
 */
export function withBucketSubresources(directory: string, s3rver: RequestListener): RequestListener {
  return (req, res) => {
    const target = parseSubresourceRequest(req);
    if (!target) {
      s3rver(req, res);
      return;
    }
    serveSubresource(directory, target, req, res).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      sendError(res, 500, "InternalError", message);
    });
  };
}

function parseSubresourceRequest(req: IncomingMessage): SubresourceRequest | undefined {
  const url = new URL(req.url ?? "/", "http://local-s3");
  const segments = url.pathname.split("/").filter((segment) => segment.length > 0);
  if (segments.length !== 1) {
    return undefined;
  }
  const requested = (Object.keys(SUBRESOURCES) as SubresourceName[]).filter((name) => url.searchParams.has(name));
  if (requested.length !== 1) {
    return undefined;
  }
  const bucket = decodeURIComponent(segments[0]);
  // Anything that is not a valid bucket name is left to s3rver, which rejects it the way S3 does.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    return undefined;
  }
  return { bucket, subresource: requested[0] };
}

async function serveSubresource(
  directory: string,
  { bucket, subresource }: SubresourceRequest,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readBody(req);
  if (!isSigned(req)) {
    sendError(res, 403, "AccessDenied", "Access Denied");
    return;
  }
  const bucketDirectory = path.join(directory, bucket);
  if (!(await isDirectory(bucketDirectory))) {
    sendError(res, 404, "NoSuchBucket", "The specified bucket does not exist");
    return;
  }
  // Same naming scheme as s3rver's own bucket subresources (cors, website).
  const documentPath = path.join(bucketDirectory, `._S3rver_${subresource}.xml`);
  const spec = SUBRESOURCES[subresource];
  switch (req.method) {
    case "PUT": {
      const document = body.toString("utf8");
      if (rootElementOf(document) !== spec.rootElement) {
        sendError(res, 400, "MalformedXML", `Expected a ${spec.rootElement} document`);
        return;
      }
      await fs.writeFile(documentPath, document);
      res.writeHead(200, { "Content-Length": "0" }).end();
      return;
    }
    case "GET": {
      const stored = await readIfPresent(documentPath);
      if (stored === undefined) {
        sendError(res, 404, spec.missingCode, spec.missingMessage);
        return;
      }
      res.writeHead(200, { "Content-Type": "application/xml", "Content-Length": stored.length }).end(stored);
      return;
    }
    case "DELETE":
      await fs.rm(documentPath, { force: true });
      res.writeHead(204).end();
      return;
    default:
      sendError(res, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
  }
}

/** S3 never lets an anonymous caller read or change these settings; a request must carry a signature. */
function isSigned(req: IncomingMessage): boolean {
  if (req.headers.authorization) {
    return true;
  }
  const url = new URL(req.url ?? "/", "http://local-s3");
  return url.searchParams.has("X-Amz-Signature") || url.searchParams.has("Signature");
}

function rootElementOf(document: string): string | undefined {
  const withoutProlog = document.replace(/^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?/, "");
  return /^<([A-Za-z][\w.-]*)[\s/>]/.exec(withoutProlog)?.[1];
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  }
  return Buffer.concat(chunks);
}

async function isDirectory(candidate: string): Promise<boolean> {
  try {
    return (await fs.stat(candidate)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      return false;
    }
    throw err;
  }
}

async function readIfPresent(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      return undefined;
    }
    throw err;
  }
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`;
  res
    .writeHead(status, { "Content-Type": "application/xml", "Content-Length": Buffer.byteLength(body) })
    .end(body);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
