//! Jira Service Management (`/rest/servicedeskapi`) against the running sandbox, on both
//! flavors: paging, filters, SLA states, approvals, participants, comments, queues.

mod support;

use std::collections::BTreeSet;

use chrono::{Datelike, TimeZone, Utc};
use serde_json::{json, Value};
use support::SandboxProc;

const SD: &str = "/rest/servicedeskapi";

fn flavors() -> Vec<(&'static str, SandboxProc)> {
    vec![("cloud", SandboxProc::start(&[])), ("datacenter", SandboxProc::start(&["--flavor", "datacenter"]))]
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every value of a paged list, walking `start` with pages of `limit`, checking each page's shape.
fn walk(sb: &SandboxProc, path: &str, limit: usize) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut out = Vec::new();
    loop {
        let v = sb.get_json(&format!("{path}{sep}start={}&limit={limit}", out.len()), 200);
        let values = v["values"].as_array().unwrap_or_else(|| panic!("{path}: {v}"));
        assert_eq!(v["start"], out.len(), "{path}");
        assert_eq!(v["limit"], limit, "{path}");
        assert_eq!(v["size"], values.len(), "{path}");
        assert!(values.len() <= limit, "{path}");
        out.extend(values.iter().cloned());
        if v["isLastPage"] == true {
            assert!(v["_links"].get("next").is_none(), "{path}");
            break;
        }
        assert_eq!(values.len(), limit, "{path}: a page before the last is full");
        assert!(v["_links"]["next"].is_string(), "{path}");
    }
    out
}

fn ids(values: &[Value], key: &str) -> Vec<String> {
    values.iter().map(|v| v[key].as_str().unwrap_or_else(|| panic!("{key} of {v}")).to_string()).collect()
}

fn all_requests(sb: &SandboxProc, filter: &str) -> Vec<Value> {
    walk(sb, &format!("{SD}/request?requestOwnership=ALL_REQUESTS{filter}"), 50)
}

#[test]
fn lists_page_with_start_and_limit() {
    for (flavor, sb) in flavors() {
        let lists = [
            format!("{SD}/servicedesk"),
            format!("{SD}/servicedesk/1/requesttype"),
            format!("{SD}/request?requestOwnership=ALL_REQUESTS"),
            format!("{SD}/servicedesk/1/customer"),
            format!("{SD}/servicedesk/1/organization"),
            format!("{SD}/organization"),
            format!("{SD}/organization/3/user"),
            format!("{SD}/servicedesk/1/queue"),
            format!("{SD}/servicedesk/1/queue/1/issue"),
        ];
        for path in &lists {
            let small = walk(&sb, path, 2);
            let big = walk(&sb, path, 50);
            assert!(!big.is_empty(), "{flavor} {path}");
            assert_eq!(small, big, "{flavor} {path}: small pages and big pages disagree");
        }
        // The largest page is 50: 60 requests need two.
        let v = sb.get_json(&format!("{SD}/request?requestOwnership=ALL_REQUESTS&limit=1000"), 200);
        assert_eq!((v["limit"].as_u64(), v["size"].as_u64(), v["isLastPage"].as_bool()), (Some(50), Some(50), Some(false)), "{flavor}");
        let requests = all_requests(&sb, "");
        assert_eq!(requests.len(), 60, "{flavor}");
        let keys: BTreeSet<String> = ids(&requests, "issueKey").into_iter().collect();
        assert_eq!(keys.len(), 60, "{flavor}: no duplicates");
        assert_eq!(sb.get_json(&format!("{SD}/servicedesk/1/requesttype"), 200)["size"], 4, "{flavor}");
        // A page past the end is empty and last.
        let v = sb.get_json(&format!("{SD}/servicedesk?start=10"), 200);
        assert_eq!((v["size"].as_u64(), v["isLastPage"].as_bool()), (Some(0), Some(true)), "{flavor}");
    }
}

