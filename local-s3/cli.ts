/**
 * Standalone local S3 endpoint: takes `--port N`, `--host ADDR` and `--directory DIR` and serves until SIGINT or
 * SIGTERM, printing the endpoint and the AWS provider / SDK settings that reach it.
 */
import { parseArgs } from "util";
import { startLocalS3 } from "./server";

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "4568" },
      host: { type: "string", default: "127.0.0.1" },
      directory: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write("usage: local-s3 [--port 4568] [--host 127.0.0.1] [--directory DIR]\n");
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`local-s3: --port must be an integer from 0 to 65535, got "${values.port}"\n`);
    return 2;
  }
  const s3 = await startLocalS3({ port, host: values.host, directory: values.directory });
  process.stdout.write(
    [
      `local S3 listening on ${s3.endpoint} (data in ${s3.directory})`,
      `  deploy the example app to it: GROUNDTRUTH_S3_ENDPOINT=${s3.endpoint} npx cdktf deploy --auto-approve`,
      `  credentials: ${s3.credentials.accessKeyId} / ${s3.credentials.secretAccessKey}, region ${s3.region}, path-style`,
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await s3.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`local-s3: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
