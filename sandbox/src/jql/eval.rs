//! Validation and evaluation of parsed JQL against issues.

use std::cmp::Ordering;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::parser::{Clause, FieldRef, Op, Operand};
use super::{CustomKind, CustomValue, JqlContext, JqlError, JqlIssue, Named, Query, UserRef};

/// A resolved field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Project,
    Key,
    Id,
    Summary,
    Description,
    Environment,
    Text,
    Comment,
    Status,
    StatusCategory,
    Assignee,
    Reporter,
    Creator,
    Priority,
    IssueType,
    Labels,
    Component,
    FixVersion,
    Created,
    Updated,
    ResolutionDate,
    DueDate,
    Resolution,
    Sprint,
    Parent,
    Custom(usize),
}

/// What a field holds, which decides its operators and how values compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Name,
    User,
    KeyLike,
    Number,
    Instant,
    Day,
}

fn resolve(f: &FieldRef, ctx: &JqlContext) -> Result<Field, JqlError> {
    let unknown = |name: &str| JqlError { messages: vec![format!("Field '{name}' does not exist or you do not have permission to view it.")] };
    match f {
        FieldRef::Custom(n) => ctx.custom_fields.iter().position(|c| c.number == *n).map(Field::Custom).ok_or_else(|| unknown(&format!("cf[{n}]"))),
        FieldRef::Named(name) => {
            let field = match name.to_ascii_lowercase().as_str() {
                "project" => Field::Project,
                "key" | "issue" | "issuekey" => Field::Key,
                "id" => Field::Id,
                "summary" => Field::Summary,
                "description" => Field::Description,
                "environment" => Field::Environment,
                "text" => Field::Text,
                "comment" => Field::Comment,
                "status" => Field::Status,
                "statuscategory" => Field::StatusCategory,
                "assignee" => Field::Assignee,
                "reporter" => Field::Reporter,
                "creator" => Field::Creator,
                "priority" => Field::Priority,
                "issuetype" | "type" => Field::IssueType,
                "labels" | "label" => Field::Labels,
                "component" => Field::Component,
                "fixversion" => Field::FixVersion,
                "created" | "createddate" => Field::Created,
                "updated" | "updateddate" => Field::Updated,
                "resolutiondate" | "resolved" => Field::ResolutionDate,
                "duedate" | "due" => Field::DueDate,
                "resolution" => Field::Resolution,
                "sprint" => Field::Sprint,
                "parent" => Field::Parent,
                _ => match ctx.custom_fields.iter().position(|c| c.name.eq_ignore_ascii_case(name) || c.id.eq_ignore_ascii_case(name)) {
                    Some(i) => Field::Custom(i),
                    None => return Err(unknown(name)),
                },
            };
            Ok(field)
        }
    }
}

fn kind(field: Field, ctx: &JqlContext) -> Kind {
    match field {
        Field::Summary | Field::Description | Field::Environment | Field::Text | Field::Comment => Kind::Text,
        Field::Project | Field::Status | Field::StatusCategory | Field::Priority | Field::IssueType | Field::Labels | Field::Component | Field::FixVersion | Field::Resolution | Field::Sprint => Kind::Name,
        Field::Assignee | Field::Reporter | Field::Creator => Kind::User,
        Field::Key | Field::Parent => Kind::KeyLike,
        Field::Id => Kind::Number,
        Field::Created | Field::Updated | Field::ResolutionDate => Kind::Instant,
        Field::DueDate => Kind::Day,
        Field::Custom(i) => match ctx.custom_fields[i].kind {
            CustomKind::Number => Kind::Number,
            CustomKind::Date => Kind::Day,
            CustomKind::DateTime => Kind::Instant,
            CustomKind::Text => Kind::Text,
            CustomKind::Select | CustomKind::MultiSelect | CustomKind::Labels => Kind::Name,
            CustomKind::MultiUser => Kind::User,
        },
    }
}

fn allowed(kind: Kind, op: Op) -> bool {
    use Op::*;
    match kind {
        Kind::Text => matches!(op, Like | NotLike | Is | IsNot),
        Kind::Name | Kind::User => matches!(op, Eq | NotEq | In | NotIn | Is | IsNot),
        Kind::KeyLike | Kind::Number | Kind::Instant | Kind::Day => !matches!(op, Like | NotLike),
    }
}

