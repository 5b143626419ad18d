import * as crypto from "crypto";
import { evalRule, strictError } from "./policy-runner";

const config = `{"aws_access_key": "MYAWSACCESSKEYGOESHERE", "aws_secret_access_key": "MYAWSSECRETACCESSKEYGOESHERE", "aws_service": "s3", "aws_region": "us-east-1"}`;
const withConfig = (extra: string) => config.replace(/}$/, `, ${extra}}`);
/** 2015-12-28T14:08:25Z */
const AT = 1451311705000000000;
const EMPTY_SHA256 = crypto.createHash("sha256").update("").digest("hex");

type Signed = { headers: Record<string, string>; [k: string]: unknown };
const sign = (req: string, cfg = config): Signed => evalRule(`p := providers.aws.sign_req(${req}, ${cfg}, ${AT})`) as Signed;

describe("providers.aws.sign_req", () => {
  test("signs a GET without body for S3 as AWS SigV4 prescribes", () => {
    const signed = sign(`{"method": "get", "url": "http://example.com"}`);
    expect(signed).toEqual({
      method: "get",
      url: "http://example.com",
      headers: {
        Authorization:
          "AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE/20151228/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=0047a7016c81e5c7f29cd522f97e911e04fc472fced0aee7916cbc287ad6c8e3",
        host: "example.com",
        "x-amz-content-sha256": EMPTY_SHA256,
        "x-amz-date": "20151228T140825Z",
      },
    });
  });

  test("request headers are signed (lower-cased), kept as given, and a session token is added", () => {
    const signed = sign(`{"method": "get", "url": "https://example.com", "headers": {"Foo": "bar", "User-Agent": "opa"}}`, withConfig(`"aws_session_token": "TOKEN"`));
    expect(signed.headers.Authorization).toMatch(/SignedHeaders=foo;host;x-amz-content-sha256;x-amz-date;x-amz-security-token,Signature=[0-9a-f]{64}$/);
    expect(signed.headers).toMatchObject({ Foo: "bar", "User-Agent": "opa", "x-amz-security-token": "TOKEN" });
  });

  test("an object body is hashed as Go marshals it; raw_body wins over body", () => {
    const body = sign(`{"method": "post", "url": "http://example.com", "body": {"b": 1, "a": [true]}}`);
    expect(body.headers["x-amz-content-sha256"]).toBe(crypto.createHash("sha256").update('{"a":[true],"b":1}').digest("hex"));
    const raw = sign(`{"method": "post", "url": "http://example.com", "body": {"a": 1}, "raw_body": "hello"}`);
    expect(raw.headers["x-amz-content-sha256"]).toBe(crypto.createHash("sha256").update("hello").digest("hex"));
  });

  test("disable_payload_signing signs UNSIGNED-PAYLOAD; services other than S3 get no content header", () => {
    const unsigned = sign(`{"method": "get", "url": "https://example.com", "headers": {"foo": "bar"}}`, withConfig(`"disable_payload_signing": true`));
    expect(unsigned.headers.Authorization).toMatch(/Signature=c6e6db654e92172f71e18c714c123711de069ac6fd7df1348e5b28fd05532028$/);
    expect(unsigned.headers["x-amz-content-sha256"]).toBe("UNSIGNED-PAYLOAD");
    const sqs = sign(`{"method": "get", "url": "https://sqs.us-east-1.amazonaws.com/123/q?Action=Receive"}`, config.replace('"s3"', '"sqs"'));
    expect(sqs.headers).not.toHaveProperty("x-amz-content-sha256");
    expect(sqs.headers.Authorization).toMatch(/Credential=MYAWSACCESSKEYGOESHERE\/20151228\/us-east-1\/sqs\/aws4_request,SignedHeaders=host;x-amz-date,/);
  });

  test("operand errors carry OPA's messages", () => {
    expect(strictError(`p := providers.aws.sign_req({}, ${config}, ${AT})`)).toBe(
      'eval_type_error: providers.aws.sign_req: operand 1 missing required request parameters(s): {"method", "url"}',
    );
    expect(strictError(`p := providers.aws.sign_req({"method": "get", "url": "u"}, {"aws_service": 1}, ${AT})`)).toMatch(
      /operand 2 missing required AWS config parameters\(s\): \{"aws_access_key", "aws_region", "aws_secret_access_key"\}$/,
    );
    expect(strictError(`p := providers.aws.sign_req({"method": "get", "url": "u", "verb": 1}, ${config}, ${AT})`)).toMatch(
      /operand 1 invalid request parameters\(s\): \{"verb"\}$/,
    );
    expect(strictError(`p := providers.aws.sign_req({"method": "get", "url": "u"}, ${withConfig(`"disable_payload_signing": "no"`)}, ${AT})`)).toMatch(
      /operand 2 invalid value for 'disable_payload_signing' in AWS config$/,
    );
    expect(evalRule(`p := providers.aws.sign_req({}, ${config}, ${AT})`)).toBeUndefined();
  });
});
