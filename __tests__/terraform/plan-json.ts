/**
 * Test support: the parts of `terraform show -json` output the suites read (planned values, resource changes and
 * configuration expressions), typed, with look-ups by resource type and address.
 */
export interface PlannedResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly values: Record<string, unknown>;
}

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly change: { readonly actions: string[]; readonly after_unknown?: Record<string, unknown> };
}

export interface ConfiguredResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly expressions: Record<string, { readonly references?: string[]; readonly constant_value?: unknown }>;
}

export interface PlanJson {
  readonly format_version: string;
  readonly planned_values: { readonly root_module: { readonly resources?: PlannedResource[] } };
  readonly resource_changes?: ResourceChange[];
  readonly configuration: { readonly root_module: { readonly resources?: ConfiguredResource[] } };
}

export function plannedOfType(plan: PlanJson, type: string): PlannedResource[] {
  return (plan.planned_values.root_module.resources ?? []).filter((r) => r.type === type);
}

export function configuredOfType(plan: PlanJson, type: string): ConfiguredResource[] {
  return (plan.configuration.root_module.resources ?? []).filter((r) => r.type === type);
}

export function changeOf(plan: PlanJson, address: string): ResourceChange {
  const change = (plan.resource_changes ?? []).find((c) => c.address === address);
  if (!change) {
    throw new Error(`the plan has no change for ${address}`);
  }
  return change;
}

/** A CORS rule from planned values, made comparable: list order and null-versus-empty do not matter to S3. */
export function comparableRule(rule: Record<string, unknown>): Record<string, unknown> {
  const sorted = (value: unknown): string[] => [...((value as string[] | null) ?? [])].sort();
  return {
    allowed_headers: sorted(rule.allowed_headers),
    allowed_methods: sorted(rule.allowed_methods),
    allowed_origins: sorted(rule.allowed_origins),
    expose_headers: sorted(rule.expose_headers),
    max_age_seconds: rule.max_age_seconds ?? null,
  };
}