fn field_label(f: &FieldRef, field: Field, ctx: &JqlContext) -> String {
    match field {
        Field::Custom(i) => ctx.custom_fields[i].name.clone(),
        _ => f.display(),
    }
}

/// Flattens an operand into its values (lists) for validation.
fn values(o: &Operand) -> Vec<&Operand> {
    match o {
        Operand::List(items) => items.iter().collect(),
        other => vec![other],
    }
}

impl Query {
    pub fn validate(&self, ctx: &JqlContext) -> Result<(), JqlError> {
        let mut messages = Vec::new();
        if let Some(c) = &self.clause {
            validate_clause(c, ctx, &mut messages);
        }
        for o in &self.order {
            if let Err(e) = resolve(&o.field, ctx) {
                messages.extend(e.messages);
            }
        }
        if messages.is_empty() {
            Ok(())
        } else {
            Err(JqlError { messages })
        }
    }

    pub fn matches(&self, issue: &dyn JqlIssue, ctx: &JqlContext) -> bool {
        self.clause.as_ref().is_none_or(|c| eval_clause(c, issue, ctx))
    }

    pub fn compare(&self, a: &dyn JqlIssue, b: &dyn JqlIssue, ctx: &JqlContext) -> Ordering {
        let default = [super::OrderBy { field: FieldRef::Named("created".into()), descending: true }];
        let order: &[super::OrderBy] = if self.order.is_empty() { &default } else { &self.order };
        for o in order {
            let Ok(field) = resolve(&o.field, ctx) else { continue };
            let (ka, kb) = (sort_key(field, a, ctx), sort_key(field, b, ctx));
            // Empty values last ascending, first descending.
            let ord = match (&ka, &kb) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(x), Some(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
            };
            let ord = if o.descending { ord.reverse() } else { ord };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        b.id().cmp(&a.id())
    }
}

fn validate_clause(c: &Clause, ctx: &JqlContext, out: &mut Vec<String>) {
    match c {
        Clause::And(a, b) | Clause::Or(a, b) => {
            validate_clause(a, ctx, out);
            validate_clause(b, ctx, out);
        }
        Clause::Not(a) => validate_clause(a, ctx, out),
        Clause::Term { field, op, operand, .. } => {
            let f = match resolve(field, ctx) {
                Ok(f) => f,
                Err(e) => {
                    out.extend(e.messages);
                    return;
                }
            };
            let label = field_label(field, f, ctx);
            let k = kind(f, ctx);
            if !allowed(k, *op) {
                out.push(format!("The operator '{}' is not supported by the '{label}' field.", op.text()));
                return;
            }
            for v in values(operand) {
                match v {
                    Operand::Function { name, args } => {
                        if let Err(m) = check_function(name, args, k, *op, &label) {
                            out.push(m);
                        }
                    }
                    Operand::Value { text, .. } => {
                        if let Err(m) = check_value(f, k, text, ctx, &label) {
                            out.push(m);
                        }
                    }
                    Operand::Empty | Operand::List(_) => {}
                }
            }
        }
    }
}

fn check_function(name: &str, args: &[String], k: Kind, op: Op, label: &str) -> Result<(), String> {
    let lname = name.to_ascii_lowercase();
    let date_fn = ["now", "startofday", "endofday", "startofweek", "endofweek", "startofmonth", "endofmonth", "startofyear", "endofyear"];
    let list_fn = ["opensprints", "closedsprints", "futuresprints"];
    if date_fn.contains(&lname.as_str()) {
        if !matches!(k, Kind::Instant | Kind::Day) {
            return Err(format!("A value provided by the function '{name}' is invalid for the field '{label}'."));
        }
        if let Some(a) = args.first() {
            parse_increment(a, 'd').ok_or_else(|| format!("Unable to parse the argument '{a}' of the function '{name}'."))?;
        }
        return Ok(());
    }
    if lname == "currentuser" {
        return if k == Kind::User { Ok(()) } else { Err(format!("A value provided by the function '{name}' is invalid for the field '{label}'.")) };
    }
    if list_fn.contains(&lname.as_str()) {
        return if label.eq_ignore_ascii_case("sprint") && matches!(op, Op::In | Op::NotIn) {
            Ok(())
        } else {
            Err(format!("The function '{name}' is not valid for the field '{label}' and the operator '{}'.", op.text()))
        };
    }
    Err(format!("Unable to find JQL function '{name}({})'.", args.join(", ")))
}

fn check_value(f: Field, k: Kind, text: &str, ctx: &JqlContext, label: &str) -> Result<(), String> {
    let missing = || format!("The value '{text}' does not exist for the field '{label}'.");
    match f {
        Field::Project if !ctx.known.project_exists(text) => Err(missing()),
        Field::Status if !ctx.known.status_exists(text) => Err(missing()),
        Field::IssueType if !ctx.known.issue_type_exists(text) => Err(missing()),
        Field::Priority if !ctx.known.priority_exists(text) => Err(missing()),
        Field::Resolution if !ctx.known.resolution_exists(text) && !text.eq_ignore_ascii_case("unresolved") => Err(missing()),
        Field::StatusCategory if !["new", "indeterminate", "done", "to do", "in progress", "2", "3", "4", "1", "undefined", "no category"].contains(&text.to_lowercase().as_str()) => Err(missing()),
        Field::Key | Field::Parent => {
            if split_key(text).is_none() && text.parse::<u64>().is_err() {
                return Err(format!("The issue key '{text}' for field '{label}' is invalid."));
            }
            if split_key(text).is_some() && !ctx.known.issue_exists(text) {
                return Err(format!("An issue with key '{text}' does not exist for field '{label}'."));
            }
            Ok(())
        }
        _ => match k {
            Kind::User if !ctx.known.user_exists(text) => Err(missing()),
            Kind::Number if text.parse::<f64>().is_err() => Err(format!("The value '{text}' is not a valid number for the field '{label}'.")),
            Kind::Instant | Kind::Day if parse_date_literal(text, ctx).is_none() => Err(format!(
                "Date value '{text}' for field '{label}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."
            )),
            _ => Ok(()),
        },
    }
}

/// `ABC-123` → ("ABC", 123).
fn split_key(k: &str) -> Option<(String, u64)> {
    let (p, n) = k.rsplit_once('-')?;
    if p.is_empty() || !p.chars().next()?.is_ascii_alphabetic() {
        return None;
    }
    Some((p.to_uppercase(), n.parse().ok()?))
}

/// A date literal as an instant in the searcher's zone, and whether it carried a time.
fn parse_date_literal(text: &str, ctx: &JqlContext) -> Option<(DateTime<Utc>, bool)> {
    let t = text.trim();
    for fmt in ["%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"] {
        if let Ok(ndt) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some((local(ndt, ctx)?, true));
        }
    }
    for fmt in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            return Some((local(d.and_hms_opt(0, 0, 0)?, ctx)?, false));
        }
    }
    // Relative: `-1d`, `4w 2d`, `-15m` (w/d/h/m; the sign applies to the whole period).
    let (sign, rest) = match t.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    let mut total = Duration::zero();
    let mut any = false;
    for part in rest.split_whitespace() {
        let unit = part.chars().last()?;
        let n: i64 = part[..part.len() - 1].parse().ok()?;
        total += match unit {
            'w' => Duration::weeks(n),
            'd' => Duration::days(n),
            'h' => Duration::hours(n),
            'm' => Duration::minutes(n),
            _ => return None,
        };
        any = true;
    }
    any.then(|| (ctx.now + total * sign, true))
}

