//! Jira Service Management `/rest/servicedeskapi/`: service desks, request types, customer
//! requests (the service project's issues), their SLAs, comments, participants and approvals,
//! customers, organizations and queues. Lists are `PagedDTO`s (`start`/`limit`, `size`,
//! `isLastPage`, `_links`); errors are `ErrorResponse`s (`errorMessage`).

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use super::jira::render::{avatar_urls, FieldSelection, View};
use super::jira::search::run_query;
use super::jira::Jira;
use crate::config::Flavor;
use crate::errors::{ApiError, ApiResult, Family};
use crate::model::*;
use crate::routes::sourced::{Source, SourcedRoutes, Spec};
use crate::seed_service::{RESOLVED, TTFR, TTR, WAITING_FOR_APPROVAL, WAITING_FOR_CUSTOMER, WAITING_FOR_SUPPORT};

/// Jira Service Management Data Center's REST reference (the same `/rest/servicedeskapi` paths).
pub const DC_REFERENCE: &str = "https://docs.atlassian.com/jira-servicedesk/REST/server";
/// Its customer requests (requests, their comments, participants and SLAs), and its queues.
pub const DC_CUSTOMER_REQUEST: &str = "https://developer.atlassian.com/server/jira-servicedesk/rest/v1005/api-group-customer-request";
pub const DC_QUEUE: &str = "https://developer.atlassian.com/server/jira-servicedesk/rest/v1103/api-group-queue/";

/// An experimental operation (`x-experimental` in the description) answers 412 unless the
/// request opts in with `X-ExperimentalApi: opt-in`, as the description's error table says.
fn opted_in(headers: &HeaderMap) -> Result<(), ApiError> {
    match headers.get("x-experimentalapi").and_then(|v| v.to_str().ok()) {
        Some(v) if v.eq_ignore_ascii_case("opt-in") => Ok(()),
        _ => Err(err(StatusCode::PRECONDITION_FAILED, "This is an experimental API: send the header X-ExperimentalApi: opt-in to use it.")),
    }
}

/// `limit`'s default and largest value.
const PAGE: i64 = 50;

pub fn routes(flavor: Flavor) -> SourcedRoutes {
    let on = |dc: &'static str| match flavor {
        Flavor::Cloud => Source::Spec(Spec::ServiceManagement),
        Flavor::Datacenter => Source::Doc(dc),
    };
    let (src, req, qs) = (on(DC_REFERENCE), on(DC_CUSTOMER_REQUEST), on(DC_QUEUE));
    let p = |s: &str| format!("/rest/servicedeskapi{s}");
    let r = SourcedRoutes::new()
        .get(&p("/info"), info, src)
        .get(&p("/servicedesk"), desks, src)
        .get(&p("/servicedesk/{id}"), desk, src)
        .get(&p("/servicedesk/{id}/requesttype"), desk_request_types, src)
        .get(&p("/servicedesk/{id}/requesttype/{rt}"), request_type, src)
        .get(&p("/servicedesk/{id}/requesttype/{rt}/field"), request_type_fields, src)
        .get(&p("/servicedesk/{id}/customer"), desk_customers, src)
        .get(&p("/servicedesk/{id}/organization"), desk_organizations, src)
        .get(&p("/servicedesk/{id}/queue"), queues, qs)
        .get(&p("/servicedesk/{id}/queue/{queue}"), queue, qs)
        .get(&p("/servicedesk/{id}/queue/{queue}/issue"), queue_issues, qs)
        .get(&p("/request"), requests, req)
        .post(&p("/request"), request_create, req)
        .get(&p("/request/{key}"), request, req)
        .get(&p("/request/{key}/sla"), slas, req)
        .get(&p("/request/{key}/sla/{metric}"), sla, req)
        .get(&p("/request/{key}/comment"), comments, req)
        .post(&p("/request/{key}/comment"), comment_create, req)
        .get(&p("/request/{key}/comment/{comment}"), comment, req)
        .get(&p("/request/{key}/participant"), participants, req)
        .post(&p("/request/{key}/participant"), participants_add, req)
        .delete(&p("/request/{key}/participant"), participants_remove, req)
        .get(&p("/request/{key}/approval"), approvals, src)
        .get(&p("/request/{key}/approval/{approval}"), approval, src)
        .post(&p("/request/{key}/approval/{approval}"), approval_answer, src)
        .get(&p("/organization"), organizations, src)
        .get(&p("/organization/{org}"), organization, src)
        .get(&p("/organization/{org}/user"), organization_users, src);
    match flavor {
        // The request types of every service desk: Cloud's.
        Flavor::Cloud => r.get(&p("/requesttype"), all_request_types, src),
        Flavor::Datacenter => r,
    }
}

fn err(status: StatusCode, message: impl Into<String>) -> ApiError {
    ApiError::service_desk(status, message)
}

fn sd(e: ApiError) -> ApiError {
    e.in_family(Family::ServiceDesk)
}

fn sd_base(j: &Jira) -> String {
    format!("{}/rest/servicedeskapi", j.base)
}

fn cloud(j: &Jira) -> bool {
    j.sb.config.flavor == Flavor::Cloud
}

fn require_user(j: &Jira) -> Result<String, ApiError> {
    j.who.account().map(str::to_string).ok_or_else(|| err(StatusCode::UNAUTHORIZED, "You are not logged in."))
}

/// Agents are the site's licensed users (the product groups); customers have none.
fn is_agent(site: &Site, account: &str) -> bool {
    site.user(account).is_some_and(|u| !u.groups.is_empty())
}

/// Looks the caller's time zone up before any lock on the site is taken (dates are rendered
/// under the site's lock, where [`crate::state::Sandbox::user_tz`] may not read the site again).
fn warm(j: &Jira) {
    j.sb.user_tz(j.who.account());
}

fn date(j: &Jira, t: DateTime<Utc>) -> Value {
    let tz = j.who.account().and_then(|id| j.sb.tz_cache.lock().get(id).copied()).unwrap_or(chrono_tz::UTC);
    let l = t.with_timezone(&tz);
    json!({
        "iso8601": l.format("%Y-%m-%dT%H:%M:%S%z").to_string(),
        "jira": l.format("%Y-%m-%dT%H:%M:%S%.3f%z").to_string(),
        "friendly": l.format("%d/%b/%y %-I:%M %p").to_string(),
        "epochMillis": t.timestamp_millis(),
    })
}

/// A duration as the API shows it: whole hours, then the duration in minutes (`"4h 240m"`).
fn duration(millis: i64) -> Value {
    json!({"millis": millis, "friendly": format!("{}h {}m", millis / 3_600_000, millis / 60_000)})
}

fn user(j: &Jira, site: &Site, id: &str) -> Value {
    let Some(u) = site.user(id) else { return Value::Null };
    let me = j.who.account() == Some(id);
    let mut o = json!({"displayName": u.display_name, "active": u.active, "timeZone": u.time_zone});
    let rest = if cloud(j) {
        o["accountId"] = json!(u.account_id);
        format!("{}/rest/api/3/user?accountId={}", j.base, u.account_id)
    } else {
        o["name"] = json!(u.email);
        o["key"] = json!(u.account_id);
        format!("{}/rest/api/2/user?username={}", j.base, u.email)
    };
    if me || j.who.is_admin(site) {
        o["emailAddress"] = json!(u.email);
    }
    o["_links"] = json!({"jiraRest": rest, "avatarUrls": avatar_urls(&j.base, &u.account_id), "self": rest});
    o
}