#[test]
fn service_desk_request_types_and_errors() {
    for (flavor, sb) in flavors() {
        let d = sb.get_json(&format!("{SD}/servicedesk/1"), 200);
        assert_eq!(d["projectKey"], "HELP");
        // A project key names the service desk too.
        assert_eq!(sb.get_json(&format!("{SD}/servicedesk/HELP"), 200)["id"], "1");
        let e = sb.get_json(&format!("{SD}/servicedesk/999"), 404);
        assert!(e["errorMessage"].is_string(), "{flavor}: {e}");
        // Issues of other projects are not requests.
        assert!(sb.get_json(&format!("{SD}/request/ENG-1"), 404)["errorMessage"].is_string());
        assert_eq!(sb.get(&format!("{SD}/request/HELP-9999")).status().as_u16(), 404);
        let anon = sb.http.get(sb.url(&format!("{SD}/servicedesk"))).send().unwrap();
        assert_eq!(anon.status().as_u16(), 401, "{flavor}");
        assert!(anon.json::<Value>().unwrap()["errorMessage"].is_string());
        assert_eq!(sb.get(&format!("{SD}/info")).status().as_u16(), 200);
        let hardware = sb.get_json(&format!("{SD}/servicedesk/1/requesttype/2"), 200);
        assert_eq!(hardware["name"], "Request new hardware");
        let fields = sb.get_json(&format!("{SD}/servicedesk/1/requesttype/3/field"), 200);
        let f = ids(fields["requestTypeFields"].as_array().unwrap(), "fieldId");
        assert_eq!(f, vec!["summary", "description", "priority"]);
        assert_eq!(sb.get(&format!("{SD}/servicedesk/1/requesttype/77")).status().as_u16(), 404);
        let found = sb.get_json(&format!("{SD}/servicedesk/1/requesttype?searchQuery=hardware"), 200);
        assert_eq!(ids(found["values"].as_array().unwrap(), "id"), vec!["2"]);
        if flavor == "cloud" {
            assert_eq!(sb.get_json(&format!("{SD}/requesttype?serviceDeskId=1"), 200)["size"], 4);
        }
        // The requests are the project's issues: the Jira search finds them.
        let n = if flavor == "cloud" {
            sb.send_json("POST", "/rest/api/3/search/approximate-count", &json!({"jql": "project = HELP"})).1["count"].as_u64().unwrap()
        } else {
            sb.get_json("/rest/api/2/search?jql=project%3DHELP&maxResults=0", 200)["total"].as_u64().unwrap()
        };
        assert_eq!(n, 60, "{flavor}");
    }
}

#[test]
fn request_filters() {
    for (flavor, sb) in flavors() {
        let all = all_requests(&sb, "");
        for t in 1..=4 {
            let ts = t.to_string();
            let of_type = all_requests(&sb, &format!("&serviceDeskId=1&requestTypeId={t}"));
            assert!(!of_type.is_empty(), "{flavor} type {t}");
            assert!(of_type.iter().all(|r| r["requestTypeId"] == ts.as_str()));
            assert_eq!(of_type.len(), all.iter().filter(|r| r["requestTypeId"] == ts.as_str()).count());
        }
        assert_eq!(all_requests(&sb, "&serviceDeskId=1").len(), all.len());
        assert_eq!(sb.get(&format!("{SD}/request?requestTypeId=1")).status().as_u16(), 400, "{flavor}: the type needs its desk");
        assert_eq!(sb.get(&format!("{SD}/request?serviceDeskId=42")).status().as_u16(), 404);
        let open = all_requests(&sb, "&requestStatus=OPEN_REQUESTS");
        let closed = all_requests(&sb, "&requestStatus=CLOSED_REQUESTS");
        assert!(!open.is_empty() && !closed.is_empty());
        assert_eq!(open.len() + closed.len(), all.len());
        assert!(open.iter().all(|r| r["currentStatus"]["statusCategory"] != "DONE"));
        assert!(closed.iter().all(|r| r["currentStatus"]["statusCategory"] == "DONE"));
        let statuses: BTreeSet<&str> = all.iter().map(|r| r["currentStatus"]["status"].as_str().unwrap()).collect();
        for s in ["Waiting for support", "Waiting for customer", "In Progress", "Resolved", "Waiting for approval"] {
            assert!(statuses.contains(s), "{flavor}: no request is {s}: {statuses:?}");
        }
        // By default the caller's own requests (and participations, organizations) only.
        let me = sb.get_json("/rest/api/2/myself", 200);
        let my_id = me.get("accountId").or_else(|| me.get("key")).and_then(Value::as_str).map(str::to_string);
        let owned = walk(&sb, &format!("{SD}/request?requestOwnership=OWNED_REQUESTS"), 50);
        assert!(!owned.is_empty() && owned.len() < all.len());
        if flavor == "cloud" {
            assert!(owned.iter().all(|r| r["reporter"]["accountId"].as_str() == my_id.as_deref()));
        }
        let default = walk(&sb, &format!("{SD}/request"), 50);
        assert!(default.len() >= owned.len() && default.len() < all.len());
        // Latest activity first.
        let expanded = sb.get_json(&format!("{SD}/request?requestOwnership=ALL_REQUESTS&limit=5&expand=requestType,serviceDesk,participant,status"), 200);
        for r in expanded["values"].as_array().unwrap() {
            assert_eq!(r["requestType"]["id"], r["requestTypeId"]);
            assert_eq!(r["serviceDesk"]["id"], "1");
            assert!(!r["status"]["values"].as_array().unwrap().is_empty());
        }
        // Every request type has requests this month and last month.
        let now = Utc::now();
        let this_month = Utc.with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0).unwrap();
        let last_month = this_month.checked_sub_months(chrono::Months::new(1)).unwrap();
        for t in 1..=4 {
            let ts = t.to_string();
            let created: Vec<i64> =
                all.iter().filter(|r| r["requestTypeId"] == ts.as_str()).map(|r| r["createdDate"]["epochMillis"].as_i64().unwrap()).collect();
            assert!(created.iter().any(|&c| c >= this_month.timestamp_millis()), "{flavor}: type {t} this month");
            assert!(created.iter().any(|&c| c >= last_month.timestamp_millis() && c < this_month.timestamp_millis()), "{flavor}: type {t} last month");
            assert!(created.iter().all(|&c| c > (now - chrono::Duration::days(76)).timestamp_millis()));
        }
        let web = all[0]["_links"]["web"].as_str().unwrap();
        assert!(web.ends_with(&format!("/servicedesk/customer/portal/1/{}", all[0]["issueKey"].as_str().unwrap())), "{web}");
    }
}

