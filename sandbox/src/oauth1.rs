//! OAuth 1.0a, as Jira and Confluence Data Center accept it from an application link's consumer
//! (gadgets, other Atlassian products): `Authorization: OAuth oauth_consumer_key=..,
//! oauth_token=.., oauth_signature_method="RSA-SHA1", oauth_signature=.., oauth_timestamp=..,
//! oauth_nonce=.., oauth_version="1.0"`, signed with the consumer's private key over RFC 5849's
//! signature base string; the server holds the consumer's public key
//! (https://developer.atlassian.com/server/jira/platform/oauth/). A request it cannot accept gets
//! 401 with the problem named in `WWW-Authenticate` (`oauth_problem=token_rejected` for a
//! revoked or expired token, `signature_invalid`, `consumer_key_unknown`, `timestamp_refused`:
//! https://confluence.atlassian.com/kb/oauth-troubleshooting-guide-719095274.html); the
//! consumer then asks the user to authorize again, or goes on without a token and sees what an
//! anonymous user sees.
//!
//! The sandbox's consumers (the "View OAuth Access Tokens" page's seeded gadgets) share one test
//! key pair: its private half is on the start-up line, since the tests play the consumer.

use std::collections::HashMap;

use base64::Engine;
use chrono::{DateTime, Utc};
use num_bigint::BigUint;
use sha1::{Digest, Sha1};

use crate::credentials::{ConsumerToken, CONSUMERS};

/// The consumers' RSA key (1024 bits, e = 65537), made for the sandbox with `openssl genrsa`.
pub const KEY_N: &str = "adbbfd439a9d4f4bac6537982071e290830738c992303f9ebd6f151cdc3246e6acdc672d07b14eb857fa5b9baabab5ac3b72f3e3294d953fdaefb783d73990f882d7836ff3e0b808a5a1f0be9539ed02d0c82ede63b031c01a6a0e47733c4641d5eed3d14bcfd1d393bf19614c2644612a29730b183b10e738f11f2d646fa731";
/// The private exponent: the consumer's, handed to the tests on the start-up line.
pub const KEY_D: &str = "927577fc15cba79d53a7c0462e93d33ba039e6558737c56a3ca7f8546c0cb658a040ed79b892709a57106749c393c2b37f2a590f9732202fc4917153638cd3f847a713cd57360d3adedd972ba695b831e85ef56a7acf9f176a3beac33f21811d364363025fda0c1f322c3c7fecb0358c0d05c8b4bfe0a72bbc85e9563b9e3401";
const KEY_E: u32 = 65_537;
/// How far a request's `oauth_timestamp` may be from the server's clock.
const TIMESTAMP_WINDOW_SECS: i64 = 600;
/// DER of SHA-1's DigestInfo, before the hash (RFC 8017, EMSA-PKCS1-v1_5).
const SHA1_DIGEST_INFO: [u8; 15] = [0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14];

/// Why a signed request was refused, as `oauth_problem` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    ParameterAbsent,
    SignatureMethodRejected,
    ConsumerKeyUnknown,
    TimestampRefused,
    SignatureInvalid,
    TokenRejected,
}

impl Problem {
    pub fn name(self) -> &'static str {
        match self {
            Problem::ParameterAbsent => "parameter_absent",
            Problem::SignatureMethodRejected => "signature_method_rejected",
            Problem::ConsumerKeyUnknown => "consumer_key_unknown",
            Problem::TimestampRefused => "timestamp_refused",
            Problem::SignatureInvalid => "signature_invalid",
            Problem::TokenRejected => "token_rejected",
        }
    }
}

/// One request as the signature covers it.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// `scheme://host[:port]/path`, as the consumer addressed it.
    pub base_url: String,
    /// The raw query string, if any.
    pub query: Option<&'a str>,
    /// The `Authorization` header's value after `OAuth `.
    pub params: &'a str,
}

/// RFC 3986 percent-encoding, as RFC 5849 signs with.
fn pct(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

fn unpct(s: &str) -> String {
    form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

/// The header's `name="value"` pairs, decoded.
fn header_params(h: &str) -> HashMap<String, String> {
    h.split(',')
        .filter_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            Some((k.trim().to_string(), unpct(v.trim().trim_matches('"'))))
        })
        .collect()
}

/// RFC 5849 §3.4.1: method, base URL and the sorted, encoded parameters.
fn base_string(r: &SignedRequest, oauth: &HashMap<String, String>) -> String {
    let mut pairs: Vec<(String, String)> =
        oauth.iter().filter(|(k, _)| k.as_str() != "oauth_signature" && k.as_str() != "realm").map(|(k, v)| (pct(k), pct(v))).collect();
    if let Some(q) = r.query {
        pairs.extend(form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (pct(&k), pct(&v))));
    }
    pairs.sort();
    let normalized = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    format!("{}&{}&{}", r.method.to_ascii_uppercase(), pct(&r.base_url), pct(&normalized))
}

