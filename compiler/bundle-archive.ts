/**
 * Reads a bundle archive (`.tar.gz`, the layout `opa build` writes) for `regoc test -b`: its `.rego` files as
 * modules (named `<archive>/<path>`), its `data.json`/`data.yaml` files as data at their directory's path, and
 * the `.manifest`'s `rego_version`.
 */
import * as fs from "fs";
import * as zlib from "zlib";
import { extract } from "tar-stream";

export function isBundleArchive(file: string): boolean {
  return /\.(tar\.gz|tgz)$/.test(file);
}

/** The archive's regular files by their names as stored (`opa build` writes them with a leading `/`). */
export async function readBundleArchive(file: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => chunks.push(c as Buffer));
      stream.on("end", () => {
        if (header.type === "file") files.set(header.name, Buffer.concat(chunks));
        next();
      });
      stream.resume();
    });
    ex.on("finish", resolve);
    ex.on("error", reject);
  });
  ex.end(zlib.gunzipSync(fs.readFileSync(file)));
  await done;
  return files;
}