#[test]
fn slas_in_every_state_and_consistent_with_history() {
    for (flavor, sb) in flavors() {
        let mut seen = BTreeSet::new();
        for r in all_requests(&sb, "") {
            let key = r["issueKey"].as_str().unwrap();
            let slas = sb.get_json(&format!("{SD}/request/{key}/sla"), 200);
            let values = slas["values"].as_array().unwrap();
            assert_eq!(ids(values, "name"), vec!["Time to first response", "Time to resolution"], "{flavor} {key}");
            for s in values {
                let goal = s["ongoingCycle"]["goalDuration"]["millis"].as_i64().or_else(|| s["completedCycles"][0]["goalDuration"]["millis"].as_i64()).unwrap();
                if s["id"] == "1" {
                    assert_eq!(goal, 4 * 3_600_000);
                }
                if let Some(c) = s["completedCycles"].as_array().and_then(|c| c.first()) {
                    seen.insert(if c["breached"] == true { "breached" } else { "met" });
                    let elapsed = c["elapsedTime"]["millis"].as_i64().unwrap();
                    assert_eq!(c["breached"], elapsed > goal);
                    assert_eq!(c["remainingTime"]["millis"].as_i64().unwrap(), goal - elapsed);
                    assert!(s.get("ongoingCycle").is_none());
                } else {
                    let o = &s["ongoingCycle"];
                    seen.insert(match (o["paused"].as_bool().unwrap(), o["breached"].as_bool().unwrap()) {
                        (true, _) => "paused",
                        (false, true) => "ongoing breached",
                        (false, false) => "ongoing",
                    });
                    if o["paused"] == true {
                        assert_eq!(r["currentStatus"]["status"], "Waiting for customer", "{flavor} {key}: paused while waiting for the customer");
                    }
                }
                // One metric by its id.
                let one = sb.get_json(&format!("{SD}/request/{key}/sla/{}", s["id"].as_str().unwrap()), 200);
                assert_eq!(one["name"], s["name"]);
            }
            // Time to first response stops at the first public comment of someone else than the reporter.
            let first = &values[0];
            if let Some(c) = first["completedCycles"].as_array().and_then(|c| c.first()) {
                let comments = walk(&sb, &format!("{SD}/request/{key}/comment?internal=false"), 50);
                let reporter = &r["reporter"]["displayName"];
                let answer = comments.iter().find(|c| c["author"]["displayName"] != *reporter).expect("an answer");
                assert_eq!(answer["created"]["epochMillis"], c["stopTime"]["epochMillis"], "{flavor} {key}");
            }
        }
        for state in ["met", "breached", "ongoing", "ongoing breached", "paused"] {
            assert!(seen.contains(state), "{flavor}: no SLA is {state}: {seen:?}");
        }
        assert_eq!(sb.get(&format!("{SD}/request/HELP-1/sla/99")).status().as_u16(), 404);
    }
}