/// One page of `all` as a `PagedDTO`, the page's links built on `path` (under `/rest/servicedeskapi`).
fn paged(j: &Jira, path: &str, all: Vec<Value>) -> Result<Value, ApiError> {
    let start = j.query.int("start", 0).map_err(sd)?;
    let limit = j.query.int("limit", PAGE).map_err(sd)?;
    if start < 0 {
        return Err(err(StatusCode::BAD_REQUEST, "The start parameter must not be negative."));
    }
    let limit = if limit <= 0 { PAGE } else { limit.min(PAGE) };
    Ok(page_of(j, path, all, start as usize, limit as usize))
}

fn page_of(j: &Jira, path: &str, all: Vec<Value>, start: usize, limit: usize) -> Value {
    let base = sd_base(j);
    let from = start.min(all.len());
    let to = (from + limit).min(all.len());
    let last = to >= all.len();
    let mut links = json!({"base": base, "context": "", "self": format!("{base}{path}?start={start}&limit={limit}")});
    if !last {
        links["next"] = json!(format!("{base}{path}?start={}&limit={limit}", from + limit));
    }
    if from > 0 {
        links["prev"] = json!(format!("{base}{path}?start={}&limit={limit}", from.saturating_sub(limit)));
    }
    let values = all[from..to].to_vec();
    json!({"_expands": [], "size": values.len(), "start": from, "limit": limit, "isLastPage": last, "_links": links, "values": values})
}

// ------------------------------------------------------------------ service desks

fn desk_json(j: &Jira, site: &Site, d: &ServiceDesk) -> Value {
    let p = site.project(d.project_id);
    json!({
        "id": d.id.to_string(),
        "projectId": d.project_id.to_string(),
        "projectName": p.map(|p| p.name.clone()),
        "projectKey": p.map(|p| p.key.clone()),
        "_links": {"self": format!("{}/servicedesk/{}", sd_base(j), d.id)},
    })
    .with_cloud(cloud(j), "projectTypeKey", p.map(|p| json!(p.type_key)))
}

trait WithCloud {
    fn with_cloud(self, cloud: bool, key: &str, v: Option<Value>) -> Value;
}

impl WithCloud for Value {
    fn with_cloud(mut self, cloud: bool, key: &str, v: Option<Value>) -> Value {
        if let (true, Some(v)) = (cloud, v) {
            self[key] = v;
        }
        self
    }
}

fn desk_visible(j: &Jira, site: &Site, d: &ServiceDesk) -> bool {
    site.project(d.project_id).is_some_and(|p| j.who.can_see(site, &p.visibility))
}

/// A service desk by its id or its project's key or id.
fn find_desk<'a>(j: &Jira, site: &'a Site, id: &str) -> Result<&'a ServiceDesk, ApiError> {
    site.service
        .desks
        .iter()
        .find(|d| d.id.to_string() == id || site.project(d.project_id).is_some_and(|p| p.key.eq_ignore_ascii_case(id) || p.id.to_string() == id))
        .filter(|d| desk_visible(j, site, d))
        .ok_or_else(|| err(StatusCode::NOT_FOUND, format!("Service desk {id} does not exist or you do not have permission to see it.")))
}

pub async fn info(j: Jira) -> ApiResult {
    warm(&j);
    let dc = !cloud(&j);
    Ok(Json(json!({
        "version": if dc { "5.12.2" } else { "10.6.0-SNAPSHOT" },
        "platformVersion": if dc { "9.12.2" } else { "1001.0.0-SNAPSHOT" },
        "buildDate": date(&j, crate::seed::epoch()),
        "buildChangeSet": "0d2c6e0f5ad6a4f1a7b4f0d1c3e5a7b9c1d3e5f7",
        "isLicensedForUse": true,
        "_links": {"self": format!("{}/info", sd_base(&j))},
    })))
}

pub async fn desks(j: Jira) -> ApiResult {
    warm(&j);
    require_user(&j)?;
    let all = {
        let site = j.sb.site.read();
        site.service.desks.iter().filter(|d| desk_visible(&j, &site, d)).map(|d| desk_json(&j, &site, d)).collect()
    };
    Ok(Json(paged(&j, "/servicedesk", all)?))
}

pub async fn desk(j: Jira, Path(id): Path<String>) -> ApiResult {
    warm(&j);
    require_user(&j)?;
    let site = j.sb.site.read();
    let d = find_desk(&j, &site, &id)?;
    Ok(Json(desk_json(&j, &site, d)))
}

// ------------------------------------------------------------------ request types

fn request_type_json(j: &Jira, t: &RequestType) -> Value {
    let icon = |size: &str| format!("{}/rest/api/2/universal_avatar/view/type/SD_REQTYPE/avatar/{}?size={size}", j.base, t.icon_id);
    json!({
        "_expands": [],
        "id": t.id.to_string(),
        "_links": {"self": format!("{}/servicedesk/{}/requesttype/{}", sd_base(j), t.desk_id, t.id)},
        "name": t.name,
        "description": t.description,
        "helpText": t.help_text,
        "issueTypeId": t.issue_type_id.to_string(),
        "serviceDeskId": t.desk_id.to_string(),
        "portalId": t.desk_id.to_string(),
        "groupIds": t.group_ids.iter().map(u64::to_string).collect::<Vec<_>>(),
        "icon": {"id": t.icon_id.to_string(), "_links": {"iconUrls": {
            "48x48": icon("large"), "24x24": icon("small"), "16x16": icon("xsmall"), "32x32": icon("medium")}}},
    })
}

fn search_matches(j: &Jira, t: &RequestType) -> bool {
    match j.query.get("searchQuery").map(str::to_lowercase) {
        Some(q) if !q.is_empty() => t.name.to_lowercase().contains(&q) || t.description.to_lowercase().contains(&q),
        _ => true,
    }
}

pub async fn desk_request_types(j: Jira, Path(id): Path<String>) -> ApiResult {
    warm(&j);
    require_user(&j)?;
    let all = {
        let site = j.sb.site.read();
        let d = find_desk(&j, &site, &id)?;
        let group = j.query.int("groupId", -1).map_err(sd)?;
        site.service
            .request_types
            .iter()
            .filter(|t| t.desk_id == d.id && search_matches(&j, t))
            .filter(|t| group < 0 || t.group_ids.contains(&(group as u64)))
            .map(|t| request_type_json(&j, t))
            .collect()
    };
    Ok(Json(paged(&j, &format!("/servicedesk/{id}/requesttype"), all)?))
}

