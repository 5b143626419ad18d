/**
 * Takes optional listen settings and produces a running local S3 endpoint: s3rver behind the bucket-subresource
 * layer, on loopback, with s3rver's fixed credentials. Tests start it in-process on an ephemeral port; the
 * standalone command (cli.ts) and the example deployment use the same function.
 */
import { promises as fs } from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import S3rver from "s3rver";
import { withBucketSubresources } from "./bucket-subresources";
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from "./provider-config";

/** How to start the local endpoint. */
export interface LocalS3Options {
  /**
   * TCP port to listen on; 0 picks a free ephemeral port.
   * @default 0
   */
  readonly port?: number;
  /**
   * Loopback address to listen on.
   * @default "127.0.0.1"
   */
  readonly host?: string;
  /**
   * Directory for bucket data. When given it is kept on stop; otherwise a fresh temporary directory is created
   * and removed on stop.
   * @default - a new directory under the OS temp dir
   */
  readonly directory?: string;
}

/** A running local S3 endpoint. */
export interface LocalS3 {
  /** Base URL, e.g. `http://127.0.0.1:41234`; clients must use path-style addressing. */
  readonly endpoint: string;
  readonly port: number;
  readonly directory: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Stops listening, closes open connections and removes a temporary data directory. */
  stop(): Promise<void>;
}

export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  const host = options.host ?? "127.0.0.1";
  const ownsDirectory = options.directory === undefined;
  const directory = options.directory ?? (await fs.mkdtemp(path.join(os.tmpdir(), "groundtruth-local-s3-")));
  await fs.mkdir(directory, { recursive: true });

  // vhostBuckets is off so a host name like `localhost` is never mistaken for a bucket.
  const s3rver = new S3rver({ directory, silent: true, vhostBuckets: false });
  const server = http.createServer(withBucketSubresources(directory, s3rver.callback()));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    endpoint: `http://${urlHost}:${port}`,
    port,
    directory,
    region: LOCAL_S3_REGION,
    credentials: LOCAL_S3_CREDENTIALS,
    async stop() {
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      closeLogger(s3rver);
      if (ownsDirectory) {
        await fs.rm(directory, { recursive: true, force: true });
      }
    },
  };
}

/** s3rver opens a winston logger in its constructor and only closes it from its own listen(); we bypass that. */
function closeLogger(s3rver: S3rver): void {
  const logger = (s3rver as unknown as { logger?: { close(): void } }).logger;
  logger?.close();
}
