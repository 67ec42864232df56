//! Validates response bodies against Atlassian's published OpenAPI descriptions
//! (`shared/reference/atlassian-openapi/`), strictly: an object schema that lists `properties`
//! and says nothing of `additionalProperties` is treated as closed, so a misspelled field fails.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{json, Map, Value};

pub struct Spec {
    pub doc: Value,
    /// Path templates as (regex-free) segment lists, for matching concrete paths.
    templates: Vec<(String, Vec<String>)>,
    cache: Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
    /// Schema names the published description gets wrong, left open on purpose.
    open: Vec<String>,
}

/// Where the reference descriptions are: `ATLASSIAN_OPENAPI_DIR`, or `../shared` beside the
/// checkout. `None` when neither exists: the project may not carry Atlassian's descriptions
/// itself, so a clone on its own has none.
pub fn reference_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("ATLASSIAN_OPENAPI_DIR") {
        return Some(PathBuf::from(d));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    [root.join("../shared/reference/atlassian-openapi"), root.join("shared/reference/atlassian-openapi")].into_iter().find(|c| c.exists())
}

/// Under CI (`CI=true`) the descriptions are always beside the checkout, so their absence is a
/// failure there; elsewhere the test says it is skipped and why.
fn descriptions_missing(test: &str) {
    let why =
        "Atlassian's OpenAPI descriptions were not found beside the checkout (../shared/reference/atlassian-openapi); set ATLASSIAN_OPENAPI_DIR to that folder";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why}");
    }
    // Straight to the process's stderr: the test harness captures `eprintln!` of passing tests.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped: {test}: {why}");
}

impl Spec {
    /// The description in `file`; `None` (the test is skipped, see `descriptions_missing`)
    /// when the descriptions are not here.
    pub fn load(test: &str, file: &str, open: &[&str]) -> Option<Spec> {
        let Some(dir) = reference_dir() else {
            descriptions_missing(test);
            return None;
        };
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc: Value = serde_json::from_str(&text).expect("OpenAPI JSON");
        let templates = doc["paths"].as_object().expect("paths").keys().map(|k| (k.clone(), k.split('/').map(str::to_string).collect())).collect();
        Some(Spec { doc, templates, cache: Mutex::new(HashMap::new()), open: open.iter().map(|s| s.to_string()).collect() })
    }

    /// The template a concrete path matches; literal segments beat parameters.
    pub fn template(&self, method: &str, path: &str) -> Option<String> {
        let segs: Vec<&str> = path.split('/').collect();
        self.templates
            .iter()
            .filter(|(t, parts)| {
                parts.len() == segs.len()
                    && parts.iter().zip(&segs).all(|(p, s)| (p.starts_with('{') && p.ends_with('}') && !s.is_empty()) || p == s)
                    && self.doc["paths"][t.as_str()].get(method).is_some()
            })
            .max_by_key(|(_, parts)| parts.iter().filter(|p| !p.starts_with('{')).count())
            .map(|(t, _)| t.clone())
    }

    /// The object schemas an `allOf` combines, merged into one (so strictness applies to the
    /// whole, not to each part); `None` when a part is not a plain object schema.
    fn merge_all_of(&self, parts: &[Value], depth: usize) -> Option<Map<String, Value>> {
        if depth > 8 {
            return None;
        }
        let mut props = Map::new();
        let mut required: Vec<Value> = Vec::new();
        for part in parts {
            let resolved = match part.get("$ref").and_then(Value::as_str) {
                Some(r) => self.doc.pointer(r.trim_start_matches('#'))?.clone(),
                None => part.clone(),
            };
            let m = resolved.as_object()?;
            if let Some(inner) = m.get("allOf").and_then(Value::as_array) {
                let merged = self.merge_all_of(inner, depth + 1)?;
                props.extend(merged.get("properties").and_then(Value::as_object).cloned().unwrap_or_default());
                required.extend(merged.get("required").and_then(Value::as_array).cloned().unwrap_or_default());
                continue;
            }
            if m.contains_key("anyOf") || m.contains_key("oneOf") || m.get("additionalProperties").is_some() {
                return None;
            }
            for (k, schema) in m.get("properties").and_then(Value::as_object).cloned().unwrap_or_default() {
                // A property both parts describe (`_links`) takes the union of their fields.
                let combined = match props.get(&k) {
                    Some(prev) => self.merge_all_of(&[prev.clone(), schema.clone()], depth + 1).map(Value::Object).unwrap_or(schema),
                    None => schema,
                };
                props.insert(k, combined);
            }
            required.extend(m.get("required").and_then(Value::as_array).cloned().unwrap_or_default());
        }
        let mut out = Map::new();
        out.insert("type".into(), json!("object"));
        out.insert("properties".into(), Value::Object(props));
        if !required.is_empty() {
            out.insert("required".into(), Value::Array(required));
        }
        Some(out)
    }