pub async fn all_request_types(j: Jira, headers: HeaderMap) -> ApiResult {
    warm(&j);
    require_user(&j)?;
    opted_in(&headers)?;
    let all = {
        let site = j.sb.site.read();
        let mut desks = Vec::new();
        for d in j.query.all("serviceDeskId") {
            desks.push(d.parse::<u64>().map_err(|_| err(StatusCode::BAD_REQUEST, format!("The serviceDeskId '{d}' is not a number.")))?);
        }
        site.service
            .request_types
            .iter()
            .filter(|t| site.service.desk(t.desk_id).is_some_and(|d| desk_visible(&j, &site, d)))
            .filter(|t| desks.is_empty() || desks.contains(&t.desk_id))
            .filter(|t| search_matches(&j, t))
            .map(|t| request_type_json(&j, t))
            .collect()
    };
    Ok(Json(paged(&j, "/requesttype", all)?))
}

fn find_request_type<'a>(site: &'a Site, d: &ServiceDesk, rt: &str) -> Result<&'a RequestType, ApiError> {
    site.service
        .request_types
        .iter()
        .find(|t| t.desk_id == d.id && t.id.to_string() == rt)
        .ok_or_else(|| err(StatusCode::NOT_FOUND, format!("Request type {rt} does not exist in this service desk.")))
}

pub async fn request_type(j: Jira, Path((id, rt)): Path<(String, String)>) -> ApiResult {
    warm(&j);
    require_user(&j)?;
    let site = j.sb.site.read();
    let d = find_desk(&j, &site, &id)?;
    Ok(Json(request_type_json(&j, find_request_type(&site, d, &rt)?)))
}

/// The fields a request type asks for: summary and description, and for system problems the priority.
fn request_type_fields_of(site: &Site, t: &RequestType) -> Vec<Value> {
    let field = |id: &str, name: &str, required: bool, schema: Value, valid: Vec<Value>| {
        json!({"fieldId": id, "name": name, "description": "", "required": required, "jiraSchema": schema,
               "validValues": valid, "defaultValues": [], "presetValues": [], "visible": true})
    };
    let mut out = vec![
        field("summary", "What do you need?", true, json!({"system": "summary", "type": "string"}), vec![]),
        field("description", "Why do you need this?", false, json!({"system": "description", "type": "string"}), vec![]),
    ];
    if t.id == 3 {
        let valid = site.priorities.iter().map(|p| json!({"value": p.id.to_string(), "label": p.name, "children": []})).collect();
        out.push(field("priority", "How urgent is it?", false, json!({"system": "priority", "type": "priority"}), valid));
    }
    out
}

pub async fn request_type_fields(j: Jira, Path((id, rt)): Path<(String, String)>) -> ApiResult {
    warm(&j);
    let me = require_user(&j)?;
    let site = j.sb.site.read();
    let d = find_desk(&j, &site, &id)?;
    let t = find_request_type(&site, d, &rt)?;
    Ok(Json(json!({"canAddRequestParticipants": true, "canRaiseOnBehalfOf": is_agent(&site, &me), "requestTypeFields": request_type_fields_of(&site, t)})))
}

// ------------------------------------------------------------------ customer requests

fn status_category(site: &Site, status_id: u64) -> &'static str {
    match site.status(status_id).and_then(|s| site.status_category(s.category_id)).map(|c| c.key.as_str()) {
        Some("new") => "NEW",
        Some("indeterminate") => "INDETERMINATE",
        Some("done") => "DONE",
        _ => "UNDEFINED",
    }
}

fn status_json(j: &Jira, site: &Site, status_id: u64, at: DateTime<Utc>) -> Value {
    json!({"status": site.status(status_id).map(|s| s.name.clone()), "statusCategory": status_category(site, status_id), "statusDate": date(j, at)})
}

/// Whether a caller who is not an agent takes part in a request: reporter, participant, approver,
/// or a member of an organization of the reporter's.
fn involved(site: &Site, me: &str, issue: &Issue, r: &CustomerRequest) -> bool {
    let reporter = issue.reporter_id.as_deref();
    reporter == Some(me)
        || r.participants.iter().any(|p| p == me)
        || r.approvals.iter().any(|a| a.approvers.iter().any(|x| x.account_id == me))
        || site.service.organizations.iter().any(|o| o.members.iter().any(|m| m == me) && reporter.is_some_and(|rep| o.members.iter().any(|m| m == rep)))
}

/// The request with this issue id or key, as the caller may see it (else 404, as for issues of
/// other projects).
fn find_request(j: &Jira, site: &Site, key: &str) -> Result<(usize, usize), ApiError> {
    let me = require_user(j)?;
    let not_found = || err(StatusCode::NOT_FOUND, format!("Request {key} does not exist or you do not have permission to see it."));
    let i = site.issue_index(key).ok_or_else(not_found)?;
    let issue = &site.issues[i];
    let ri = site.service.requests.iter().position(|r| r.issue_id == issue.id).ok_or_else(not_found)?;
    let r = &site.service.requests[ri];
    let visible = site.service.desk(r.desk_id).is_some_and(|d| desk_visible(j, site, d));
    if !visible || !(is_agent(site, &me) || involved(site, &me, issue, r)) {
        return Err(not_found());
    }
    Ok((i, ri))
}

fn expands(j: &Jira) -> Vec<String> {
    j.query.all("expand")
}

fn comment_visible(site: &Site, me: &str, c: &Comment) -> bool {
    !site.service.internal_comments.contains(&c.id) || is_agent(site, me)
}

fn comment_json(j: &Jira, site: &Site, issue: &Issue, c: &Comment) -> Value {
    json!({
        "_expands": ["attachment", "renderedBody"],
        "id": c.id.to_string(),
        "body": c.body,
        "public": !site.service.internal_comments.contains(&c.id),
        "author": user(j, site, &c.author_id),
        "created": date(j, c.created),
        "_links": {"self": format!("{}/request/{}/comment/{}", sd_base(j), issue.id, c.id)},
    })
}

fn sla_json(j: &Jira, issue: &Issue, s: &SlaRecord, now: DateTime<Utc>) -> Value {
    let goal = s.goal_millis;
    let breach_at = s.start + chrono::Duration::milliseconds(goal + s.paused_millis);
    let mut o = json!({"id": s.metric_id.to_string(), "name": s.name, "_links": {"self": format!("{}/request/{}/sla/{}", sd_base(j), issue.id, s.metric_id)}});
    match s.stop {
        Some(stop) => {
            let elapsed = (stop - s.start).num_milliseconds() - s.paused_millis;
            o["completedCycles"] = json!([{
                "startTime": date(j, s.start), "stopTime": date(j, stop), "breachTime": date(j, breach_at), "breached": elapsed > goal,
                "goalDuration": duration(goal), "elapsedTime": duration(elapsed), "remainingTime": duration(goal - elapsed),
            }]);
        }
        None => {
            let end = s.paused_at.unwrap_or(now).max(s.start);
            let elapsed = (end - s.start).num_milliseconds() - s.paused_millis;
            let mut cycle = json!({
                "startTime": date(j, s.start), "breached": elapsed > goal, "paused": s.paused_at.is_some(), "withinCalendarHours": true,
                "goalDuration": duration(goal), "elapsedTime": duration(elapsed), "remainingTime": duration(goal - elapsed),
            });
            if s.paused_at.is_none() {
                cycle["breachTime"] = date(j, breach_at);
            }
            o["completedCycles"] = json!([]);
            o["ongoingCycle"] = cycle;
        }
    }
    o
}

