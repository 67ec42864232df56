//! Matching issues against a where-clause, and ORDER BY.
//!
//! Semantics kept from Jira:
//! * `NOT` is pushed down to the terminal clauses by negating their operators (De Morgan), so
//!   `NOT assignee = x` behaves as `assignee != x`;
//! * `!=`, `NOT IN`, `WAS NOT` never match an empty field (`assignee != x` skips unassigned
//!   issues); on multi-value fields (labels, components, versions, sprints) `=` means "contains"
//!   and `!=` "has values, none of them this one"; `!~` does match an empty text field;
//! * datetime fields compare at minute precision, in the user's time zone for literals; date
//!   fields (due date, date custom fields) compare by day;
//! * names (project, status, type, priority, resolution, component, version, labels, sprint,
//!   options) compare case-insensitively; a number literal is an id;
//! * WAS / WAS IN / WAS NOT look at the current value only (the sandbox keeps no history, so
//!   history predicates are not applied) and CHANGED never matches.

use std::cmp::Ordering;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::ast::{Clause, Literal, Operand, Operator, Query, SortDirection, Terminal};
use super::dates::{self, parse_date_literal, utc_to_local_date};
use super::fields::{resolve, Field};
use super::text::{parse_text_query, Doc};
use super::validate::{is_valid_issue_key, STATUS_CATEGORIES};
use super::{CustomKind, CustomValue, JqlContext, JqlIssue, Named, SprintRef, UserRef};

pub(crate) fn matches(clause: &Clause, issue: &dyn JqlIssue, ctx: &JqlContext) -> bool {
    eval(clause, issue, ctx, false)
}

fn eval(clause: &Clause, issue: &dyn JqlIssue, ctx: &JqlContext, negated: bool) -> bool {
    match clause {
        Clause::And(parts) if negated => parts.iter().any(|p| eval(p, issue, ctx, true)),
        Clause::And(parts) => parts.iter().all(|p| eval(p, issue, ctx, false)),
        Clause::Or(parts) if negated => parts.iter().all(|p| eval(p, issue, ctx, true)),
        Clause::Or(parts) => parts.iter().any(|p| eval(p, issue, ctx, false)),
        Clause::Not(inner) => eval(inner, issue, ctx, !negated),
        Clause::Terminal(t) => {
            if t.op == Operator::Changed {
                // No history in the sandbox: nothing ever changed.
                return negated;
            }
            let op = if negated { t.op.negated() } else { t.op };
            terminal(t, op, issue, ctx)
        }
    }
}

/// One operand value, after functions are evaluated.
#[derive(Debug, Clone)]
enum Item<'q> {
    Empty,
    Lit(&'q Literal),
    UserId(String),
    SprintState(&'static str),
    Instant(DateTime<Utc>),
    /// A function that yields nothing (e.g. `currentUser()` when anonymous).
    Nothing,
}

fn items<'q>(operand: &'q Operand, ctx: &JqlContext, out: &mut Vec<Item<'q>>) {
    match operand {
        Operand::Empty => out.push(Item::Empty),
        Operand::Value(l) => out.push(Item::Lit(l)),
        Operand::List(list) => list.iter().for_each(|o| items(o, ctx, out)),
        Operand::Function { name, args, .. } => {
            let lower = name.to_lowercase();
            match lower.as_str() {
                "currentuser" => out.push(match ctx.current_user {
                    Some(u) => Item::UserId(u.to_string()),
                    None => Item::Nothing,
                }),
                "membersof" => {
                    let members = args.first().and_then(|g| ctx.known.group_members(g)).unwrap_or_default();
                    if members.is_empty() {
                        out.push(Item::Nothing);
                    }
                    out.extend(members.into_iter().map(Item::UserId));
                }
                "opensprints" => out.push(Item::SprintState("active")),
                "closedsprints" => out.push(Item::SprintState("closed")),
                "futuresprints" => out.push(Item::SprintState("future")),
                _ => out.push(match dates::eval_date_function(&lower, args, ctx) {
                    Some(t) => Item::Instant(t),
                    None => Item::Nothing,
                }),
            }
        }
    }
}