/// RSASSA-PKCS1-v1_5 with SHA-1 under the consumers' public key.
fn signature_holds(base: &str, signature_b64: &str) -> bool {
    let Ok(sig) = base64::engine::general_purpose::STANDARD.decode(signature_b64) else { return false };
    let n = BigUint::parse_bytes(KEY_N.as_bytes(), 16).expect("the key's modulus is hex");
    let k = n.bits().div_ceil(8) as usize;
    let s = BigUint::from_bytes_be(&sig);
    if sig.len() != k || s >= n {
        return false;
    }
    let m = s.modpow(&BigUint::from(KEY_E), &n).to_bytes_be();
    let mut em = vec![0u8; k - m.len()];
    em.extend(m);
    let mut expected = vec![0x00, 0x01];
    let t_len = SHA1_DIGEST_INFO.len() + 20;
    expected.extend(std::iter::repeat_n(0xff, k - t_len - 3));
    expected.push(0x00);
    expected.extend(SHA1_DIGEST_INFO);
    expected.extend(Sha1::digest(base.as_bytes()));
    em == expected
}

/// The account a signed request acts for, or the problem that refuses it.
pub fn verify(tokens: &[ConsumerToken], r: &SignedRequest, now: DateTime<Utc>) -> Result<String, Problem> {
    let oauth = header_params(r.params);
    let get = |k: &str| oauth.get(k).map(String::as_str).filter(|v| !v.is_empty()).ok_or(Problem::ParameterAbsent);
    let (key, token, method, signature, timestamp) =
        (get("oauth_consumer_key")?, get("oauth_token")?, get("oauth_signature_method")?, get("oauth_signature")?, get("oauth_timestamp")?);
    get("oauth_nonce")?;
    if method != "RSA-SHA1" {
        return Err(Problem::SignatureMethodRejected);
    }
    if !CONSUMERS.iter().any(|(_, k, _)| *k == key) {
        return Err(Problem::ConsumerKeyUnknown);
    }
    let at: i64 = timestamp.parse().map_err(|_| Problem::TimestampRefused)?;
    if (at - now.timestamp()).abs() > TIMESTAMP_WINDOW_SECS {
        return Err(Problem::TimestampRefused);
    }
    if !signature_holds(&base_string(r, &oauth), signature) {
        return Err(Problem::SignatureInvalid);
    }
    let consumer = CONSUMERS.iter().find(|(_, k, _)| *k == key).map(|(name, _, _)| *name).unwrap_or_default();
    tokens.iter().find(|t| t.token == token && t.consumer == consumer && t.expires > now).map(|t| t.owner_id.clone()).ok_or(Problem::TokenRejected)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The consumer's side, with the private exponent (as the tests' consumer signs).
    fn sign(base: &str) -> String {
        let n = BigUint::parse_bytes(KEY_N.as_bytes(), 16).unwrap();
        let d = BigUint::parse_bytes(KEY_D.as_bytes(), 16).unwrap();
        let k = n.bits().div_ceil(8) as usize;
        let mut em = vec![0x00, 0x01];
        em.extend(std::iter::repeat_n(0xff, k - 35 - 3));
        em.push(0x00);
        em.extend(SHA1_DIGEST_INFO);
        em.extend(Sha1::digest(base.as_bytes()));
        let s = BigUint::from_bytes_be(&em).modpow(&d, &n).to_bytes_be();
        let mut out = vec![0u8; k - s.len()];
        out.extend(s);
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    #[test]
    fn the_base_string_is_rfc_5849s_and_signatures_verify() {
        let r = SignedRequest { method: "get", base_url: "http://127.0.0.1:8080/rest/api/2/project".into(), query: Some("expand=a%20b&x=1"), params: "" };
        let oauth: HashMap<String, String> =
            [("oauth_token", "t/1"), ("oauth_signature", "ignored"), ("realm", "r")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let base = base_string(&r, &oauth);
        assert_eq!(base, "GET&http%3A%2F%2F127.0.0.1%3A8080%2Frest%2Fapi%2F2%2Fproject&expand%3Da%2520b%26oauth_token%3Dt%252F1%26x%3D1");
        let sig = sign(&base);
        assert!(signature_holds(&base, &sig));
        assert!(!signature_holds(&format!("{base}x"), &sig), "another request");
        assert!(!signature_holds(&base, "AAAA"));
    }

    #[test]
    fn header_values_are_decoded() {
        let p = header_params(r#"realm="x", oauth_token="a%2Fb", oauth_nonce="n""#);
        assert_eq!(p["oauth_token"], "a/b");
        assert_eq!(p["realm"], "x");
    }
}