fn approval_json(j: &Jira, site: &Site, issue: &Issue, a: &Approval) -> Value {
    let me = j.who.account().unwrap_or("");
    let can = a.final_decision == "pending" && a.approvers.iter().any(|x| x.account_id == me && x.decision == "pending");
    let mut o = json!({
        "id": a.id.to_string(),
        "name": a.name,
        "finalDecision": a.final_decision,
        "canAnswerApproval": can,
        "approvers": a.approvers.iter().map(|x| json!({"approver": user(j, site, &x.account_id), "approverDecision": x.decision})).collect::<Vec<_>>(),
        "createdDate": date(j, a.created),
        "_links": {"self": format!("{}/request/{}/approval/{}", sd_base(j), issue.id, a.id)},
    });
    if let Some(c) = a.completed {
        o["completedDate"] = date(j, c);
    }
    o
}

/// The statuses a request went through, oldest first, each with when it was reached.
fn status_history(issue: &Issue) -> Vec<(u64, DateTime<Utc>)> {
    let mut out = Vec::new();
    let first = issue.changelog.iter().flat_map(|g| g.items.iter()).find(|i| i.field_id == "status").and_then(|i| i.from.as_deref()?.parse().ok());
    out.push((first.unwrap_or(issue.status_id), issue.created));
    for g in &issue.changelog {
        for it in g.items.iter().filter(|i| i.field_id == "status") {
            if let Some(to) = it.to.as_deref().and_then(|t| t.parse().ok()) {
                out.push((to, g.created));
            }
        }
    }
    out
}

fn request_json(j: &Jira, site: &Site, issue: &Issue, r: &CustomerRequest, expand: &[String]) -> Value {
    let base = sd_base(j);
    let mut fields = vec![json!({"fieldId": "summary", "label": "What do you need?", "value": issue.summary})];
    if let Some(d) = &issue.description {
        fields.push(json!({"fieldId": "description", "label": "Why do you need this?", "value": d,
                           "renderedValue": {"html": format!("<p>{}</p>", html_escape::encode_text(d))}}));
    }
    let mut o = json!({
        "_expands": ["participant", "status", "sla", "requestType", "serviceDesk", "attachment", "action", "comment"],
        "issueId": issue.id.to_string(),
        "issueKey": issue.key,
        "summary": issue.summary,
        "requestTypeId": r.request_type_id.to_string(),
        "serviceDeskId": r.desk_id.to_string(),
        "createdDate": date(j, issue.created),
        "reporter": issue.reporter_id.as_deref().map(|id| user(j, site, id)).unwrap_or(Value::Null),
        "requestFieldValues": fields,
        "currentStatus": status_json(j, site, issue.status_id, r.status_date),
        "_links": {
            "jiraRest": format!("{}/rest/api/2/issue/{}", j.base, issue.id),
            "web": format!("{}/servicedesk/customer/portal/{}/{}", j.base, r.desk_id, issue.key),
            "agent": format!("{}/browse/{}", j.base, issue.key),
            "self": format!("{base}/request/{}", issue.id),
        },
    });
    if !cloud(j) {
        // Data Center's request has no `summary` of its own (it is among the field values).
        o.as_object_mut().map(|m| m.remove("summary"));
    }
    let asked = |what: &str| expand.iter().any(|e| e == what);
    let me = j.who.account().unwrap_or("");
    let path = format!("/request/{}", issue.id);
    if asked("participant") {
        o["participants"] = page_of(j, &format!("{path}/participant"), r.participants.iter().map(|p| user(j, site, p)).collect(), 0, PAGE as usize);
    }
    if asked("status") {
        let h = status_history(issue).into_iter().map(|(s, at)| status_json(j, site, s, at)).collect();
        o["status"] = page_of(j, &format!("{path}/status"), h, 0, PAGE as usize);
    }
    if asked("sla") && is_agent(site, me) {
        let now = j.sb.clock.now();
        o["sla"] = page_of(j, &format!("{path}/sla"), r.slas.iter().map(|s| sla_json(j, issue, s, now)).collect(), 0, PAGE as usize);
    }
    if asked("requestType") {
        if let Some(t) = site.service.request_type(r.request_type_id) {
            o["requestType"] = request_type_json(j, t);
        }
    }
    if asked("serviceDesk") {
        if let Some(d) = site.service.desk(r.desk_id) {
            o["serviceDesk"] = desk_json(j, site, d);
        }
    }
    if asked("attachment") {
        o["attachments"] = page_of(j, &format!("{path}/attachment"), vec![], 0, PAGE as usize);
    }
    if asked("action") {
        o["actions"] = json!({"addAttachment": {"allowed": true}, "addComment": {"allowed": true}, "addParticipant": {"allowed": true}, "removeParticipant": {"allowed": true}});
    }
    if asked("comment") {
        let cs = issue.comments.iter().filter(|c| comment_visible(site, me, c)).map(|c| comment_json(j, site, issue, c)).collect();
        o["comments"] = page_of(j, &format!("{path}/comment"), cs, 0, PAGE as usize);
    }
    o
}

