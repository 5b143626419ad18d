/**
 * The objects a video-frame or 3D point-cloud data object makes the worker's browser read: a sequence file's
 * frames (`prefix` + `frames[].frame`) and, for point clouds, each frame's camera images
 * (`frames[].images[].image-path`); or a single point-cloud frame's `source-ref-metadata` images. Relative paths
 * are joined to `prefix`, `s3://` paths stand alone. A field of the wrong shape is an error naming its JSON path.
 */
import { S3Location, parseObjectUri, parsePrefixUri, S3UriError } from "./s3-uri";

export class ShapeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/** The locations a sequence file names; `pointCloud` also reads each frame's camera images. */
export function sequenceObjects(doc: unknown, pointCloud: boolean): S3Location[] {
  if (!isObject(doc)) throw new ShapeError("$", `expected a sequence file object with "prefix" and "frames", found ${typeName(doc)}`);
  const frames = doc.frames;
  if (!Array.isArray(frames)) throw new ShapeError("$.frames", `expected an array of frames, found ${typeName(frames)}`);
  const resolve = resolver(doc.prefix, "$.prefix");
  const out: S3Location[] = [];
  frames.forEach((frame, i) => {
    const at = `$.frames[${i}]`;
    if (!isObject(frame)) throw new ShapeError(at, `expected a frame object, found ${typeName(frame)}`);
    if (typeof frame.frame !== "string" || frame.frame === "") throw new ShapeError(`${at}.frame`, `expected the frame's path (a string), found ${typeName(frame.frame)}`);
    out.push(resolve(frame.frame, `${at}.frame`));
    if (pointCloud) out.push(...cameraImages(frame.images, `${at}.images`, resolve));
  });
  return out;
}

/** A single point-cloud frame's camera images, from its line's `source-ref-metadata`. */
export function singleFrameImages(metadata: unknown): S3Location[] {
  const at = '$["source-ref-metadata"]';
  if (!isObject(metadata)) throw new ShapeError(at, `expected an object, found ${typeName(metadata)}`);
  return cameraImages(metadata.images, `${at}.images`, resolver(metadata.prefix, `${at}.prefix`));
}

type Resolve = (p: string, at: string) => S3Location;

function cameraImages(images: unknown, at: string, resolve: Resolve): S3Location[] {
  if (images === undefined) return [];
  if (!Array.isArray(images)) throw new ShapeError(at, `expected an array of camera images, found ${typeName(images)}`);
  return images.map((image, j) => {
    const iat = `${at}[${j}]`;
    if (!isObject(image)) throw new ShapeError(iat, `expected an image object, found ${typeName(image)}`);
    const imagePath = image["image-path"];
    if (typeof imagePath !== "string" || imagePath === "") {
      const hint = "image_path" in image || "imagePath" in image ? ' (the key is "image-path", with a hyphen)' : "";
      throw new ShapeError(`${iat}["image-path"]`, `expected the image's path (a string), found ${typeName(imagePath)}${hint}`);
    }
    return resolve(imagePath, `${iat}["image-path"]`);
  });
}

/** Joins relative paths to the prefix; a relative path without a prefix is an error where it is used. */
function resolver(prefix: unknown, prefixAt: string): Resolve {
  let base: S3Location | null = null;
  if (prefix !== undefined) {
    try {
      base = parsePrefixUri(prefix);
    } catch (e) {
      if (e instanceof S3UriError) throw new ShapeError(prefixAt, e.message);
      throw e;
    }
  }
  return (p, at) => {
    try {
      if (p.startsWith("s3://")) return parseObjectUri(p);
    } catch (e) {
      if (e instanceof S3UriError) throw new ShapeError(at, e.message);
      throw e;
    }
    if (base === null) throw new ShapeError(at, `${JSON.stringify(p)} is relative, but there is no ${prefixAt.slice(prefixAt.lastIndexOf(".") + 1)} to resolve it against`);
    const separator = base.key === "" || base.key.endsWith("/") ? "" : "/";
    return { bucket: base.bucket, key: `${base.key}${separator}${p}` };
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}