fn local(ndt: NaiveDateTime, ctx: &JqlContext) -> Option<DateTime<Utc>> {
    ctx.time_zone.from_local_datetime(&ndt).earliest().map(|d| d.with_timezone(&Utc))
}

/// `-1`, `+2d`, `1M`: a signed count of units (default unit per function).
fn parse_increment(a: &str, default_unit: char) -> Option<(i64, char)> {
    let a = a.trim();
    let (num, unit) = match a.chars().last() {
        Some(c) if c.is_ascii_alphabetic() => (&a[..a.len() - 1], c),
        _ => (a, default_unit),
    };
    let n: i64 = num.trim_start_matches('+').parse().ok()?;
    "yMwdhm".contains(unit).then_some((n, unit))
}

fn shift(t: DateTime<chrono_tz::Tz>, n: i64, unit: char) -> Option<DateTime<chrono_tz::Tz>> {
    Some(match unit {
        'y' => t.with_year(t.year() + n as i32)?,
        'M' => {
            let months = t.year() as i64 * 12 + t.month0() as i64 + n;
            let (y, m) = (months.div_euclid(12) as i32, months.rem_euclid(12) as u32 + 1);
            let day = t.day().min(days_in_month(y, m));
            t.timezone().from_local_datetime(&NaiveDate::from_ymd_opt(y, m, day)?.and_time(t.time())).earliest()?
        }
        'w' => t + Duration::weeks(n),
        'd' => t + Duration::days(n),
        'h' => t + Duration::hours(n),
        _ => t + Duration::minutes(n),
    })
}