pub async fn requests(j: Jira) -> ApiResult {
    warm(&j);
    let me = require_user(&j)?;
    let all = {
        let site = j.sb.site.read();
        let int = |k: &str| -> Result<Option<u64>, ApiError> {
            match j.query.get(k) {
                None | Some("") => Ok(None),
                Some(v) => v.trim().parse().map(Some).map_err(|_| err(StatusCode::BAD_REQUEST, format!("The {k} parameter must be a number."))),
            }
        };
        let (desk_id, type_id, org_id) = (int("serviceDeskId")?, int("requestTypeId")?, int("organizationId")?);
        if let Some(d) = desk_id {
            if !site.service.desk(d).is_some_and(|d| desk_visible(&j, &site, d)) {
                return Err(err(StatusCode::NOT_FOUND, format!("Service desk {d} does not exist or you do not have permission to see it.")));
            }
        }
        if let Some(t) = type_id {
            let Some(d) = desk_id else {
                return Err(err(StatusCode::BAD_REQUEST, "The serviceDeskId must be given with the requestTypeId."));
            };
            if site.service.request_type(t).is_none_or(|t| t.desk_id != d) {
                return Err(err(StatusCode::NOT_FOUND, format!("The service desk {d} does not support the request type {t}.")));
            }
        }
        let status = j.query.get("requestStatus").unwrap_or("ALL_REQUESTS");
        if !["OPEN_REQUESTS", "CLOSED_REQUESTS", "ALL_REQUESTS"].contains(&status) {
            return Err(err(StatusCode::BAD_REQUEST, format!("The requestStatus '{status}' is not valid.")));
        }
        let mut ownership = j.query.all("requestOwnership");
        if ownership.is_empty() {
            ownership = vec!["OWNED_REQUESTS".into(), "PARTICIPATED_REQUESTS".into(), "ALL_ORGANIZATIONS".into()];
        }
        let known = ["OWNED_REQUESTS", "PARTICIPATED_REQUESTS", "ORGANIZATION", "ALL_ORGANIZATIONS", "APPROVER", "ALL_REQUESTS"];
        if let Some(bad) = ownership.iter().find(|o| !known.contains(&o.as_str())) {
            return Err(err(StatusCode::BAD_REQUEST, format!("The requestOwnership '{bad}' is not valid.")));
        }
        let approval_status = j.query.get("approvalStatus");
        let term = j.query.get("searchTerm").map(str::to_lowercase).filter(|t| !t.is_empty());
        let my_orgs: Vec<&Organization> = site.service.organizations.iter().filter(|o| o.members.contains(&me)).collect();
        let agent = is_agent(&site, &me);
        let mut hits: Vec<(&Issue, &CustomerRequest)> = site
            .service
            .requests
            .iter()
            .filter_map(|r| site.issue_by_id(r.issue_id).map(|i| (i, r)))
            .filter(|(_, r)| site.service.desk(r.desk_id).is_some_and(|d| desk_visible(&j, &site, d)))
            .filter(|(i, r)| agent || involved(&site, &me, i, r))
            .filter(|(_, r)| desk_id.is_none_or(|d| r.desk_id == d) && type_id.is_none_or(|t| r.request_type_id == t))
            .filter(|(i, _)| match status {
                "OPEN_REQUESTS" => status_category(&site, i.status_id) != "DONE",
                "CLOSED_REQUESTS" => status_category(&site, i.status_id) == "DONE",
                _ => true,
            })
            .filter(|(i, _)| term.as_ref().is_none_or(|t| i.summary.to_lowercase().contains(t)))
            .filter(|(i, r)| {
                let reporter = i.reporter_id.as_deref().unwrap_or("");
                let in_org = |o: &Organization| o.members.iter().any(|m| m == reporter);
                ownership.iter().any(|o| match o.as_str() {
                    "OWNED_REQUESTS" => reporter == me,
                    "PARTICIPATED_REQUESTS" => r.participants.contains(&me),
                    "ORGANIZATION" => org_id.is_some_and(|id| my_orgs.iter().any(|o| o.id == id && in_org(o))),
                    "ALL_ORGANIZATIONS" => my_orgs.iter().any(|o| in_org(o)),
                    "APPROVER" => r.approvals.iter().any(|a| {
                        a.approvers.iter().any(|x| {
                            x.account_id == me
                                && match approval_status {
                                    Some("MY_PENDING_APPROVAL") => a.final_decision == "pending" && x.decision == "pending",
                                    Some("MY_HISTORY_APPROVAL") => x.decision != "pending" || a.final_decision != "pending",
                                    _ => true,
                                }
                        })
                    }),
                    _ => true,
                })
            })
            .collect();
        // Latest activity first.
        hits.sort_by(|a, b| b.0.updated.cmp(&a.0.updated).then(b.0.id.cmp(&a.0.id)));
        let expand = expands(&j);
        hits.into_iter().map(|(i, r)| request_json(&j, &site, i, r, &expand)).collect::<Vec<_>>()
    };
    let mut page = paged(&j, "/request", all)?;
    page["_expands"] = json!(["participant", "status", "sla", "requestType", "serviceDesk", "attachment", "action", "comment"]);
    Ok(Json(page))
}

pub async fn request(j: Jira, Path(key): Path<String>) -> ApiResult {
    warm(&j);
    let site = j.sb.site.read();
    let (i, ri) = find_request(&j, &site, &key)?;
    Ok(Json(request_json(&j, &site, &site.issues[i], &site.service.requests[ri], &expands(&j))))
}

fn body_object(body: &str) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(err(StatusCode::BAD_REQUEST, "The request body is not a JSON object.")),
    }
}

fn account_list(site: &Site, b: &Map<String, Value>, keys: &[&str]) -> Result<Vec<String>, ApiError> {
    let mut out = Vec::new();
    for k in keys {
        for v in b.get(*k).and_then(Value::as_array).into_iter().flatten() {
            let s = v.as_str().ok_or_else(|| err(StatusCode::BAD_REQUEST, format!("The {k} must be strings.")))?;
            let u = site.user(s).or_else(|| site.user_by_email(s)).ok_or_else(|| err(StatusCode::BAD_REQUEST, format!("The user '{s}' does not exist.")))?;
            if !out.contains(&u.account_id) {
                out.push(u.account_id.clone());
            }
        }
    }
    Ok(out)
}

fn change_status(site: &mut Site, i: usize, author: &str, to: u64, now: DateTime<Utc>) {
    let from = site.issues[i].status_id;
    if from == to {
        return;
    }
    let id = site.next_id("changegroup", 10_000);
    let group = crate::seed_service::status_change(site, id, author, now, from, to);
    let issue_id = site.issues[i].id;
    let issue = &mut site.issues[i];
    issue.changelog.push(group);
    issue.status_id = to;
    issue.updated = now;
    if let Some(r) = site.service.request_mut(issue_id) {
        r.status_date = now;
        for s in r.slas.iter_mut().filter(|s| s.metric_id == TTR && s.stop.is_none()) {
            if to == WAITING_FOR_CUSTOMER && s.paused_at.is_none() {
                s.paused_at = Some(now);
            } else if to != WAITING_FOR_CUSTOMER {
                if let Some(p) = s.paused_at.take() {
                    s.paused_millis += (now - p).num_milliseconds();
                }
            }
            if to == RESOLVED {
                s.stop = Some(now);
            }
        }
    }
}