#[test]
fn approvals_answered_once_by_approvers() {
    for (flavor, sb) in flavors() {
        let mine = walk(&sb, &format!("{SD}/request?requestOwnership=APPROVER&approvalStatus=MY_PENDING_APPROVAL"), 50);
        assert!(!mine.is_empty(), "{flavor}: Alice has approvals to answer");
        let key = mine[0]["issueKey"].as_str().unwrap().to_string();
        let list = sb.get_json(&format!("{SD}/request/{key}/approval"), 200);
        let a = &list["values"][0];
        assert_eq!((a["finalDecision"].as_str(), a["canAnswerApproval"].as_bool()), (Some("pending"), Some(true)));
        let id = a["id"].as_str().unwrap();
        let path = format!("{SD}/request/{key}/approval/{id}");
        let (s, e) = sb.send_json("POST", &path, &json!({"decision": "maybe"}));
        assert_eq!(s, 400, "{e}");
        let (s, done) = sb.send_json("POST", &path, &json!({"decision": "approve"}));
        assert_eq!(s, 200, "{flavor}: {done}");
        assert_eq!(done["finalDecision"], "approved");
        assert_eq!(done["canAnswerApproval"], false);
        assert!(done["completedDate"]["epochMillis"].is_i64());
        let (s, e) = sb.send_json("POST", &path, &json!({"decision": "decline"}));
        assert_eq!(s, 409, "{flavor}: answered twice: {e}");
        assert!(e["errorMessage"].is_string());
        assert_eq!(sb.get_json(&path, 200)["finalDecision"], "approved");
        assert_eq!(sb.get_json(&format!("{SD}/request/{key}"), 200)["currentStatus"]["status"], "Waiting for support");
        let (s, _) = sb.send_json("POST", &format!("{SD}/request/{key}/approval/9999"), &json!({"decision": "approve"}));
        assert_eq!(s, 404);
        // A pending approval of someone else's.
        let others = all_requests(&sb, "&serviceDeskId=1&requestTypeId=2&requestStatus=OPEN_REQUESTS");
        let theirs = others
            .iter()
            .find_map(|r| {
                let k = r["issueKey"].as_str()?;
                let a = sb.get_json(&format!("{SD}/request/{k}/approval"), 200)["values"][0].clone();
                (a["finalDecision"] == "pending" && a["canAnswerApproval"] == false).then(|| format!("{SD}/request/{k}/approval/{}", a["id"].as_str().unwrap()))
            })
            .expect("a pending approval Alice is not asked for");
        let (s, e) = sb.send_json("POST", &theirs, &json!({"decision": "approve"}));
        assert_eq!(s, 403, "{flavor}: {e}");
        // Declining resolves the request.
        if let Some(next) = walk(&sb, &format!("{SD}/request?requestOwnership=APPROVER&approvalStatus=MY_PENDING_APPROVAL"), 50).first() {
            let k = next["issueKey"].as_str().unwrap();
            let id = sb.get_json(&format!("{SD}/request/{k}/approval"), 200)["values"][0]["id"].as_str().unwrap().to_string();
            let (s, d) = sb.send_json("POST", &format!("{SD}/request/{k}/approval/{id}"), &json!({"decision": "decline"}));
            assert_eq!((s, d["finalDecision"].as_str()), (200, Some("declined")));
            assert_eq!(sb.get_json(&format!("{SD}/request/{k}"), 200)["currentStatus"]["statusCategory"], "DONE");
        }
    }
}

#[test]
fn experimental_operations_need_the_opt_in() {
    for (flavor, sb) in flavors() {
        assert_eq!(sb.get_without_opt_in(&format!("{SD}/servicedesk/1/customer")).status().as_u16(), 412, "{flavor}");
        assert_eq!(sb.get(&format!("{SD}/servicedesk/1/customer")).status().as_u16(), 200, "{flavor}");
        // A stable operation answers either way.
        assert_eq!(sb.get_without_opt_in(&format!("{SD}/servicedesk")).status().as_u16(), 200, "{flavor}");
    }
}

