//! Connection strings: `key=value;` pairs, values optionally in braces (`{a;b}}c}` is `a;b}c`),
//! keys case-insensitive; the first occurrence of a key wins, as the ODBC specification says.

use crate::error::{OdbcError, OdbcResult, SqlState};

/// Properties of a connection, in the order given, keys compared without case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Properties {
    pairs: Vec<(String, String)>,
}

pub use atlassian_oauth::is_secret_property as is_secret;

impl Properties {
    pub fn parse(text: &str) -> OdbcResult<Properties> {
        let mut props = Properties::default();
        let mut rest = text;
        loop {
            rest = rest.trim_start_matches([';', ' ', '\t', '\r', '\n']);
            if rest.is_empty() {
                break;
            }
            let eq = rest.find('=').ok_or_else(|| {
                OdbcError::new(SqlState::CANNOT_CONNECT, format!("Connection string is malformed near '{}': expected key=value", preview(rest)))
            })?;
            let key = rest[..eq].trim();
            if key.is_empty() || key.contains(';') {
                return Err(OdbcError::new(SqlState::CANNOT_CONNECT, format!("Connection string is malformed near '{}': a key is missing", preview(rest))));
            }
            rest = rest[eq + 1..].trim_start_matches([' ', '\t']);
            let value;
            if let Some(inner) = rest.strip_prefix('{') {
                // Braced: runs to the first '}' that is not doubled.
                let mut out = String::new();
                let mut chars = inner.char_indices();
                let mut end = None;
                while let Some((i, c)) = chars.next() {
                    if c == '}' {
                        if inner[i + 1..].starts_with('}') {
                            out.push('}');
                            chars.next();
                        } else {
                            end = Some(i + 1);
                            break;
                        }
                    } else {
                        out.push(c);
                    }
                }
                let end = end.ok_or_else(|| {
                    OdbcError::new(SqlState::CANNOT_CONNECT, format!("Connection string is malformed: the value of '{key}' opens '{{' but never closes it"))
                })?;
                value = out;
                rest = inner[end..].trim_start_matches([' ', '\t']);
                if !(rest.is_empty() || rest.starts_with(';')) {
                    return Err(OdbcError::new(SqlState::CANNOT_CONNECT, format!("Connection string is malformed after the braced value of '{key}'")));
                }
            } else {
                let end = rest.find(';').unwrap_or(rest.len());
                value = rest[..end].trim().to_string();
                rest = &rest[end..];
            }
            props.insert_if_absent(key, &value);
        }
        Ok(props)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str())
    }

    /// The first non-empty value among several names for one property (`UID` and `User`).
    pub fn any(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| self.get(k).filter(|v| !v.is_empty()))
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn insert_if_absent(&mut self, key: &str, value: &str) {
        if !self.contains(key) {
            self.pairs.push((key.to_string(), value.to_string()));
        }
    }

    pub fn set(&mut self, key: &str, value: &str) {
        match self.pairs.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
            Some(p) => p.1 = value.to_string(),
            None => self.pairs.push((key.to_string(), value.to_string())),
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.pairs.iter().map(|(k, _)| k.as_str())
    }

    /// The connection string `SQLDriverConnect` returns: every property but the secrets.
    pub fn to_out_string(&self) -> String {
        self.pairs.iter().filter(|(k, _)| !is_secret(k)).map(|(k, v)| pair(k, v)).collect()
    }

    /// For logs: secrets shown as `***`.
    pub fn redacted(&self) -> String {
        self.pairs.iter().map(|(k, v)| if is_secret(k) { format!("{k}=***;") } else { pair(k, v) }).collect()
    }
}

/// `key=value;`. The driver's name keeps the braces clients conventionally write around it
/// (`Driver={Atlassian ODBC}`), so a returned string reads like the one given.
fn pair(k: &str, v: &str) -> String {
    if k.eq_ignore_ascii_case("driver") {
        format!("{k}={{{}}};", v.replace('}', "}}"))
    } else {
        format!("{k}={};", quote(v))
    }
}

fn quote(v: &str) -> String {
    // Unbraced values are trimmed when read: any leading or trailing whitespace (a line break
    // too, as the fuzzer found) needs braces to survive the round trip.
    if v.contains([';', '{', '}']) || v.starts_with(char::is_whitespace) || v.ends_with(char::is_whitespace) {
        format!("{{{}}}", v.replace('}', "}}"))
    } else {
        v.to_string()
    }
}

fn preview(s: &str) -> String {
    // Never echo a secret back: show only the start of what could not be parsed, up to '='.
    s.chars().take_while(|c| *c != '=').take(30).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_braces_case_and_first_wins() {
        let p = Properties::parse("Driver={Atlassian ODBC};url=http://x;APIToken={a;b}}c};user=me;USER=other;").unwrap();
        assert_eq!(p.get("DRIVER"), Some("Atlassian ODBC"));
        assert_eq!(p.get("ApiToken"), Some("a;b}c"));
        assert_eq!(p.get("User"), Some("me"));
        let out = p.to_out_string();
        assert!(!out.contains("a;b"), "{out}");
        assert!(out.contains("Driver={Atlassian ODBC};"), "{out}");
        assert_eq!(Properties::parse(&out).unwrap().get("url"), Some("http://x"));
        assert!(Properties::parse("APIToken={abc").unwrap_err().message.contains("never closes"));
        assert!(Properties::parse("novalue").is_err());
        assert_eq!(Properties::parse("").unwrap(), Properties::default());
        assert!(p.redacted().contains("APIToken=***"));
    }

    #[test]
    fn values_with_outer_whitespace_survive_the_out_string() {
        // Regression from the connection_string fuzz target: a braced value starting with a
        // line break lost it when printed without braces and read again.
        let p = Properties::parse("h={\n\0x};d={ spaced\t};").unwrap();
        let again = Properties::parse(&p.to_out_string()).unwrap();
        assert_eq!(again.get("h"), Some("\n\0x"));
        assert_eq!(again.get("d"), Some(" spaced\t"));
    }
}
