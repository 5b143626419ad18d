/**
 * `data.internal.capabilities` as `regal test` writes it to the store (regal cmd/test.go, pkg/config
 * `fromOPACapabilities`): OPA's capabilities without Regal's own builtins, with builtins keyed by name,
 * `{"builtins": {name: {"decl": {"args", "result"}}}, "future_keywords", "features"}`. Made from Regal's
 * checked-in capabilities file (OPA's list format plus `regal.*`).
 */
import * as fs from "fs";

interface CapabilitiesFile {
  builtins: Array<{ name: string; decl: { args?: unknown[]; result?: unknown } }>;
  future_keywords?: string[];
  features?: string[];
}

export function regalCapabilitiesData(file: string): { internal: { capabilities: unknown } } {
  const caps = JSON.parse(fs.readFileSync(file, "utf8")) as CapabilitiesFile;
  const builtins: Record<string, unknown> = {};
  for (const b of caps.builtins) {
    if (b.name.startsWith("regal.")) continue;
    builtins[b.name] = { decl: { args: b.decl.args ?? [], result: b.decl.result } };
  }
  return { internal: { capabilities: { builtins, future_keywords: caps.future_keywords ?? [], features: caps.features ?? [] } } };
}