#[test]
fn participants_added_and_removed() {
    for (flavor, sb) in flavors() {
        let customers = walk(&sb, &format!("{SD}/servicedesk/1/customer"), 50);
        let id_of = |u: &Value| u.get("accountId").or_else(|| u.get("key")).and_then(Value::as_str).unwrap().to_string();
        let chris = customers.iter().find(|u| u["displayName"] == "Chris Customer").map(id_of).expect("a customer");
        let found = sb.get_json(&format!("{SD}/servicedesk/1/customer?query=chris"), 200);
        assert_eq!(found["size"], 1, "{flavor}");
        let key = "HELP-2";
        let before: Vec<String> = walk(&sb, &format!("{SD}/request/{key}/participant"), 50).iter().map(id_of).collect();
        let (s, after) = sb.send_json("POST", &format!("{SD}/request/{key}/participant"), &json!({"accountIds": [chris]}));
        assert_eq!(s, 200, "{flavor}: {after}");
        let now: Vec<String> = walk(&sb, &format!("{SD}/request/{key}/participant"), 50).iter().map(id_of).collect();
        assert!(now.contains(&chris));
        assert_eq!(now.len(), before.len() + usize::from(!before.contains(&chris)));
        let (s, after) = sb.send_json("DELETE", &format!("{SD}/request/{key}/participant"), &json!({"accountIds": [chris]}));
        assert_eq!(s, 200, "{after}");
        assert!(!after["values"].as_array().unwrap().iter().any(|u| id_of(u) == chris));
        let (s, _) = sb.send_json("POST", &format!("{SD}/request/{key}/participant"), &json!({"accountIds": ["no-such-user"]}));
        assert_eq!(s, 400);
        // Organizations and their members.
        let orgs = walk(&sb, &format!("{SD}/organization"), 50);
        assert_eq!(orgs.len(), 3);
        let members = walk(&sb, &format!("{SD}/organization/2/user"), 50);
        assert!(members.iter().any(|u| id_of(u) == chris));
        if flavor == "cloud" {
            let of_chris = sb.get_json(&format!("{SD}/organization?accountId={chris}"), 200);
            assert_eq!(ids(of_chris["values"].as_array().unwrap(), "id"), vec!["2"]);
        }
        assert_eq!(sb.get(&format!("{SD}/organization/77")).status().as_u16(), 404);
    }
}

#[test]
fn comments_public_and_internal() {
    for (flavor, sb) in flavors() {
        let with_internal = all_requests(&sb, "")
            .into_iter()
            .map(|r| r["issueKey"].as_str().unwrap().to_string())
            .find(|k| sb.get_json(&format!("{SD}/request/{k}/comment?public=false"), 200)["size"].as_u64() > Some(0))
            .expect("a request with an internal comment");
        let path = format!("{SD}/request/{with_internal}/comment");
        let all = walk(&sb, &path, 50);
        let internal = walk(&sb, &format!("{path}?public=false"), 50);
        let public = walk(&sb, &format!("{path}?internal=false"), 50);
        assert!(internal.iter().all(|c| c["public"] == false));
        assert!(public.iter().all(|c| c["public"] == true));
        assert_eq!(internal.len() + public.len(), all.len());
        assert_eq!(walk(&sb, &format!("{path}?public=false&internal=false"), 50).len(), 0);
        let one = sb.get_json(&format!("{path}/{}", internal[0]["id"].as_str().unwrap()), 200);
        assert_eq!(one["public"], false);
        // New comments, one of each; Jira shows the same comments.
        let (s, c) = sb.send_json("POST", &path, &json!({"body": "Agents only", "public": false}));
        assert_eq!((s, c["public"].as_bool()), (201, Some(false)), "{c}");
        let (s, c2) = sb.send_json("POST", &path, &json!({"body": "Hello customer", "public": true}));
        assert_eq!(s, 201, "{c2}");
        let (s, _) = sb.send_json("POST", &path, &json!({"body": "No flag"}));
        assert_eq!(s, 400);
        assert_eq!(walk(&sb, &format!("{path}?public=false"), 50).len(), internal.len() + 1);
        let api = if flavor == "cloud" { "/rest/api/3" } else { "/rest/api/2" };
        let jira = sb.get_json(&format!("{api}/issue/{with_internal}/comment"), 200);
        let jc: Vec<&Value> = jira["comments"].as_array().unwrap().iter().collect();
        assert_eq!(jc.len(), all.len() + 2);
        let mine = jc.iter().find(|x| x["id"] == c["id"]).expect("the internal comment in Jira");
        assert_eq!(mine["jsdPublic"], false);
        assert_eq!(jc.iter().find(|x| x["id"] == c2["id"]).unwrap()["jsdPublic"], true);
    }
}