fn days_in_month(y: i32, m: u32) -> u32 {
    let next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
    next.and_then(|d| d.pred_opt()).map(|d| d.day()).unwrap_or(28)
}

/// The instant a date function names, in the searcher's zone.
fn date_function(name: &str, args: &[String], ctx: &JqlContext) -> Option<DateTime<Utc>> {
    let lname = name.to_ascii_lowercase();
    let now = ctx.now.with_timezone(&ctx.time_zone);
    let tz = ctx.time_zone;
    let midnight = |d: NaiveDate| tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).earliest();
    let default_unit = match lname.as_str() {
        "startofweek" | "endofweek" => 'w',
        "startofmonth" | "endofmonth" => 'M',
        "startofyear" | "endofyear" => 'y',
        "now" => 'm',
        _ => 'd',
    };
    let (n, unit) = match args.first() {
        Some(a) => parse_increment(a, default_unit)?,
        None => (0, default_unit),
    };
    // An increment in the function's own period moves the period ("endOfMonth(-1)" is the end
    // of last month); any other unit shifts the result.
    let period_unit = default_unit;
    let (today, after) = if unit == period_unit && lname != "now" {
        (shift(midnight(now.date_naive())?, n, unit)?.date_naive(), (0, unit))
    } else {
        (now.date_naive(), (n, unit))
    };
    let base = match lname.as_str() {
        "now" => now,
        "startofday" => midnight(today)?,
        "endofday" => midnight(today.succ_opt()?)? - Duration::milliseconds(1),
        "startofweek" | "endofweek" => {
            let start = today - Duration::days(today.weekday().num_days_from_sunday() as i64);
            if lname == "startofweek" {
                midnight(start)?
            } else {
                midnight(start + Duration::days(7))? - Duration::milliseconds(1)
            }
        }
        "startofmonth" | "endofmonth" => {
            let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)?;
            if lname == "startofmonth" {
                midnight(first)?
            } else {
                midnight(first + Duration::days(days_in_month(today.year(), today.month()) as i64))? - Duration::milliseconds(1)
            }
        }
        "startofyear" | "endofyear" => {
            let first = NaiveDate::from_ymd_opt(today.year(), 1, 1)?;
            if lname == "startofyear" {
                midnight(first)?
            } else {
                midnight(NaiveDate::from_ymd_opt(today.year() + 1, 1, 1)?)? - Duration::milliseconds(1)
            }
        }
        _ => return None,
    };
    Some(shift(base, after.0, after.1)?.with_timezone(&Utc))
}

/// Words of a text, lower-cased and lightly stemmed, as Jira's index sees them.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| stem(&w.to_lowercase())).collect()
}

