/**
 * Properties of merging, over generated job types, roles and user rules: no rule twice, every user rule kept,
 * and every documented Ground Truth rule still allowed by some rule in the merged list.
 */
import fc from "fast-check";
import {
  ALL_BUCKET_ROLES,
  ALL_JOB_TYPES,
  CorsRule,
  HttpMethods,
  LabelingJobType,
  allowsAllOf,
  corsRulesFor,
  groundTruthCorsRules,
  mergeCorsRules,
} from "../../constructs";
import { corsRuleIdentity } from "../../constructs/cors-rule";

const ruleArbitrary: fc.Arbitrary<CorsRule> = fc.record(
  {
    allowedMethods: fc.uniqueArray(fc.constantFrom(...Object.values(HttpMethods)), { minLength: 1 }),
    allowedOrigins: fc.uniqueArray(fc.constantFrom("*", "https://a.example.com", "https://*.example.com"), { minLength: 1 }),
    allowedHeaders: fc.uniqueArray(fc.constantFrom("*", "Content-Type", "content-type", "x-amz-*")),
    exposedHeaders: fc.uniqueArray(fc.constantFrom("ETag", "Access-Control-Allow-Origin")),
    maxAge: fc.constantFrom(0, 600, 3000),
  },
  { requiredKeys: ["allowedMethods", "allowedOrigins"] },
);

const jobTypesArbitrary = fc.uniqueArray(fc.constantFrom(...ALL_JOB_TYPES), { minLength: 1 });
const rolesArbitrary = fc.uniqueArray(fc.constantFrom(...ALL_BUCKET_ROLES), { minLength: 1 });

describe("mergeCorsRules", () => {
  it("never repeats a rule, keeps every user rule and keeps every Ground Truth requirement allowed", () => {
    fc.assert(
      fc.property(jobTypesArbitrary, rolesArbitrary, fc.array(ruleArbitrary, { maxLength: 6 }), (jobTypes, roles, extra) => {
        const merged = mergeCorsRules(groundTruthCorsRules(jobTypes, roles), extra);
        const identities = merged.map(corsRuleIdentity);
        expect(new Set(identities).size).toBe(identities.length);
        for (const rule of extra) {
          expect(identities).toContain(corsRuleIdentity(rule));
        }
        for (const jobType of jobTypes) {
          for (const role of roles) {
            for (const needed of corsRulesFor(jobType, role)) {
              expect(merged.some((rule) => allowsAllOf(rule, needed))).toBe(true);
            }
          }
        }
      }),
    );
  });

  it("puts the Ground Truth rules first", () => {
    fc.assert(
      fc.property(jobTypesArbitrary, rolesArbitrary, fc.array(ruleArbitrary, { maxLength: 4 }), (jobTypes, roles, extra) => {
        const groundTruth = groundTruthCorsRules(jobTypes, roles);
        expect(mergeCorsRules(groundTruth, extra).slice(0, groundTruth.length)).toEqual(groundTruth);
      }),
    );
  });
});

describe("allowsAllOf", () => {
  const basic: CorsRule = { allowedMethods: [HttpMethods.GET], allowedOrigins: ["*"] };
  const frames = corsRulesFor(LabelingJobType.VIDEO_FRAME)[0];

  it("knows the video frame rule allows every request the basic rule does, not the reverse", () => {
    expect(allowsAllOf(frames, basic)).toBe(true);
    expect(allowsAllOf(basic, frames)).toBe(false);
  });

  it("does not treat a named origin as allowing *", () => {
    expect(allowsAllOf({ ...basic, allowedOrigins: ["https://a.example.com"] }, basic)).toBe(false);
  });

  it("never drops a rule with an id, which the user may refer to", () => {
    expect(allowsAllOf(frames, { ...basic, id: "mine" })).toBe(false);
  });
});
