//! Every route the sandbox serves, on both flavors, comes from Atlassian: an operation of a
//! reference description (method and path looked up in the file), a documentation page, or the
//! sandbox's own `/__sandbox/` control API. A route without a source fails here.

mod support;

use std::collections::HashMap;

use atlassian_sandbox::routes::sourced::{Listed, Source, Spec as Described};
use atlassian_sandbox::routes::Served;
use atlassian_sandbox::{Config, Flavor};
use support::openapi::Spec;

/// Where a documentation source may point: Atlassian's own sites and the Marketplace apps'
/// vendors the seeds describe.
const DOC_HOSTS: &[&str] = &["developer.atlassian.com", "docs.atlassian.com", "confluence.atlassian.com", "support.atlassian.com", "wiki.resolution.de"];

fn listings() -> Vec<(String, Listed)> {
    let mut out = Vec::new();
    for flavor in [Flavor::Cloud, Flavor::Datacenter] {
        for without_token_apis in [false, true] {
            let config = Config { flavor, without_token_apis, ..Config::defaults() };
            let label = format!("{flavor:?}{}", if without_token_apis { " --without-token-apis" } else { "" });
            out.extend(Served::new(&config).listing().into_iter().map(|l| (label.clone(), l)));
        }
    }
    out
}

/// The route's path as the described operation has it: the gateway's `/ex/{product}/{cloud_id}`
/// prefix off (the same operations behind it), then the description's server part.
fn described_path(spec: Described, path: &str) -> Option<String> {
    let mut p = path;
    for gw in ["/ex/jira/{cloud_id}", "/ex/confluence/{cloud_id}"] {
        if let Some(rest) = p.strip_prefix(gw) {
            p = rest;
        }
    }
    spec.described_path(p)
}

#[test]
fn every_route_has_a_source_atlassian_documents() {
    let mut specs: HashMap<&'static str, Option<Spec>> = HashMap::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (label, l) in listings() {
        let what = format!("{label}: {} {}", l.method, l.path);
        match l.source {
            Source::Spec(s) => {
                let spec = specs.entry(s.file()).or_insert_with(|| Spec::load("every_route_has_a_source_atlassian_documents", s.file(), &[]));
                let Some(spec) = spec else { continue };
                match described_path(s, &l.path) {
                    Some(p) if spec.template(&l.method.to_ascii_lowercase(), &p).is_some() => checked += 1,
                    Some(p) => failures.push(format!("{what}: {} has no operation {} {p}", s.file(), l.method)),
                    None => failures.push(format!("{what}: not under the server path of {}", s.file())),
                }
            }
            Source::Doc(url) => {
                let host = url.strip_prefix("https://").and_then(|r| r.split('/').next()).unwrap_or("");
                if !DOC_HOSTS.contains(&host) {
                    failures.push(format!("{what}: the documentation source {url:?} is not an https page of {DOC_HOSTS:?}"));
                }
            }
            Source::Control => {
                if !l.path.starts_with("/__sandbox/") {
                    failures.push(format!("{what}: only /__sandbox/ routes are the sandbox's own"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} route(s) without a source:\n{}", failures.len(), failures.join("\n"));
    if specs.values().all(Option::is_some) {
        assert!(checked > 150, "only {checked} routes were checked against the descriptions");
    }
}

#[test]
fn a_route_the_descriptions_lack_is_caught() {
    let Some(spec) = Spec::load("a_route_the_descriptions_lack_is_caught", Described::JiraDc.file(), &[]) else { return };
    let path = described_path(Described::JiraDc, "/rest/api/2/serverInfo").unwrap();
    assert!(spec.template("get", &path).is_some());
    let invented = described_path(Described::JiraDc, "/rest/api-tokens/latest/tokens").unwrap();
    assert!(spec.template("get", &invented).is_none());
    assert!(spec.template("delete", &path).is_none(), "the method counts too");
}