/// A value of a field on an issue, for equality.
#[derive(Debug, Clone)]
enum Val<'a> {
    Named(Named<'a>),
    Category(Named<'a>),
    User(UserRef<'a>),
    Name(&'a str),
    Sprint(SprintRef<'a>),
    Key(&'a str, u64),
    Parent(&'a str),
    Scalar(f64),
}

fn eq_ic(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

fn named_matches(n: &Named, lit: &Literal) -> bool {
    match lit {
        Literal::Str(s) => eq_ic(n.name, s) || eq_ic(n.key, s) || s.parse::<u64>().is_ok_and(|id| id == n.id),
        Literal::Num { value, text } => *value >= 0 && *value as u64 == n.id || eq_ic(n.name, text),
    }
}

/// The minute (datetime fields) or the day (date fields) an item stands for.
fn item_scalar(kind: Scalar, item: &Item, ctx: &JqlContext) -> Option<f64> {
    match kind {
        Scalar::Minute => {
            let t = match item {
                Item::Lit(Literal::Str(s)) => parse_date_literal(s)?.instant(ctx)?,
                Item::Lit(Literal::Num { value, .. }) => dates::from_millis(*value)?,
                Item::Instant(t) => *t,
                _ => return None,
            };
            Some(minute(t))
        }
        Scalar::Day => {
            let d = match item {
                Item::Lit(Literal::Str(s)) => parse_date_literal(s)?.date(ctx)?,
                Item::Lit(Literal::Num { value, .. }) => utc_to_local_date(dates::from_millis(*value)?, ctx),
                Item::Instant(t) => utc_to_local_date(*t, ctx),
                _ => return None,
            };
            Some(day(d))
        }
        Scalar::Number => match item {
            Item::Lit(l) => l.text().trim().parse::<f64>().ok(),
            _ => None,
        },
    }
}

fn minute(t: DateTime<Utc>) -> f64 {
    t.timestamp().div_euclid(60) as f64
}

fn day(d: NaiveDate) -> f64 {
    d.num_days_from_ce() as f64
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Scalar {
    Minute,
    Day,
    Number,
}

fn val_matches(v: &Val, item: &Item, scalar: Option<Scalar>, ctx: &JqlContext) -> bool {
    match (v, item) {
        (_, Item::Empty) | (_, Item::Nothing) => false,
        (Val::Scalar(x), it) => scalar.and_then(|k| item_scalar(k, it, ctx)).is_some_and(|y| *x == y),
        (Val::Named(n), Item::Lit(l)) => named_matches(n, l),
        (Val::Category(n), Item::Lit(l)) => {
            let t = l.text();
            eq_ic(n.key, t) || eq_ic(n.name, t) || t.parse::<u64>().is_ok_and(|id| id == n.id)
        }
        (Val::User(u), Item::Lit(l)) => u.account_id == l.text() || u.email.is_some_and(|e| eq_ic(e, l.text())),
        (Val::User(u), Item::UserId(id)) => u.account_id == id,
        (Val::Name(s), Item::Lit(l)) => eq_ic(s, l.text()),
        (Val::Sprint(s), Item::Lit(l)) => match l {
            Literal::Str(t) => eq_ic(s.name, t) || t.parse::<u64>().is_ok_and(|id| id == s.id),
            Literal::Num { value, text } => *value >= 0 && *value as u64 == s.id || eq_ic(s.name, text),
        },
        (Val::Sprint(s), Item::SprintState(st)) => s.state.eq_ignore_ascii_case(st),
        (Val::Key(k, id), Item::Lit(l)) => match l {
            Literal::Str(t) => eq_ic(k, t),
            Literal::Num { value, .. } => *value >= 0 && *value as u64 == *id,
        },
        (Val::Parent(p), Item::Lit(l)) => match l {
            Literal::Str(t) => eq_ic(p, t),
            Literal::Num { value, .. } => u64::try_from(*value).ok().and_then(|id| ctx.known.issue_key_for_id(id)).is_some_and(|k| eq_ic(&k, p)),
        },
        _ => false,
    }
}

fn terminal(t: &Terminal, op: Operator, issue: &dyn JqlIssue, ctx: &JqlContext) -> bool {
    let field = match resolve(&t.field, ctx) {
        Some(f) => f,
        None => return false,
    };
    let operand = match &t.operand {
        Some(o) => o,
        None => return false,
    };
    let mut its = Vec::new();
    items(operand, ctx, &mut its);
    if field == Field::Resolution {
        // `resolution = Unresolved` is `resolution is EMPTY`.
        for it in its.iter_mut() {
            if matches!(it, Item::Lit(Literal::Str(s)) if s.eq_ignore_ascii_case("unresolved")) {
                *it = Item::Empty;
            }
        }
    }

    // Text search fields.
    if let Some(docs) = text_docs(&field, issue) {
        let empty = docs.iter().all(|texts| texts.iter().all(|s| s.trim().is_empty()));
        return match op {
            Operator::Is => empty,
            Operator::IsNot => !empty,
            Operator::Like | Operator::NotLike => {
                let found = match its.first() {
                    Some(Item::Empty) => empty,
                    Some(Item::Lit(l)) => match parse_text_query(l.text()) {
                        Ok(q) => docs.iter().any(|texts| q.matches(&Doc::new(texts.iter().copied()))),
                        Err(_) => false,
                    },
                    _ => false,
                };
                if op == Operator::Like {
                    found
                } else {
                    !found
                }
            }
            _ => false,
        };
    }

    let (vals, scalar) = values(&field, issue, ctx);
    let empty = vals.is_empty();
    match op {
        Operator::Is => empty,
        Operator::IsNot => !empty,
        Operator::Equals | Operator::In | Operator::Was | Operator::WasIn => its.iter().any(|it| match it {
            Item::Empty => empty,
            _ => vals.iter().any(|v| val_matches(v, it, scalar, ctx)),
        }),
        Operator::NotEquals | Operator::NotIn | Operator::WasNot | Operator::WasNotIn => {
            !empty && !its.iter().any(|it| vals.iter().any(|v| val_matches(v, it, scalar, ctx)))
        }
        Operator::LessThan | Operator::LessThanEquals | Operator::GreaterThan | Operator::GreaterThanEquals => {
            let item = match its.first() {
                Some(i) => i,
                None => return false,
            };
            relational(&field, op, item, &vals, scalar, issue, ctx)
        }
        Operator::Like | Operator::NotLike | Operator::Changed => false,
    }
}

fn cmp_op(op: Operator, a: f64, b: f64) -> bool {
    match op {
        Operator::LessThan => a < b,
        Operator::LessThanEquals => a <= b,
        Operator::GreaterThan => a > b,
        Operator::GreaterThanEquals => a >= b,
        _ => false,
    }
}

fn relational(field: &Field, op: Operator, item: &Item, vals: &[Val], scalar: Option<Scalar>, issue: &dyn JqlIssue, ctx: &JqlContext) -> bool {
    if let Some(kind) = scalar {
        let target = match item_scalar(kind, item, ctx) {
            Some(x) => x,
            None => return false,
        };
        return vals.iter().any(|v| matches!(v, Val::Scalar(x) if cmp_op(op, *x, target)));
    }
    match field {
        Field::IssueKey => {
            let lit = match item {
                Item::Lit(l) => l,
                _ => return false,
            };
            let target_key = match lit {
                Literal::Str(s) => Some(s.clone()),
                Literal::Num { value, .. } => u64::try_from(*value).ok().and_then(|id| ctx.known.issue_key_for_id(id)),
            };
            match target_key {
                Some(k) => match (split_key(&k), split_key(issue.key())) {
                    (Some((tp, tn)), Some((ip, inum))) => eq_ic(&tp, &ip) && cmp_op(op, inum as f64, tn as f64),
                    _ => false,
                },
                None => match lit {
                    Literal::Num { value, .. } => cmp_op(op, issue.id() as f64, *value as f64),
                    _ => false,
                },
            }
        }
        Field::Priority | Field::Resolution | Field::Status | Field::FixVersion => {
            let lit = match item {
                Item::Lit(l) => l,
                _ => return false,
            };
            let target = match literal_rank(field, lit, ctx) {
                Some(r) => r,
                None => return false,
            };
            vals.iter().any(|v| match v {
                Val::Named(n) => {
                    let r = named_rank(field, n, ctx);
                    if *field == Field::Priority {
                        // A higher priority has a lower sequence: `priority > Medium` is High(er).
                        cmp_op(op, -(r as f64), -(target as f64))
                    } else {
                        cmp_op(op, r as f64, target as f64)
                    }
                }
                _ => false,
            })
        }
        _ => false,
    }
}

fn split_key(key: &str) -> Option<(String, u64)> {
    if !is_valid_issue_key(key) {
        return None;
    }
    let (p, n) = key.rsplit_once('-')?;
    Some((p.to_uppercase(), n.parse().ok()?))
}

/// Jira's default priority scheme, by name.
fn default_priority_rank(name: &str) -> Option<i64> {
    Some(match name.to_lowercase().as_str() {
        "highest" | "blocker" => 1,
        "high" | "critical" => 2,
        "medium" | "major" => 3,
        "low" | "minor" => 4,
        "lowest" | "trivial" => 5,
        _ => return None,
    })
}

fn named_rank(field: &Field, n: &Named, ctx: &JqlContext) -> i64 {
    let f = field.sequence_name();
    ctx.known
        .sequence(f, &n.id.to_string())
        .or_else(|| ctx.known.sequence(f, n.name))
        .or_else(|| if *field == Field::Priority { default_priority_rank(n.name) } else { None })
        .unwrap_or(n.id as i64)
}

fn literal_rank(field: &Field, lit: &Literal, ctx: &JqlContext) -> Option<i64> {
    let f = field.sequence_name();
    let text = lit.text();
    ctx.known.sequence(f, text).or_else(|| if *field == Field::Priority { default_priority_rank(text) } else { None }).or_else(|| text.parse::<i64>().ok())
}

/// The texts searched by `~` for a text field, grouped per searched field (`text` searches
/// summary, description, environment and comments, each on its own).
fn text_docs<'a>(field: &Field, issue: &'a dyn JqlIssue) -> Option<Vec<Vec<&'a str>>> {
    Some(match field {
        Field::Summary => vec![vec![issue.summary()]],
        Field::Description => vec![vec![issue.description()]],
        Field::Environment => vec![vec![issue.environment()]],
        Field::Comment => vec![issue.comment_texts()],
        Field::Text => vec![vec![issue.summary()], vec![issue.description()], vec![issue.environment()], issue.comment_texts()],
        Field::Custom(def) if def.kind == CustomKind::Text => match issue.custom(&def.id) {
            CustomValue::Text(s) => vec![vec![s]],
            _ => vec![vec![]],
        },
        _ => return None,
    })
}

fn values<'a>(field: &Field, issue: &'a dyn JqlIssue, _ctx: &JqlContext) -> (Vec<Val<'a>>, Option<Scalar>) {
    let minute_of = |t: Option<DateTime<Utc>>| t.map(|t| Val::Scalar(minute(t))).into_iter().collect::<Vec<_>>();
    match field {
        Field::Project => (vec![Val::Named(issue.project())], None),
        Field::IssueKey => (vec![Val::Key(issue.key(), issue.id())], None),
        Field::Status => (vec![Val::Named(issue.status())], None),
        Field::StatusCategory => (vec![Val::Category(issue.status_category())], None),
        Field::IssueType => (vec![Val::Named(issue.issue_type())], None),
        Field::Priority => (issue.priority().map(Val::Named).into_iter().collect(), None),
        Field::Resolution => (issue.resolution().map(Val::Named).into_iter().collect(), None),
        Field::Assignee => (issue.assignee().map(Val::User).into_iter().collect(), None),
        Field::Reporter => (issue.reporter().map(Val::User).into_iter().collect(), None),
        Field::Creator => (issue.creator().map(Val::User).into_iter().collect(), None),
        Field::Labels => (issue.labels().into_iter().map(Val::Name).collect(), None),
        Field::Component => (issue.components().into_iter().map(Val::Named).collect(), None),
        Field::FixVersion => (issue.fix_versions().into_iter().map(Val::Named).collect(), None),
        Field::AffectedVersion => (issue.affected_versions().into_iter().map(Val::Named).collect(), None),
        Field::Sprint => (issue.sprints().into_iter().map(Val::Sprint).collect(), None),
        Field::Parent => (issue.parent_key().map(Val::Parent).into_iter().collect(), None),
        Field::Created => (minute_of(Some(issue.created())), Some(Scalar::Minute)),
        Field::Updated => (minute_of(Some(issue.updated())), Some(Scalar::Minute)),
        Field::Resolved => (minute_of(issue.resolution_date()), Some(Scalar::Minute)),
        Field::Due => (issue.due_date().map(|d| Val::Scalar(day(d))).into_iter().collect(), Some(Scalar::Day)),
        Field::Custom(def) => {
            let v = issue.custom(&def.id);
            match def.kind {
                CustomKind::Number => match v {
                    CustomValue::Number(x) => (vec![Val::Scalar(x)], Some(Scalar::Number)),
                    _ => (vec![], Some(Scalar::Number)),
                },
                CustomKind::Date => match v {
                    CustomValue::Date(d) => (vec![Val::Scalar(day(d))], Some(Scalar::Day)),
                    CustomValue::DateTime(t) => (vec![Val::Scalar(day(t.date_naive()))], Some(Scalar::Day)),
                    _ => (vec![], Some(Scalar::Day)),
                },
                CustomKind::DateTime => match v {
                    CustomValue::DateTime(t) => (vec![Val::Scalar(minute(t))], Some(Scalar::Minute)),
                    _ => (vec![], Some(Scalar::Minute)),
                },
                _ => (custom_vals(v), None),
            }
        }
        Field::Summary | Field::Description | Field::Environment | Field::Comment | Field::Text => (vec![], None),
    }
}

fn custom_vals(v: CustomValue<'_>) -> Vec<Val<'_>> {
    match v {
        CustomValue::Option(s) | CustomValue::Text(s) if !s.is_empty() => vec![Val::Name(s)],
        CustomValue::Options(list) => list.into_iter().map(Val::Name).collect(),
        CustomValue::Users(users) => users.into_iter().map(Val::User).collect(),
        _ => vec![],
    }
}

// ---------------------------------------------------------------------------------------------
// ORDER BY

#[derive(Debug, Clone, PartialEq)]
enum SortKey {
    Num(f64),
    Str(String),
    Key(String, u64),
}

fn cmp_keys(a: &SortKey, b: &SortKey) -> Ordering {
    match (a, b) {
        (SortKey::Num(x), SortKey::Num(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (SortKey::Str(x), SortKey::Str(y)) => x.cmp(y),
        (SortKey::Key(p1, n1), SortKey::Key(p2, n2)) => p1.cmp(p2).then(n1.cmp(n2)),
        _ => Ordering::Equal,
    }
}

fn default_direction(field: &Field) -> SortDirection {
    match field {
        Field::Created | Field::Updated | Field::Resolved | Field::Priority => SortDirection::Desc,
        _ => SortDirection::Asc,
    }
}

fn min_str<'a>(it: impl Iterator<Item = &'a str>) -> Option<SortKey> {
    it.map(|s| s.to_lowercase()).min().map(SortKey::Str)
}

fn key_of(key: &str) -> SortKey {
    match split_key(key) {
        Some((p, n)) => SortKey::Key(p, n),
        None => SortKey::Str(key.to_lowercase()),
    }
}

fn sort_key(field: &Field, issue: &dyn JqlIssue, ctx: &JqlContext) -> Option<SortKey> {
    let user = |u: Option<UserRef>| u.map(|u| SortKey::Str(u.display_name.to_lowercase()));
    match field {
        Field::Project => Some(SortKey::Str(issue.project().name.to_lowercase())),
        Field::IssueKey => Some(key_of(issue.key())),
        Field::Summary => Some(SortKey::Str(issue.summary().to_lowercase())),
        Field::Status => Some(SortKey::Num(named_rank(field, &issue.status(), ctx) as f64)),
        Field::StatusCategory => {
            let c = issue.status_category();
            let rank = STATUS_CATEGORIES.iter().position(|(_, k, _)| eq_ic(k, c.key)).unwrap_or(0);
            Some(SortKey::Num(rank as f64))
        }
        Field::IssueType => Some(SortKey::Str(issue.issue_type().name.to_lowercase())),
        Field::Priority => issue.priority().map(|p| SortKey::Num(-(named_rank(field, &p, ctx) as f64))),
        Field::Resolution => issue.resolution().map(|r| SortKey::Num(named_rank(field, &r, ctx) as f64)),
        Field::FixVersion => issue.fix_versions().iter().map(|v| named_rank(field, v, ctx)).min().map(|r| SortKey::Num(r as f64)),
        Field::AffectedVersion => issue.affected_versions().iter().map(|v| v.name.to_lowercase()).min().map(SortKey::Str),
        Field::Assignee => user(issue.assignee()),
        Field::Reporter => user(issue.reporter()),
        Field::Creator => user(issue.creator()),
        Field::Labels => min_str(issue.labels().into_iter()),
        Field::Component => min_str(issue.components().iter().map(|c| c.name)),
        Field::Sprint => issue.sprints().iter().map(|s| s.id).max().map(|id| SortKey::Num(id as f64)),
        Field::Parent => issue.parent_key().map(key_of),
        Field::Created => Some(SortKey::Num(issue.created().timestamp_millis() as f64)),
        Field::Updated => Some(SortKey::Num(issue.updated().timestamp_millis() as f64)),
        Field::Resolved => issue.resolution_date().map(|t| SortKey::Num(t.timestamp_millis() as f64)),
        Field::Due => issue.due_date().map(|d| SortKey::Num(day(d))),
        Field::Custom(def) => match issue.custom(&def.id) {
            CustomValue::None => None,
            CustomValue::Number(x) => Some(SortKey::Num(x)),
            CustomValue::Date(d) => Some(SortKey::Num(day(d))),
            CustomValue::DateTime(t) => Some(SortKey::Num(t.timestamp_millis() as f64)),
            CustomValue::Text(s) | CustomValue::Option(s) => {
                if s.is_empty() {
                    None
                } else {
                    Some(SortKey::Str(s.to_lowercase()))
                }
            }
            CustomValue::Options(list) => min_str(list.into_iter()),
            CustomValue::Users(users) => min_str(users.iter().map(|u| u.display_name)),
        },
        Field::Description | Field::Environment | Field::Comment | Field::Text => None,
    }
}

/// Jira's default order (no ORDER BY, or ties): newest first.
fn default_order(a: &dyn JqlIssue, b: &dyn JqlIssue) -> Ordering {
    b.created().cmp(&a.created()).then(b.id().cmp(&a.id()))
}

pub(crate) fn compare(query: &Query, a: &dyn JqlIssue, b: &dyn JqlIssue, ctx: &JqlContext) -> Ordering {
    for sort in &query.order_by {
        let field = match resolve(&sort.field, ctx) {
            Some(f) => f,
            None => continue,
        };
        let dir = sort.direction.unwrap_or_else(|| default_direction(&field));
        // Empty values come last whichever the direction.
        let ord = match (sort_key(&field, a, ctx), sort_key(&field, b, ctx)) {
            (Some(x), Some(y)) if dir == SortDirection::Desc => cmp_keys(&x, &y).reverse(),
            (Some(x), Some(y)) => cmp_keys(&x, &y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    default_order(a, b)
}