    fn convert(&self, v: &Value) -> Value {
        if let Some(parts) = v.get("allOf").and_then(Value::as_array) {
            if let Some(merged) = self.merge_all_of(parts, 0) {
                let mut rest = v.as_object().cloned().unwrap_or_default();
                rest.remove("allOf");
                rest.extend(merged);
                return self.convert(&Value::Object(rest));
            }
        }
        match v {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, x) in m {
                    out.insert(k.clone(), self.convert(x));
                }
                if m.get("nullable") == Some(&Value::Bool(true)) {
                    out.remove("nullable");
                    if let Some(t) = out.get("type").cloned() {
                        out.insert("type".into(), json!([t, "null"]));
                        if let Some(Value::Array(e)) = out.get_mut("enum") {
                            e.push(Value::Null);
                        }
                    } else {
                        return json!({"anyOf": [Value::Object(out), {"type": "null"}]});
                    }
                }
                let combined = m.contains_key("allOf") || m.contains_key("anyOf") || m.contains_key("oneOf");
                if m.contains_key("properties") && !m.contains_key("additionalProperties") && !combined {
                    out.insert("additionalProperties".into(), Value::Bool(false));
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| self.convert(x)).collect()),
            other => other.clone(),
        }
    }

    fn validator(&self, key: &str, schema: &Value) -> std::sync::Arc<jsonschema::Validator> {
        if let Some(v) = self.cache.lock().unwrap().get(key) {
            return v.clone();
        }
        let mut components = self.doc["components"].clone();
        for name in &self.open {
            if let Some(s) = components.pointer_mut(&format!("/schemas/{name}")).and_then(Value::as_object_mut) {
                s.insert("additionalProperties".into(), Value::Bool(true));
            }
        }
        let mut root = self.convert(schema);
        root["components"] = self.convert(&components);
        // `additionalProperties: true` set above must survive the conversion: re-open them.
        for name in &self.open {
            if let Some(s) = root.pointer_mut(&format!("/components/schemas/{name}")).and_then(Value::as_object_mut) {
                s.insert("additionalProperties".into(), Value::Bool(true));
            }
        }
        // Formats are not asserted: Jira's timestamps (`2024-01-31T10:00:00.000+0000`) are what the
        // real service sends, though not RFC 3339 `date-time`; fidelity to the wire wins.
        let v = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(false)
            .build(&root)
            .unwrap_or_else(|e| panic!("schema for {key} does not compile: {e}"));
        let v = std::sync::Arc::new(v);
        self.cache.lock().unwrap().insert(key.to_string(), v.clone());
        v
    }

    /// Validates one response; the errors name the JSON pointer and what is wrong.
    pub fn validate(&self, method: &str, path: &str, status: u16, body: &Value) -> Result<String, Vec<String>> {
        let template = self.template(method, path).ok_or_else(|| vec![format!("no operation {method} {path} in the description")])?;
        let op = &self.doc["paths"][template.as_str()][method];
        let resp = op["responses"].get(status.to_string()).or_else(|| op["responses"].get("default"));
        let Some(resp) = resp else {
            return Err(vec![format!("{method} {template}: status {status} is not described")]);
        };
        // Error responses often carry no schema in the description: they are Jira's
        // `ErrorCollection` where the description defines one.
        let fallback = json!({"$ref": "#/components/schemas/ErrorCollection"});
        let schema = match resp.pointer("/content/application~1json/schema") {
            Some(s) => s,
            None if status >= 400 && self.doc.pointer("/components/schemas/ErrorCollection").is_some() => &fallback,
            // An error the description gives no body for: nothing to hold it to.
            None if status >= 400 => return Ok(template),
            None => return Err(vec![format!("{method} {template} {status}: no JSON schema in the description")]),
        };
        let v = self.validator(&format!("{method} {template} {status}"), schema);
        let errors: Vec<String> = v.iter_errors(body).map(|e| format!("{}: {e}", e.instance_path)).collect();
        if errors.is_empty() {
            Ok(template)
        } else {
            Err(errors)
        }
    }
}