pub async fn request_create(j: Jira, body: String) -> Result<(StatusCode, Json<Value>), ApiError> {
    warm(&j);
    let me = require_user(&j)?;
    let b = body_object(&body)?;
    let now = j.sb.clock.now();
    let mut site = j.sb.site.write();
    let text = |k: &str| b.get(k).map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()));
    let desk_id = text("serviceDeskId").ok_or_else(|| err(StatusCode::BAD_REQUEST, "The serviceDeskId is required."))?;
    let (desk_id, project_id) = {
        let d = find_desk(&j, &site, &desk_id)?;
        (d.id, d.project_id)
    };
    let rt = text("requestTypeId").ok_or_else(|| err(StatusCode::BAD_REQUEST, "The requestTypeId is required."))?;
    let t = site
        .service
        .request_types
        .iter()
        .find(|t| t.desk_id == desk_id && t.id.to_string() == rt)
        .cloned()
        .ok_or_else(|| err(StatusCode::BAD_REQUEST, format!("The request type {rt} does not exist in this service desk.")))?;
    let values = match b.get("requestFieldValues") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return Err(err(StatusCode::BAD_REQUEST, "The requestFieldValues must be an object.")),
    };
    let allowed: Vec<String> = request_type_fields_of(&site, &t).iter().filter_map(|f| f["fieldId"].as_str().map(str::to_string)).collect();
    if let Some(k) = values.keys().find(|k| !allowed.contains(k)) {
        return Err(err(StatusCode::BAD_REQUEST, format!("The field '{k}' is not valid for this request type.")));
    }
    let summary = values.get("summary").and_then(Value::as_str).map(str::trim).unwrap_or("").to_string();
    if summary.is_empty() {
        return Err(err(StatusCode::BAD_REQUEST, "What do you need?: You must specify a summary of the issue."));
    }
    let description = values.get("description").and_then(Value::as_str).map(str::to_string);
    let priority = match values.get("priority") {
        None | Some(Value::Null) => None,
        Some(p) => {
            let want = p.get("id").or_else(|| p.get("name")).unwrap_or(p);
            let want = want.as_str().map(str::to_string).unwrap_or_else(|| want.to_string());
            Some(
                site.priorities
                    .iter()
                    .find(|x| x.id.to_string() == want || x.name.eq_ignore_ascii_case(&want))
                    .map(|x| x.id)
                    .ok_or_else(|| err(StatusCode::BAD_REQUEST, format!("The priority '{want}' does not exist.")))?,
            )
        }
    };
    let reporter = match text("raiseOnBehalfOf") {
        None => me.clone(),
        Some(who) => {
            if !is_agent(&site, &me) {
                return Err(err(StatusCode::FORBIDDEN, "You do not have permission to raise requests on behalf of others."));
            }
            site.user(&who)
                .or_else(|| site.user_by_email(&who))
                .map(|u| u.account_id.clone())
                .ok_or_else(|| err(StatusCode::BAD_REQUEST, format!("The user '{who}' does not exist.")))?
        }
    };
    let participants = account_list(&site, &b, &["requestParticipants"])?;
    let key_prefix = site.project(project_id).map(|p| p.key.clone()).unwrap_or_default();
    let id = site.next_id("issue", 10_000);
    let n = site.next_id(&format!("issuekey:{key_prefix}"), 1);
    let lead = site.project(project_id).map(|p| p.lead_account_id.clone()).unwrap_or_else(|| me.clone());
    let status = if t.needs_approval { WAITING_FOR_APPROVAL } else { WAITING_FOR_SUPPORT };
    let approvals = if t.needs_approval {
        let aid = site.next_id("approval", 1);
        vec![Approval {
            id: aid,
            name: "Waiting for approval".into(),
            final_decision: "pending".into(),
            approvers: vec![Approver { account_id: lead, decision: "pending".into() }],
            created: now,
            completed: None,
        }]
    } else {
        vec![]
    };
    site.issues.push(Issue {
        id,
        key: format!("{key_prefix}-{n}"),
        summary,
        description,
        issue_type_id: t.issue_type_id,
        status_id: status,
        priority_id: Some(priority.unwrap_or(3)),
        ..Issue::raised(project_id, &reporter, &me, now)
    });
    let sla = |metric_id: u64, name: &str, hours: i64| SlaRecord {
        metric_id,
        name: name.into(),
        goal_millis: hours * 3_600_000,
        start: now,
        stop: None,
        paused_at: None,
        paused_millis: 0,
    };
    site.service.requests.push(CustomerRequest {
        issue_id: id,
        desk_id,
        request_type_id: t.id,
        participants,
        status_date: now,
        slas: vec![
            sla(TTFR, crate::seed_service::TTFR_NAME, crate::seed_service::TTFR_GOAL_HOURS),
            sla(TTR, crate::seed_service::TTR_NAME, t.resolution_goal_hours),
        ],
        approvals,
    });
    if let Some(d) = site.service.desks.iter_mut().find(|d| d.id == desk_id) {
        if !d.customers.contains(&reporter) {
            d.customers.push(reporter);
        }
    }
    site.touch();
    site.reindex();
    let out = {
        let i = site.issues.len() - 1;
        let r = site.service.requests.last().expect("just pushed");
        request_json(&j, &site, &site.issues[i], r, &[])
    };
    drop(site);
    j.sb.persist();
    Ok((StatusCode::CREATED, Json(out)))
}

// ------------------------------------------------------------------ SLAs

fn require_agent(j: &Jira, site: &Site) -> Result<(), ApiError> {
    let me = require_user(j)?;
    if is_agent(site, &me) {
        Ok(())
    } else {
        Err(err(StatusCode::FORBIDDEN, "You are not an agent of this service desk."))
    }
}

pub async fn slas(j: Jira, Path(key): Path<String>) -> ApiResult {
    warm(&j);
    let all = {
        let site = j.sb.site.read();
        let (i, ri) = find_request(&j, &site, &key)?;
        require_agent(&j, &site)?;
        let now = j.sb.clock.now();
        site.service.requests[ri].slas.iter().map(|s| sla_json(&j, &site.issues[i], s, now)).collect()
    };
    Ok(Json(paged(&j, &format!("/request/{key}/sla"), all)?))
}

pub async fn sla(j: Jira, Path((key, metric)): Path<(String, String)>) -> ApiResult {
    warm(&j);
    let site = j.sb.site.read();
    let (i, ri) = find_request(&j, &site, &key)?;
    require_agent(&j, &site)?;
    let s = site.service.requests[ri]
        .slas
        .iter()
        .find(|s| s.metric_id.to_string() == metric)
        .ok_or_else(|| err(StatusCode::NOT_FOUND, format!("SLA metric {metric} does not exist on this request.")))?;
    Ok(Json(sla_json(&j, &site.issues[i], s, j.sb.clock.now())))
}

// ------------------------------------------------------------------ comments

/// `public` and `internal`: whether to list public and internal comments; both default to true.
fn flag(j: &Jira, k: &str) -> Result<bool, ApiError> {
    match j.query.get(k) {
        None | Some("") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(err(StatusCode::BAD_REQUEST, format!("The {k} parameter must be true or false, not '{v}'."))),
    }
}

pub async fn comments(j: Jira, Path(key): Path<String>) -> ApiResult {
    warm(&j);
    let (public, internal) = (flag(&j, "public")?, flag(&j, "internal")?);
    let all = {
        let site = j.sb.site.read();
        let (i, _) = find_request(&j, &site, &key)?;
        let me = j.who.account().unwrap_or("");
        let issue = &site.issues[i];
        issue
            .comments
            .iter()
            .filter(|c| comment_visible(&site, me, c))
            .filter(|c| if site.service.internal_comments.contains(&c.id) { internal } else { public })
            .map(|c| comment_json(&j, &site, issue, c))
            .collect()
    };
    Ok(Json(paged(&j, &format!("/request/{key}/comment"), all)?))
}

pub async fn comment(j: Jira, Path((key, id)): Path<(String, String)>) -> ApiResult {
    warm(&j);
    let site = j.sb.site.read();
    let (i, _) = find_request(&j, &site, &key)?;
    let me = j.who.account().unwrap_or("");
    let issue = &site.issues[i];
    let c = issue
        .comments
        .iter()
        .find(|c| c.id.to_string() == id && comment_visible(&site, me, c))
        .ok_or_else(|| err(StatusCode::NOT_FOUND, format!("Comment {id} does not exist on this request.")))?;
    Ok(Json(comment_json(&j, &site, issue, c)))
}