fn stem(w: &str) -> String {
    let n = w.chars().count();
    if n > 4 && w.ends_with("ies") {
        return format!("{}y", &w[..w.len() - 3]);
    }
    if n > 5 && w.ends_with("ing") {
        return w[..w.len() - 3].to_string();
    }
    if n > 4 && w.ends_with("ed") {
        return w[..w.len() - 2].to_string();
    }
    if n > 4 && ["ches", "shes", "xes", "zes", "sses"].iter().any(|s| w.ends_with(s)) {
        return w[..w.len() - 2].to_string();
    }
    if n > 3 && w.ends_with('s') && !w.ends_with("ss") {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

fn wildcard(pattern: &str, word: &str) -> bool {
    let (p, w): (Vec<char>, Vec<char>) = (pattern.chars().collect(), word.chars().collect());
    fn go(p: &[char], w: &[char]) -> bool {
        match p.split_first() {
            None => w.is_empty(),
            Some(('*', rest)) => (0..=w.len()).any(|i| go(rest, &w[i..])),
            Some(('?', rest)) => !w.is_empty() && go(rest, &w[1..]),
            Some((c, rest)) => w.first() == Some(c) && go(rest, &w[1..]),
        }
    }
    go(&p, &w)
}

/// Jira's `~`: every term present (wildcards at word level), or an exact phrase when the value
/// is itself quoted.
fn text_matches(haystacks: &[&str], query: &str) -> bool {
    let q = query.trim();
    if q.len() >= 2 && q.starts_with('"') && q.ends_with('"') {
        let phrase = words(&q[1..q.len() - 1]);
        return !phrase.is_empty() && haystacks.iter().any(|h| words(h).windows(phrase.len()).any(|w| w == phrase.as_slice()));
    }
    let raw: Vec<String> = q.split(|c: char| !(c.is_alphanumeric() || c == '*' || c == '?')).filter(|t| !t.is_empty()).map(str::to_lowercase).collect();
    if raw.is_empty() {
        return false;
    }
    let hay_words: Vec<Vec<String>> = haystacks.iter().map(|h| words(h)).collect();
    let hay_raw: Vec<Vec<String>> = haystacks.iter().map(|h| h.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()).collect();
    raw.iter().all(|term| {
        if term.contains('*') || term.contains('?') {
            hay_raw.iter().flatten().any(|w| wildcard(term, w))
        } else {
            let s = stem(term);
            hay_words.iter().flatten().any(|w| *w == s)
        }
    })
}

/// One value of a field as the evaluator compares it.
enum Val<'a> {
    Name(Named<'a>),
    Label(&'a str),
    User(UserRef<'a>),
    Key(String),
    Num(f64),
    Instant(DateTime<Utc>),
    Day(NaiveDate),
    Sprint(super::SprintRef<'a>),
}

fn field_values<'a>(f: Field, issue: &'a dyn JqlIssue, ctx: &JqlContext) -> Vec<Val<'a>> {
    match f {
        Field::Project => vec![Val::Name(issue.project())],
        Field::Key => vec![Val::Key(issue.key().to_string())],
        Field::Id => vec![Val::Num(issue.id() as f64)],
        Field::Status => vec![Val::Name(issue.status())],
        Field::StatusCategory => vec![Val::Name(issue.status_category())],
        Field::IssueType => vec![Val::Name(issue.issue_type())],
        Field::Priority => issue.priority().map(Val::Name).into_iter().collect(),
        Field::Resolution => issue.resolution().map(Val::Name).into_iter().collect(),
        Field::Assignee => issue.assignee().map(Val::User).into_iter().collect(),
        Field::Reporter => issue.reporter().map(Val::User).into_iter().collect(),
        Field::Creator => issue.creator().map(Val::User).into_iter().collect(),
        Field::Labels => issue.labels().into_iter().map(Val::Label).collect(),
        Field::Component => issue.components().into_iter().map(Val::Name).collect(),
        Field::FixVersion => issue.fix_versions().into_iter().map(Val::Name).collect(),
        Field::Created => vec![Val::Instant(issue.created())],
        Field::Updated => vec![Val::Instant(issue.updated())],
        Field::ResolutionDate => issue.resolution_date().map(Val::Instant).into_iter().collect(),
        Field::DueDate => issue.due_date().map(Val::Day).into_iter().collect(),
        Field::Sprint => issue.sprints().into_iter().map(Val::Sprint).collect(),
        Field::Parent => issue.parent_key().map(|k| Val::Key(k.to_string())).into_iter().collect(),
        Field::Summary | Field::Description | Field::Environment | Field::Text | Field::Comment => vec![],
        Field::Custom(i) => match issue.custom(&ctx.custom_fields[i].id) {
            CustomValue::None => vec![],
            CustomValue::Number(n) => vec![Val::Num(n)],
            CustomValue::Date(d) => vec![Val::Day(d)],
            CustomValue::DateTime(t) => vec![Val::Instant(t)],
            CustomValue::Text(_) => vec![],
            CustomValue::Option(o) => vec![Val::Label(o)],
            CustomValue::Options(os) => os.into_iter().map(Val::Label).collect(),
            CustomValue::Users(us) => us.into_iter().map(Val::User).collect(),
        },
    }
}

fn texts<'a>(f: Field, issue: &'a dyn JqlIssue, ctx: &JqlContext) -> Vec<&'a str> {
    let nonempty = |s: &'a str| if s.is_empty() { vec![] } else { vec![s] };
    match f {
        Field::Summary => nonempty(issue.summary()),
        Field::Description => nonempty(issue.description()),
        Field::Environment => nonempty(issue.environment()),
        Field::Comment => issue.comment_texts(),
        Field::Text => {
            let mut v = vec![issue.summary(), issue.description(), issue.environment()];
            v.extend(issue.comment_texts());
            v.retain(|s| !s.is_empty());
            v
        }
        Field::Custom(i) => match issue.custom(&ctx.custom_fields[i].id) {
            CustomValue::Text(t) if !t.is_empty() => vec![t],
            _ => vec![],
        },
        _ => vec![],
    }
}

/// A comparable form of one operand value for a field kind.
enum Want {
    Text(String),
    User(String),
    Num(f64),
    Instant(DateTime<Utc>),
    Day(NaiveDate),
    SprintState(&'static str),
    Empty,
    Nothing,
}

fn want(k: Kind, o: &Operand, ctx: &JqlContext) -> Vec<Want> {
    match o {
        Operand::Empty => vec![Want::Empty],
        Operand::List(items) => items.iter().flat_map(|i| want(k, i, ctx)).collect(),
        Operand::Function { name, args } => {
            let l = name.to_ascii_lowercase();
            match l.as_str() {
                "currentuser" => vec![ctx.current_user.map(|u| Want::User(u.to_string())).unwrap_or(Want::Nothing)],
                "opensprints" => vec![Want::SprintState("active")],
                "closedsprints" => vec![Want::SprintState("closed")],
                "futuresprints" => vec![Want::SprintState("future")],
                _ => match date_function(name, args, ctx) {
                    Some(t) if k == Kind::Day => vec![Want::Day(t.with_timezone(&ctx.time_zone).date_naive())],
                    Some(t) => vec![Want::Instant(t)],
                    None => vec![Want::Nothing],
                },
            }
        }
        Operand::Value { text, .. } => match k {
            Kind::Number => vec![text.parse().map(Want::Num).unwrap_or(Want::Nothing)],
            Kind::Instant => vec![parse_date_literal(text, ctx).map(|(t, _)| Want::Instant(t)).unwrap_or(Want::Nothing)],
            Kind::Day => vec![parse_date_literal(text, ctx).map(|(t, _)| Want::Day(t.with_timezone(&ctx.time_zone).date_naive())).unwrap_or(Want::Nothing)],
            Kind::User => vec![Want::User(text.clone())],
            _ => vec![Want::Text(text.clone())],
        },
    }
}

fn equals(v: &Val, w: &Want) -> bool {
    match (v, w) {
        (Val::Name(n), Want::Text(t)) => n.name.eq_ignore_ascii_case(t) || n.key.eq_ignore_ascii_case(t) || n.id.to_string() == *t,
        (Val::Label(l), Want::Text(t)) => l.eq_ignore_ascii_case(t),
        (Val::User(u), Want::User(t)) => u.account_id == t || u.email.is_some_and(|e| e.eq_ignore_ascii_case(t)),
        (Val::Key(k), Want::Text(t)) => k.eq_ignore_ascii_case(t),
        (Val::Num(n), Want::Num(m)) => n == m,
        (Val::Num(n), Want::Text(t)) => t.parse::<f64>().is_ok_and(|m| m == *n),
        (Val::Instant(t), Want::Instant(w)) => t.timestamp() / 60 == w.timestamp() / 60,
        (Val::Day(d), Want::Day(e)) => d == e,
        (Val::Sprint(s), Want::Text(t)) => s.name.eq_ignore_ascii_case(t) || s.id.to_string() == *t,
        (Val::Sprint(s), Want::SprintState(st)) => s.state == *st,
        _ => false,
    }
}

fn order(v: &Val, w: &Want) -> Option<Ordering> {
    match (v, w) {
        (Val::Num(n), Want::Num(m)) => n.partial_cmp(m),
        (Val::Instant(t), Want::Instant(w)) => Some(t.cmp(w)),
        (Val::Day(d), Want::Day(e)) => Some(d.cmp(e)),
        (Val::Key(k), Want::Text(t)) => {
            let (a, b) = (split_key(k)?, split_key(t)?);
            (a.0 == b.0).then(|| a.1.cmp(&b.1))
        }
        _ => None,
    }
}

fn eval_clause(c: &Clause, issue: &dyn JqlIssue, ctx: &JqlContext) -> bool {
    match c {
        Clause::And(a, b) => eval_clause(a, issue, ctx) && eval_clause(b, issue, ctx),
        Clause::Or(a, b) => eval_clause(a, issue, ctx) || eval_clause(b, issue, ctx),
        Clause::Not(a) => !eval_clause(a, issue, ctx),
        Clause::Term { field, op, operand, .. } => {
            let Ok(f) = resolve(field, ctx) else { return false };
            let k = kind(f, ctx);
            if k == Kind::Text {
                let hay = texts(f, issue, ctx);
                return match (op, operand) {
                    (Op::Is, _) => hay.is_empty(),
                    (Op::IsNot, _) => !hay.is_empty(),
                    (Op::Like, Operand::Value { text, .. }) => text_matches(&hay, text),
                    (Op::NotLike, Operand::Value { text, .. }) => !text_matches(&hay, text),
                    _ => false,
                };
            }
            let vals = field_values(f, issue, ctx);
            let wants = want(k, operand, ctx);
            let empty_wanted = wants.iter().any(|w| matches!(w, Want::Empty));
            let any_eq = || vals.iter().any(|v| wants.iter().any(|w| equals(v, w)));
            match op {
                Op::Is => vals.is_empty(),
                Op::IsNot => !vals.is_empty(),
                Op::Eq | Op::In => (empty_wanted && vals.is_empty()) || any_eq(),
                // `!=` and NOT IN never match an empty field, unless EMPTY is listed as excluded.
                Op::NotEq | Op::NotIn => {
                    if vals.is_empty() {
                        false
                    } else {
                        !any_eq()
                    }
                }
                Op::Lt | Op::LtEq | Op::Gt | Op::GtEq => vals.iter().any(|v| {
                    // A date without a time is that midnight in the searcher's zone, as Jira reads it.
                    wants.iter().any(|w| {
                        match order(v, w) {
                            Some(o) => match op {
                                Op::Lt => o == Ordering::Less,
                                Op::LtEq => o != Ordering::Greater,
                                Op::Gt => o == Ordering::Greater,
                                _ => o != Ordering::Less,
                            },
                            None => false,
                        }
                    })
                }),
                Op::Like | Op::NotLike => false,
            }
        }
    }
}

#[derive(PartialEq, PartialOrd)]
enum SortKey {
    Num(f64),
    Text(String),
    Key(String, u64),
}

fn sort_key(f: Field, issue: &dyn JqlIssue, ctx: &JqlContext) -> Option<SortKey> {
    Some(match f {
        Field::Key => {
            let (p, n) = split_key(issue.key())?;
            SortKey::Key(p, n)
        }
        Field::Id => SortKey::Num(issue.id() as f64),
        Field::Priority => SortKey::Num(issue.priority_rank()? as f64),
        Field::Summary => SortKey::Text(issue.summary().to_lowercase()),
        Field::Description => SortKey::Text(issue.description().to_lowercase()),
        Field::Project => SortKey::Text(issue.project().name.to_lowercase()),
        Field::Status => SortKey::Text(issue.status().name.to_lowercase()),
        Field::StatusCategory => SortKey::Num(issue.status_category().id as f64),
        Field::IssueType => SortKey::Text(issue.issue_type().name.to_lowercase()),
        Field::Resolution => SortKey::Text(issue.resolution()?.name.to_lowercase()),
        Field::Assignee => SortKey::Text(issue.assignee()?.display_name.to_lowercase()),
        Field::Reporter => SortKey::Text(issue.reporter()?.display_name.to_lowercase()),
        Field::Creator => SortKey::Text(issue.creator()?.display_name.to_lowercase()),
        Field::Created => SortKey::Num(issue.created().timestamp_millis() as f64),
        Field::Updated => SortKey::Num(issue.updated().timestamp_millis() as f64),
        Field::ResolutionDate => SortKey::Num(issue.resolution_date()?.timestamp_millis() as f64),
        Field::DueDate => SortKey::Num(issue.due_date()?.num_days_from_ce() as f64),
        Field::Parent => {
            let (p, n) = split_key(issue.parent_key()?)?;
            SortKey::Key(p, n)
        }
        Field::Custom(_) => match field_values(f, issue, ctx).into_iter().next()? {
            Val::Num(n) => SortKey::Num(n),
            Val::Day(d) => SortKey::Num(d.num_days_from_ce() as f64),
            Val::Instant(t) => SortKey::Num(t.timestamp_millis() as f64),
            Val::Label(l) => SortKey::Text(l.to_lowercase()),
            Val::User(u) => SortKey::Text(u.display_name.to_lowercase()),
            _ => return None,
        },
        _ => return None,
    })
}