#[test]
fn queues_are_their_jql() {
    for (flavor, sb) in flavors() {
        let queues = walk(&sb, &format!("{SD}/servicedesk/1/queue?includeCount=true"), 50);
        assert_eq!(ids(&queues, "name"), vec!["All open", "Assigned to me", "Unassigned", "Waiting for customer"]);
        for q in &queues {
            let id = q["id"].as_str().unwrap();
            let jql = q["jql"].as_str().unwrap();
            let issues = walk(&sb, &format!("{SD}/servicedesk/1/queue/{id}/issue"), 7);
            let keys = ids(&issues, "key");
            let searched: Vec<String> = if flavor == "cloud" {
                let v = sb.get_json(&format!("/rest/api/3/search/jql?jql={}&fields=key&maxResults=5000", enc(jql)), 200);
                v["issues"].as_array().unwrap().iter().map(|i| i["key"].as_str().unwrap().to_string()).collect()
            } else {
                let v = sb.get_json(&format!("/rest/api/2/search?jql={}&fields=key&maxResults=1000", enc(jql)), 200);
                v["issues"].as_array().unwrap().iter().map(|i| i["key"].as_str().unwrap().to_string()).collect()
            };
            assert!(!keys.is_empty(), "{flavor}: queue {id} is empty");
            assert_eq!(keys, searched, "{flavor}: queue {id} ({jql})");
            assert_eq!(q["issueCount"].as_u64(), Some(keys.len() as u64));
            let one = sb.get_json(&format!("{SD}/servicedesk/1/queue/{id}"), 200);
            assert!(one.get("issueCount").is_none(), "issueCount only when asked");
        }
        assert_eq!(sb.get(&format!("{SD}/servicedesk/1/queue/99")).status().as_u16(), 404);
    }
}

#[test]
fn requests_created_are_issues() {
    for (flavor, sb) in flavors() {
        let (s, r) = sb.send_json(
            "POST",
            &format!("{SD}/request"),
            &json!({"serviceDeskId": "1", "requestTypeId": "2", "requestFieldValues": {"summary": "A new keyboard", "description": "Mine broke"}}),
        );
        assert_eq!(s, 201, "{flavor}: {r}");
        let key = r["issueKey"].as_str().unwrap();
        assert_eq!(key, "HELP-61");
        assert_eq!(r["currentStatus"]["status"], "Waiting for approval");
        let api = if flavor == "cloud" { "/rest/api/3" } else { "/rest/api/2" };
        let issue = sb.get_json(&format!("{api}/issue/{key}"), 200);
        assert_eq!(issue["fields"]["summary"], "A new keyboard");
        assert_eq!(issue["fields"]["issuetype"]["name"], "Service Request with Approvals");
        let slas = sb.get_json(&format!("{SD}/request/{key}/sla"), 200);
        assert_eq!(slas["values"][0]["ongoingCycle"]["breached"], false);
        assert_eq!(sb.get_json(&format!("{SD}/request/{key}/approval"), 200)["size"], 1);
        let (s, _) = sb.send_json("POST", &format!("{SD}/request"), &json!({"serviceDeskId": "1", "requestTypeId": "2", "requestFieldValues": {}}));
        assert_eq!(s, 400, "the summary is required");
        let (s, _) =
            sb.send_json("POST", &format!("{SD}/request"), &json!({"serviceDeskId": "1", "requestTypeId": "9", "requestFieldValues": {"summary": "x"}}));
        assert_eq!(s, 400);
        let (s, _) =
            sb.send_json("POST", &format!("{SD}/request"), &json!({"serviceDeskId": "7", "requestTypeId": "1", "requestFieldValues": {"summary": "x"}}));
        assert_eq!(s, 404);
        // An agent's public answer stops "Time to first response".
        let waiting = all_requests(&sb, "&requestStatus=OPEN_REQUESTS")
            .into_iter()
            .filter(|r| r["reporter"]["displayName"] != "Alice Example")
            .map(|r| r["issueKey"].as_str().unwrap().to_string())
            .find(|k| sb.get_json(&format!("{SD}/request/{k}/sla/1"), 200).get("ongoingCycle").is_some())
            .expect("a request without an answer");
        let (s, _) = sb.send_json("POST", &format!("{SD}/request/{waiting}/comment"), &json!({"body": "Looking", "public": true}));
        assert_eq!(s, 201);
        let ttfr = sb.get_json(&format!("{SD}/request/{waiting}/sla/1"), 200);
        assert_eq!(ttfr["completedCycles"].as_array().unwrap().len(), 1, "{flavor}: {ttfr}");
    }
}