pub async fn comment_create(j: Jira, Path(key): Path<String>, body: String) -> Result<(StatusCode, Json<Value>), ApiError> {
    warm(&j);
    let me = require_user(&j)?;
    let b = body_object(&body)?;
    let text = b.get("body").and_then(Value::as_str).map(str::trim).unwrap_or("").to_string();
    if text.is_empty() {
        return Err(err(StatusCode::BAD_REQUEST, "The comment body is required."));
    }
    let public = b.get("public").and_then(Value::as_bool).ok_or_else(|| err(StatusCode::BAD_REQUEST, "The public flag of the comment is required."))?;
    let now = j.sb.clock.now();
    let mut site = j.sb.site.write();
    let (i, ri) = find_request(&j, &site, &key)?;
    let agent = is_agent(&site, &me);
    if !public && !agent {
        return Err(err(StatusCode::BAD_REQUEST, "Customers can only add public comments."));
    }
    let id = site.next_id("comment", 10_000);
    let reporter = site.issues[i].reporter_id.clone();
    let issue = &mut site.issues[i];
    issue.comments.push(Comment { id, author_id: me.clone(), body: text, created: now, updated: now, update_author_id: me.clone(), restriction: None });
    issue.updated = now;
    let status = issue.status_id;
    if !public {
        site.service.internal_comments.insert(id);
    }
    // An agent's first public answer stops "Time to first response"; the customer's answer to a
    // request waiting for them hands it back to support.
    if public && agent && reporter.as_deref() != Some(me.as_str()) {
        for s in site.service.requests[ri].slas.iter_mut().filter(|s| s.metric_id == TTFR && s.stop.is_none()) {
            s.stop = Some(now);
        }
    } else if public && status == WAITING_FOR_CUSTOMER && reporter.as_deref() == Some(me.as_str()) {
        change_status(&mut site, i, &me, WAITING_FOR_SUPPORT, now);
    }
    site.touch();
    let out = {
        let issue = &site.issues[i];
        let c = issue.comments.last().expect("just added");
        comment_json(&j, &site, issue, c)
    };
    drop(site);
    j.sb.persist();
    Ok((StatusCode::CREATED, Json(out)))
}

// ------------------------------------------------------------------ participants

fn participants_page(j: &Jira, site: &Site, key: &str, ri: usize) -> Result<Value, ApiError> {
    let all = site.service.requests[ri].participants.iter().map(|p| user(j, site, p)).collect();
    paged(j, &format!("/request/{key}/participant"), all)
}

pub async fn participants(j: Jira, Path(key): Path<String>) -> ApiResult {
    warm(&j);
    let site = j.sb.site.read();
    let (_, ri) = find_request(&j, &site, &key)?;
    Ok(Json(participants_page(&j, &site, &key, ri)?))
}

async fn change_participants(j: Jira, key: String, body: String, add: bool) -> ApiResult {
    require_user(&j)?;
    let b = body_object(&body)?;
    let mut site = j.sb.site.write();
    let (_, ri) = find_request(&j, &site, &key)?;
    let who = account_list(&site, &b, &["accountIds", "usernames"])?;
    if who.is_empty() {
        return Err(err(StatusCode::BAD_REQUEST, "No users were given."));
    }
    let r = &mut site.service.requests[ri];
    for a in who {
        if add && !r.participants.contains(&a) {
            r.participants.push(a);
        } else if !add {
            r.participants.retain(|p| *p != a);
        }
    }
    site.touch();
    let out = participants_page(&j, &site, &key, ri)?;
    drop(site);
    j.sb.persist();
    Ok(Json(out))
}

pub async fn participants_add(j: Jira, Path(key): Path<String>, body: String) -> ApiResult {
    warm(&j);
    change_participants(j, key, body, true).await
}

pub async fn participants_remove(j: Jira, Path(key): Path<String>, body: String) -> ApiResult {
    warm(&j);
    change_participants(j, key, body, false).await
}

// ------------------------------------------------------------------ approvals

pub async fn approvals(j: Jira, Path(key): Path<String>) -> ApiResult {
    warm(&j);
    let all = {
        let site = j.sb.site.read();
        let (i, ri) = find_request(&j, &site, &key)?;
        site.service.requests[ri].approvals.iter().map(|a| approval_json(&j, &site, &site.issues[i], a)).collect()
    };
    Ok(Json(paged(&j, &format!("/request/{key}/approval"), all)?))
}

fn approval_not_found(id: &str) -> ApiError {
    err(StatusCode::NOT_FOUND, format!("Approval {id} does not exist on this request."))
}

pub async fn approval(j: Jira, Path((key, id)): Path<(String, String)>) -> ApiResult {
    warm(&j);
    let site = j.sb.site.read();
    let (i, ri) = find_request(&j, &site, &key)?;
    let a = site.service.requests[ri].approvals.iter().find(|a| a.id.to_string() == id).ok_or_else(|| approval_not_found(&id))?;
    Ok(Json(approval_json(&j, &site, &site.issues[i], a)))
}

pub async fn approval_answer(j: Jira, Path((key, id)): Path<(String, String)>, body: String) -> ApiResult {
    warm(&j);
    let me = require_user(&j)?;
    let b = body_object(&body)?;
    let decision = match b.get("decision").and_then(Value::as_str) {
        Some("approve") => "approved",
        Some("decline") => "declined",
        _ => return Err(err(StatusCode::BAD_REQUEST, "The decision must be 'approve' or 'decline'.")),
    };
    let now = j.sb.clock.now();
    let mut site = j.sb.site.write();
    let (i, ri) = find_request(&j, &site, &key)?;
    let ai = site.service.requests[ri].approvals.iter().position(|a| a.id.to_string() == id).ok_or_else(|| approval_not_found(&id))?;
    {
        let a = &mut site.service.requests[ri].approvals[ai];
        let Some(mine) = a.approvers.iter_mut().find(|x| x.account_id == me) else {
            return Err(err(StatusCode::FORBIDDEN, "You are not an approver of this approval."));
        };
        if mine.decision != "pending" || a.final_decision != "pending" {
            return Err(err(StatusCode::CONFLICT, "This approval has already been answered."));
        }
        mine.decision = decision.into();
        // One approver's answer decides (the default approval condition).
        a.final_decision = decision.into();
        a.completed = Some(now);
    }
    if site.issues[i].status_id == WAITING_FOR_APPROVAL {
        if decision == "approved" {
            change_status(&mut site, i, &me, WAITING_FOR_SUPPORT, now);
        } else {
            change_status(&mut site, i, &me, RESOLVED, now);
            let issue = &mut site.issues[i];
            issue.resolution_id = Some(10001);
            issue.resolution_date = Some(now);
        }
    }
    site.touch();
    let out = approval_json(&j, &site, &site.issues[i], &site.service.requests[ri].approvals[ai]);
    drop(site);
    j.sb.persist();
    Ok(Json(out))
}

// ------------------------------------------------------------------ customers and organizations

