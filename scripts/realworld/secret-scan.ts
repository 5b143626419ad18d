/**
 * squealer's string scan (owenrumney/squealer pkg/squealer, default config) as trivy-checks'
 * `squealer.scan_string` returns it: `{"transgressionFound": bool, "description": string}` for the first of the
 * default rules that apply to any text (those without a file-name filter) matching the string. Go's inline
 * `(?-i)` cannot be said in a JavaScript pattern; those rules match case-insensitively throughout.
 */

interface SecretRule {
  pattern: RegExp;
  description: string;
  /** The Shannon entropy range a match must fall in (squealer's `Entropy: "min,max"`). */
  entropy?: [number, number];
}

function rule(source: string, description: string, entropy?: [number, number]): SecretRule {
  const m = /^\(\?([im]+)\)/.exec(source);
  const flags = m ? m[1] : "";
  const body = source.slice(m ? m[0].length : 0).replace(/\(\?-?i\)/g, "").replace(/\(\?i\)/g, "");
  return { pattern: new RegExp(body, flags), description, entropy };
}

const AWS_KEY_ID = "(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}";

const RULES: SecretRule[] = [
  rule(AWS_KEY_ID, "Check for AWS Access Key Id"),
  rule("(?i)aws_secre.+[=:]\\s{0,}[A-Za-z0-9\\/+=]{40}.?", "Check for AWS Secret Access Key"),
  rule("(?i)github[_\\-\\.]?token[\\s:,=\"\\]']+?(?-i)[0-9a-zA-Z]{35,40}", "Check for Github Token"),
  rule("gh[opusr]_[A-Za-z0-9_]{30,255}", "Check for new Github Token"),
  rule("xox[baprs]-([0-9a-zA-Z]{10,48})?", ""),
  rule("-----BEGIN ((EC|PGP|DSA|RSA|OPENSSH) )?PRIVATE KEY( BLOCK)?-----", "Private Asymetric Key"),
  rule("xox.-[0-9]{12}-[0-9]{12}-[0-9]{12}-[a-zA-Z0-9]{32}", "Slack API Token"),
  rule("xox.-[0-9]{12}-[0-9]{12}-[r0-9a-zA-Z]{24}", "Slack OAuth Token"),
  rule("(?im)password\\s?[:=]\\s?\"?[^\\s?\\$\\{].+\"?", "Password literal text"),
  rule("(?i)aws(.{0,20})?(?-i)['\\\"][0-9a-zA-Z\\/+]{40}['\\\"]", "AWS Secret Key"),
  rule("amzn\\.mws\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "AWS MWS key"),
  rule("(?i)(facebook|fb)(.{0,20})?(?-i)['\\\"][0-9a-f]{32}['\\\"]", "Facebook Secret Key"),
  rule("(?i)(facebook|fb)(.{0,20})?['\\\"][0-9]{13,17}['\\\"]", "Facebook Client ID"),
  rule("(?i)twitter(.{0,20})?['\\\"][0-9a-z]{35,44}['\\\"]", "Twitter Secret Key"),
  rule("(?i)twitter(.{0,20})?['\\\"][0-9a-z]{18,25}['\\\"]", "Twitter Client ID"),
  rule("(?i)github.{0,3}((?i)token|api|key).{0,10}?(?-i)([0-9a-zA-Z]{35,40})", "GitHub Token"),
  rule("(?i)linkedin(.{0,20})?(?-i)['\\\"][0-9a-z]{12}['\\\"]", "LinkedIn Client ID"),
  rule("(?i)linkedin(.{0,20})?['\\\"][0-9a-z]{16}['\\\"]", "LinkedIn Secret Key"),
  rule("//registry.npmjs.org/:_authToken=[0-9a-f-]+", "NPM Token"),
  rule("AIza[0-9A-Za-z\\\\-_]{35}", "Google API key"),
  rule("(?i)heroku(.{0,20})?['\"][0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}['\"]", "Heroku API key"),
  rule("(?i)(mailchimp|mc)(.{0,20})?['\"][0-9a-f]{32}-us[0-9]{1,2}['\"]", "MailChimp API key"),
  rule("(?i)(mailgun|mg)(.{0,20})?['\"][0-9a-z]{32}['\"]", "Mailgun API key"),
  rule("access_token\\$production\\$[0-9a-z]{16}\\$[0-9a-f]{32}", "PayPal Braintree access token"),
  rule("sk_live_[0-9a-z]{32}", "Picatic API key"),
  rule("https://hooks.slack.com/services/T[a-zA-Z0-9_]{8}/B[a-zA-Z0-9_]{8}/[a-zA-Z0-9_]{24}", "Slack Webhook"),
  rule("(?i)stripe(.{0,20})?['\\\"][sk|rk]_live_[0-9a-zA-Z]{24}", "Stripe API key"),
  rule("sq0atp-[0-9A-Za-z\\-_]{22}", "Square access token"),
  rule("sq0csp-[0-9A-Za-z\\\\-_]{43}", "Square OAuth secret"),
  rule("(?i)twilio(.{0,20})?['\\\"][0-9a-f]{32}['\\\"]", "Twilio API key"),
  rule("dt0[a-zA-Z]{1}[0-9]{2}\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}", "Dynatrace token"),
  rule("shpss_[a-fA-F0-9]{32}", "Shopify shared secret"),
  rule("shpat_[a-fA-F0-9]{32}", "Shopify access token"),
  rule("shpca_[a-fA-F0-9]{32}", "Shopify custom app access token"),
  rule("shppa_[a-fA-F0-9]{32}", "Shopify private app access token"),
  rule(
    "(?i)(apikey|secret|password|database_password|db_password|deploy_password|deploy_token|docker_password|client_id|client_secret|refresh_token)(.*)?[(:=](\\s)?['\\\"][0-9a-zA-Z-_!$^%=]{10,120}['\\\")]",
    "Env Var",
    [4.2, 7.0],
  ),
  rule("define(.{0,20})?(DB_CHARSET|NONCE_SALT|LOGGED_IN_SALT|AUTH_SALT|NONCE_KEY|DB_HOST|DB_PASSWORD|AUTH_KEY|SECURE_AUTH_KEY|LOGGED_IN_KEY|DB_NAME|DB_USER)(.{0,20})?['|\"].{10,120}['|\"]", "WP-Config"),
];

function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

export function scanForSecrets(text: string): { transgressionFound: boolean; description: string } {
  for (const r of RULES) {
    const m = r.pattern.exec(text);
    if (!m) continue;
    if (r.entropy) {
      const e = shannonEntropy(m[0]);
      if (e < r.entropy[0] || e > r.entropy[1]) continue;
    }
    return { transgressionFound: true, description: r.description };
  }
  return { transgressionFound: false, description: "" };
}
