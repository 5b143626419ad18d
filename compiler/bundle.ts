/**
 * Writes the bundle layout `opa build -t wasm` produces: a gzipped tarball holding `/.manifest` (with the Wasm
 * entrypoints), `/policy.wasm`, `/data.json` and the Rego sources. Entries are written in a fixed order with a
 * fixed timestamp, so the same input gives the same bytes.
 */
import * as fs from "fs";
import * as zlib from "zlib";
import { pack } from "tar-stream";
import type { SourceFile } from "./index";

export interface BundleContents {
  wasm: Uint8Array;
  entrypoints: readonly string[];
  data: unknown;
  modules: readonly SourceFile[];
}

const EPOCH = new Date(0);

export async function writeBundle(file: string, contents: BundleContents): Promise<void> {
  const manifest = {
    revision: "",
    roots: [""],
    wasm: contents.entrypoints.map((entrypoint) => ({ entrypoint: entrypoint.replace(/^data\./, "").replace(/\./g, "/"), module: "/policy.wasm" })),
  };
  const entries: Array<[string, Buffer]> = [
    ["/.manifest", Buffer.from(JSON.stringify(manifest))],
    ["/data.json", Buffer.from(JSON.stringify(contents.data ?? {}))],
    ["/policy.wasm", Buffer.from(contents.wasm)],
    ...contents.modules.map((m): [string, Buffer] => ["/" + m.file.replace(/^\/+/, ""), Buffer.from(m.source)]),
  ];
  const tarball = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    tarball.on("data", (c: unknown) => chunks.push(c as Buffer));
    tarball.on("end", () => resolve());
    tarball.on("error", reject);
  });
  for (const [name, body] of entries) tarball.entry({ name, mtime: EPOCH, mode: 0o644, uid: 0, gid: 0 }, body);
  tarball.finalize();
  await done;
  fs.writeFileSync(file, zlib.gzipSync(Buffer.concat(chunks), { level: 9 }));
}