pub async fn desk_customers(j: Jira, Path(id): Path<String>, headers: HeaderMap) -> ApiResult {
    warm(&j);
    require_user(&j)?;
    opted_in(&headers)?;
    let all = {
        let site = j.sb.site.read();
        let d = find_desk(&j, &site, &id)?;
        let q = j.query.get("query").map(str::to_lowercase).filter(|q| !q.is_empty());
        d.customers
            .iter()
            .filter_map(|c| site.user(c))
            .filter(|u| q.as_ref().is_none_or(|q| u.display_name.to_lowercase().contains(q) || u.email.to_lowercase().contains(q)))
            .map(|u| user(&j, &site, &u.account_id))
            .collect()
    };
    Ok(Json(paged(&j, &format!("/servicedesk/{id}/customer"), all)?))
}

fn organization_json(j: &Jira, o: &Organization) -> Value {
    let mut v = json!({"id": o.id.to_string(), "name": o.name, "_links": {"self": format!("{}/organization/{}", sd_base(j), o.id)}});
    if cloud(j) {
        v["created"] = date(j, o.created);
        v["scimManaged"] = json!(false);
    }
    v
}

fn organizations_of(j: &Jira, site: &Site, ids: Option<&[u64]>) -> Result<Vec<Value>, ApiError> {
    let account = j.query.get("accountId").filter(|a| !a.is_empty());
    if let Some(a) = account {
        if site.user(a).is_none() {
            return Err(err(StatusCode::NOT_FOUND, format!("The user '{a}' does not exist.")));
        }
    }
    Ok(site
        .service
        .organizations
        .iter()
        .filter(|o| ids.is_none_or(|ids| ids.contains(&o.id)))
        .filter(|o| account.is_none_or(|a| o.members.iter().any(|m| m == a)))
        .map(|o| organization_json(j, o))
        .collect())
}

pub async fn organizations(j: Jira) -> ApiResult {
    warm(&j);
    let me = require_user(&j)?;
    let all = {
        let site = j.sb.site.read();
        let mut all = organizations_of(&j, &site, None)?;
        if !is_agent(&site, &me) {
            // Customers see the organizations they belong to.
            let mine: Vec<String> = site.service.organizations.iter().filter(|o| o.members.contains(&me)).map(|o| o.id.to_string()).collect();
            all.retain(|o| o["id"].as_str().is_some_and(|id| mine.iter().any(|m| m == id)));
        }
        all
    };
    Ok(Json(paged(&j, "/organization", all)?))
}

fn find_organization<'a>(site: &'a Site, id: &str) -> Result<&'a Organization, ApiError> {
    site.service.organizations.iter().find(|o| o.id.to_string() == id).ok_or_else(|| err(StatusCode::NOT_FOUND, format!("Organization {id} does not exist.")))
}

pub async fn organization(j: Jira, Path(id): Path<String>) -> ApiResult {
    warm(&j);
    require_user(&j)?;
    let site = j.sb.site.read();
    Ok(Json(organization_json(&j, find_organization(&site, &id)?)))
}

pub async fn organization_users(j: Jira, Path(id): Path<String>) -> ApiResult {
    warm(&j);
    require_user(&j)?;
    let all = {
        let site = j.sb.site.read();
        find_organization(&site, &id)?.members.iter().map(|m| user(&j, &site, m)).collect()
    };
    Ok(Json(paged(&j, &format!("/organization/{id}/user"), all)?))
}

pub async fn desk_organizations(j: Jira, Path(id): Path<String>) -> ApiResult {
    warm(&j);
    require_user(&j)?;
    let all = {
        let site = j.sb.site.read();
        let d = find_desk(&j, &site, &id)?;
        organizations_of(&j, &site, Some(&d.organization_ids))?
    };
    Ok(Json(paged(&j, &format!("/servicedesk/{id}/organization"), all)?))
}

// ------------------------------------------------------------------ queues

fn find_queue<'a>(site: &'a Site, d: &ServiceDesk, id: &str) -> Result<&'a Queue, ApiError> {
    site.service
        .queues
        .iter()
        .find(|q| q.desk_id == d.id && q.id.to_string() == id)
        .ok_or_else(|| err(StatusCode::NOT_FOUND, format!("Queue {id} does not exist in this service desk.")))
}

fn queue_json(j: &Jira, q: &Queue, count: Option<usize>) -> Value {
    let mut o = json!({"id": q.id.to_string(), "name": q.name, "jql": q.jql, "fields": q.fields,
                       "_links": {"self": format!("{}/servicedesk/{}/queue/{}", sd_base(j), q.desk_id, q.id)}});
    if let Some(n) = count {
        o["issueCount"] = json!(n);
    }
    o
}

fn queue_count(j: &Jira, q: &Queue) -> Result<Option<usize>, ApiError> {
    if j.query.bool("includeCount") == Some(true) {
        Ok(Some(run_query(j, &q.jql, false).map_err(sd)?.len()))
    } else {
        Ok(None)
    }
}

pub async fn queues(j: Jira, Path(id): Path<String>) -> ApiResult {
    warm(&j);
    require_user(&j)?;
    let list: Vec<Queue> = {
        let site = j.sb.site.read();
        require_agent(&j, &site)?;
        let d = find_desk(&j, &site, &id)?;
        site.service.queues.iter().filter(|q| q.desk_id == d.id).cloned().collect()
    };
    let mut all = Vec::new();
    for q in &list {
        all.push(queue_json(&j, q, queue_count(&j, q)?));
    }
    Ok(Json(paged(&j, &format!("/servicedesk/{id}/queue"), all)?))
}

/// A queue of a service desk, for an agent.
fn agents_queue(j: &Jira, desk: &str, queue: &str) -> Result<Queue, ApiError> {
    let site = j.sb.site.read();
    require_agent(j, &site)?;
    let d = find_desk(j, &site, desk)?;
    Ok(find_queue(&site, d, queue)?.clone())
}

pub async fn queue(j: Jira, Path((id, queue)): Path<(String, String)>) -> ApiResult {
    warm(&j);
    require_user(&j)?;
    let q = agents_queue(&j, &id, &queue)?;
    Ok(Json(queue_json(&j, &q, queue_count(&j, &q)?)))
}

/// The issues of a queue: its JQL run by the Jira search for the caller, as `IssueBean`s with the
/// queue's fields.
pub async fn queue_issues(j: Jira, Path((id, queue)): Path<(String, String)>) -> ApiResult {
    warm(&j);
    require_user(&j)?;
    let q = agents_queue(&j, &id, &queue)?;
    let hits = run_query(&j, &q.jql, false).map_err(sd)?;
    let site = j.sb.site.read();
    let api = format!("{}/rest/api/2", j.base);
    let view = View { site: &site, api: &api, base: &j.base, v: 2, emails: j.who.is_admin(&site), cloud: cloud(&j) };
    let wanted = FieldSelection::parse(&q.fields, "*navigable");
    let all = hits.iter().filter_map(|&i| site.issues.get(i)).map(|issue| view.issue(issue, &wanted)).collect();
    Ok(Json(paged(&j, &format!("/servicedesk/{id}/queue/{queue}/issue"), all)?))
}
