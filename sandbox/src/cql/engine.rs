use std::cmp::Ordering;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::{CqlContent, CqlContext, CqlError};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
}

const RESERVED: &[&str] = &[
    "after", "and", "as", "avg", "before", "begin", "by", "commit", "contains", "count", "distinct", "else", "empty", "end", "explain", "from", "having", "if",
    "in", "inner", "insert", "into", "is", "isnull", "left", "like", "limit", "max", "min", "not", "null", "or", "order", "outer", "right", "select", "sum",
    "then", "was", "where", "update",
];

fn bad(cql: &str, why: &str) -> CqlError {
    CqlError { message: format!("Could not parse cql : {cql}{}", if why.is_empty() { String::new() } else { format!(" ({why})") }) }
}

fn tokenize(src: &str) -> Result<Vec<Tok>, CqlError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push(Tok::LParen);
                i += 1
            }
            ')' => {
                out.push(Tok::RParen);
                i += 1
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1
            }
            '"' | '\'' => {
                let q = c;
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(bad(src, "unterminated string")),
                        Some(&ch) if ch == q => {
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            match chars.get(i + 1) {
                                Some(&e) if e == '"' || e == '\'' || e == '\\' => s.push(e),
                                _ => return Err(bad(src, "illegal escape")),
                            }
                            i += 2;
                        }
                        Some(&ch) => {
                            s.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Str(s));
            }
            '=' => {
                out.push(Tok::Op("="));
                i += 1
            }
            '~' => {
                out.push(Tok::Op("~"));
                i += 1
            }
            '!' => {
                let op = match chars.get(i + 1) {
                    Some('=') => "!=",
                    Some('~') => "!~",
                    _ => return Err(bad(src, "unexpected '!'")),
                };
                out.push(Tok::Op(op));
                i += 2;
            }
            '<' | '>' => {
                let eq = chars.get(i + 1) == Some(&'=');
                out.push(Tok::Op(match (c, eq) {
                    ('<', true) => "<=",
                    ('<', false) => "<",
                    (_, true) => ">=",
                    _ => ">",
                }));
                i += if eq { 2 } else { 1 };
            }
            _ => {
                let mut s = String::new();
                while let Some(&ch) = chars.get(i) {
                    if ch.is_whitespace() || "()=!~<>,\"'".contains(ch) {
                        break;
                    }
                    s.push(ch);
                    i += 1;
                }
                out.push(Tok::Word(s));
            }
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Id,
    Type,
    Space,
    SpaceType,
    Title,
    Text,
    Label,
    Creator,
    Contributor,
    Created,
    LastModified,
    Ancestor,
    Parent,
    Container,
}

fn field(name: &str) -> Option<Field> {
    Some(match name.to_ascii_lowercase().as_str() {
        "id" | "content" => Field::Id,
        "type" => Field::Type,
        "space" | "space.key" => Field::Space,
        "space.type" => Field::SpaceType,
        "title" => Field::Title,
        "text" | "sitesearch" => Field::Text,
        "label" => Field::Label,
        "creator" => Field::Creator,
        "contributor" => Field::Contributor,
        "created" => Field::Created,
        "lastmodified" => Field::LastModified,
        "ancestor" => Field::Ancestor,
        "parent" => Field::Parent,
        "container" => Field::Container,
        _ => return None,
    })
}

fn allowed(f: Field, op: &str) -> bool {
    match f {
        Field::Text => matches!(op, "~" | "!~"),
        Field::Title => matches!(op, "=" | "!=" | "~" | "!~" | "in" | "not in"),
        Field::Created | Field::LastModified => matches!(op, "=" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in"),
        _ => matches!(op, "=" | "!=" | "in" | "not in"),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Lit(String),
    Func(String, Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Term { field: Field, op: &'static str, values: Vec<Value> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct CqlQuery {
    root: Option<Node>,
    order: Vec<(Field, bool)>,
}

/// One comparison of a parsed query as tests see it: field, operator, values (a function as
/// `name(args)`), and the connectives above it (`and`, `or`, `not`), outermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CqlTerm {
    pub field: String,
    pub op: String,
    pub values: Vec<String>,
    pub under: Vec<&'static str>,
}

impl CqlQuery {
    /// The query's comparisons, left to right.
    pub fn terms(&self) -> Vec<CqlTerm> {
        fn walk(n: &Node, under: &mut Vec<&'static str>, out: &mut Vec<CqlTerm>) {
            match n {
                Node::And(l, r) | Node::Or(l, r) => {
                    under.push(if matches!(n, Node::And(..)) { "and" } else { "or" });
                    walk(l, under, out);
                    walk(r, under, out);
                    under.pop();
                }
                Node::Not(x) => {
                    under.push("not");
                    walk(x, under, out);
                    under.pop();
                }
                Node::Term { field, op, values } => out.push(CqlTerm {
                    field: format!("{field:?}").to_lowercase(),
                    op: op.to_string(),
                    values: values
                        .iter()
                        .map(|v| match v {
                            Value::Lit(s) => s.clone(),
                            Value::Func(name, args) => format!("{name}({})", args.join(", ")),
                        })
                        .collect(),
                    under: under.clone(),
                }),
            }
        }
        let mut out = Vec::new();
        if let Some(root) = &self.root {
            walk(root, &mut Vec::new(), &mut out);
        }
        out
    }
}

struct P<'a> {
    toks: Vec<Tok>,
    i: usize,
    src: &'a str,
}

impl P<'_> {
    fn kw(&self, k: &str) -> bool {
        matches!(self.toks.get(self.i), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(k))
    }
    fn kw_at(&self, off: usize, k: &str) -> bool {
        matches!(self.toks.get(self.i + off), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(k))
    }
    fn err(&self, why: &str) -> CqlError {
        bad(self.src, why)
    }
    fn or(&mut self) -> Result<Node, CqlError> {
        let mut l = self.and()?;
        while self.kw("or") {
            self.i += 1;
            l = Node::Or(Box::new(l), Box::new(self.and()?));
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<Node, CqlError> {
        let mut l = self.not()?;
        while self.kw("and") {
            self.i += 1;
            l = Node::And(Box::new(l), Box::new(self.not()?));
        }
        Ok(l)
    }
    fn not(&mut self) -> Result<Node, CqlError> {
        if self.kw("not") {
            self.i += 1;
            return Ok(Node::Not(Box::new(self.not()?)));
        }
        if self.toks.get(self.i) == Some(&Tok::LParen) {
            self.i += 1;
            let n = self.or()?;
            if self.toks.get(self.i) != Some(&Tok::RParen) {
                return Err(self.err("expecting ')'"));
            }
            self.i += 1;
            return Ok(n);
        }
        self.term()
    }
    fn term(&mut self) -> Result<Node, CqlError> {
        let name = match self.toks.get(self.i) {
            Some(Tok::Word(w)) => w.clone(),
            _ => return Err(self.err("expecting a field")),
        };
        let f = field(&name).ok_or_else(|| self.err(&format!("unknown field '{name}'")))?;
        self.i += 1;
        let op: &'static str = match self.toks.get(self.i) {
            Some(Tok::Op(o)) => {
                self.i += 1;
                o
            }
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("in") => {
                self.i += 1;
                "in"
            }
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("not") && self.kw_at(1, "in") => {
                self.i += 2;
                "not in"
            }
            _ => return Err(self.err("expecting an operator")),
        };
        if !allowed(f, op) {
            return Err(self.err(&format!("the operator '{op}' is not supported by the field '{name}'")));
        }
        let values = if op == "in" || op == "not in" {
            if self.toks.get(self.i) != Some(&Tok::LParen) {
                return Err(self.err("expecting '('"));
            }
            self.i += 1;
            let mut v = Vec::new();
            loop {
                v.push(self.value()?);
                match self.toks.get(self.i) {
                    Some(Tok::Comma) => self.i += 1,
                    Some(Tok::RParen) => {
                        self.i += 1;
                        break;
                    }
                    _ => return Err(self.err("expecting ',' or ')'")),
                }
            }
            v
        } else {
            vec![self.value()?]
        };
        Ok(Node::Term { field: f, op, values })
    }
    fn value(&mut self) -> Result<Value, CqlError> {
        match self.toks.get(self.i).cloned() {
            Some(Tok::Str(s)) => {
                self.i += 1;
                Ok(Value::Lit(s))
            }
            Some(Tok::Word(w)) => {
                self.i += 1;
                if self.toks.get(self.i) == Some(&Tok::LParen) {
                    self.i += 1;
                    let mut args = Vec::new();
                    loop {
                        match self.toks.get(self.i).cloned() {
                            Some(Tok::RParen) => {
                                self.i += 1;
                                break;
                            }
                            Some(Tok::Str(a)) | Some(Tok::Word(a)) => {
                                args.push(a);
                                self.i += 1;
                            }
                            Some(Tok::Comma) => self.i += 1,
                            _ => return Err(self.err("expecting ')'")),
                        }
                    }
                    return Ok(Value::Func(w.to_ascii_lowercase(), args));
                }
                if RESERVED.contains(&w.to_ascii_lowercase().as_str()) {
                    return Err(self.err(&format!("'{w}' is a reserved word and must be quoted")));
                }
                Ok(Value::Lit(w))
            }
            _ => Err(self.err("expecting a value")),
        }
    }
}

pub fn parse(cql: &str) -> Result<CqlQuery, CqlError> {
    let toks = tokenize(cql)?;
    let mut p = P { toks, i: 0, src: cql };
    let root = if p.toks.is_empty() || (p.kw("order") && p.kw_at(1, "by")) { None } else { Some(p.or()?) };
    let mut order = Vec::new();
    if p.kw("order") {
        p.i += 1;
        if !p.kw("by") {
            return Err(p.err("expecting 'by'"));
        }
        p.i += 1;
        loop {
            let name = match p.toks.get(p.i) {
                Some(Tok::Word(w)) => w.clone(),
                _ => return Err(p.err("expecting a field to order by")),
            };
            let f = field(&name)
                .filter(|f| matches!(f, Field::Title | Field::Created | Field::LastModified | Field::Id | Field::Type | Field::Space))
                .ok_or_else(|| p.err(&format!("cannot order by '{name}'")))?;
            p.i += 1;
            let mut desc = false;
            if p.kw("asc") {
                p.i += 1;
            } else if p.kw("desc") {
                p.i += 1;
                desc = true;
            }
            order.push((f, desc));
            if p.toks.get(p.i) == Some(&Tok::Comma) {
                p.i += 1;
                continue;
            }
            break;
        }
    }
    if p.i < p.toks.len() {
        return Err(p.err("unexpected text after the query"));
    }
    if root.is_none() {
        return Err(bad(cql, "a search restriction is required"));
    }
    // Validate values now, so errors are 400s and never a silent empty result.
    if let Some(r) = &root {
        check(r, cql)?;
    }
    Ok(CqlQuery { root, order })
}

fn check(n: &Node, cql: &str) -> Result<(), CqlError> {
    match n {
        Node::And(a, b) | Node::Or(a, b) => {
            check(a, cql)?;
            check(b, cql)
        }
        Node::Not(a) => check(a, cql),
        Node::Term { field, values, .. } => {
            for v in values {
                match (field, v) {
                    (Field::Created | Field::LastModified, Value::Lit(s)) if !is_date_literal(s) => {
                        return Err(bad(cql, &format!("'{s}' is not a valid date")));
                    }
                    (Field::Created | Field::LastModified, Value::Func(f, _))
                        if !["now", "startofday", "endofday", "startofweek", "endofweek", "startofmonth", "endofmonth", "startofyear", "endofyear"]
                            .contains(&f.as_str()) =>
                    {
                        return Err(bad(cql, &format!("unknown function '{f}()'")));
                    }
                    // A valid date or date function: nothing further to check (the arms below
                    // refuse functions on other fields).
                    (Field::Created | Field::LastModified, Value::Lit(_) | Value::Func(..)) => {}
                    (Field::Creator | Field::Contributor, Value::Func(f, _)) if f == "currentuser" => {}
                    (Field::Id | Field::Ancestor | Field::Parent | Field::Container, Value::Lit(s)) if s.parse::<u64>().is_err() => {
                        return Err(bad(cql, &format!("'{s}' is not a content id")));
                    }
                    (_, Value::Func(f, _)) => return Err(bad(cql, &format!("unknown function '{f}()'"))),
                    _ => {}
                }
            }
            Ok(())
        }
    }
}

fn is_date_literal(s: &str) -> bool {
    parse_date(s, &CqlContext { now: Utc::now(), time_zone: chrono_tz::UTC, current_user: None }).is_some()
}

fn parse_date(s: &str, ctx: &CqlContext) -> Option<DateTime<Utc>> {
    let t = s.trim();
    let local = |ndt: NaiveDateTime| ctx.time_zone.from_local_datetime(&ndt).earliest().map(|d| d.with_timezone(&Utc));
    for f in ["%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            return local(d);
        }
    }
    for f in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return local(d.and_hms_opt(0, 0, 0)?);
        }
    }
    relative(t).map(|d| ctx.now + d)
}

/// `-4w`, `+2d`, `-3h`, `1m`, `-1y`, `2M` (months and years approximated by calendar later).
fn relative(t: &str) -> Option<Duration> {
    let (sign, rest) = match t.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    let unit = rest.chars().last()?;
    let n: i64 = rest[..rest.len() - unit.len_utf8()].parse().ok()?;
    let d = match unit {
        'y' => Duration::days(365 * n),
        'M' => Duration::days(30 * n),
        'w' => Duration::weeks(n),
        'd' => Duration::days(n),
        'h' => Duration::hours(n),
        'm' => Duration::minutes(n),
        _ => return None,
    };
    Some(d * sign)
}

fn date_function(name: &str, args: &[String], ctx: &CqlContext) -> Option<DateTime<Utc>> {
    let now = ctx.now.with_timezone(&ctx.time_zone);
    let tz = ctx.time_zone;
    let midnight = |d: NaiveDate| tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).earliest().map(|x| x.with_timezone(&Utc));
    let inc = match args.first() {
        Some(a) => relative(a)?,
        None => Duration::zero(),
    };
    let today = (now + inc).date_naive();
    let end = |start: DateTime<Utc>| start - Duration::milliseconds(1);
    Some(match name {
        "now" => ctx.now + inc,
        "startofday" => midnight(today)?,
        "endofday" => end(midnight(today.succ_opt()?)?),
        "startofweek" => midnight(today - Duration::days(today.weekday().num_days_from_sunday() as i64))?,
        "endofweek" => end(midnight(today - Duration::days(today.weekday().num_days_from_sunday() as i64) + Duration::days(7))?),
        "startofmonth" => midnight(NaiveDate::from_ymd_opt(today.year(), today.month(), 1)?)?,
        "endofmonth" => {
            let (y, m) = if today.month() == 12 { (today.year() + 1, 1) } else { (today.year(), today.month() + 1) };
            end(midnight(NaiveDate::from_ymd_opt(y, m, 1)?)?)
        }
        "startofyear" => midnight(NaiveDate::from_ymd_opt(today.year(), 1, 1)?)?,
        "endofyear" => end(midnight(NaiveDate::from_ymd_opt(today.year() + 1, 1, 1)?)?),
        _ => return None,
    })
}

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
    if n > 3 && w.ends_with('s') && !w.ends_with("ss") {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

fn wildcard(p: &[char], w: &[char]) -> bool {
    match p.split_first() {
        None => w.is_empty(),
        Some(('*', rest)) => (0..=w.len()).any(|i| wildcard(rest, &w[i..])),
        Some(('?', rest)) => !w.is_empty() && wildcard(rest, &w[1..]),
        Some((c, rest)) => w.first() == Some(c) && wildcard(rest, &w[1..]),
    }
}

/// Confluence's `~`: all terms present (word level, wildcards allowed), or an exact phrase when
/// the value is itself quoted.
fn contains(hay: &str, query: &str) -> bool {
    let q = query.trim();
    if q.len() >= 2 && q.starts_with('"') && q.ends_with('"') {
        let phrase = words(&q[1..q.len() - 1]);
        return !phrase.is_empty() && words(hay).windows(phrase.len()).any(|w| w == phrase.as_slice());
    }
    let terms: Vec<String> = q.split(|c: char| !(c.is_alphanumeric() || c == '*' || c == '?')).filter(|t| !t.is_empty()).map(str::to_lowercase).collect();
    let hw = words(hay);
    let raw: Vec<Vec<char>> = hay.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_lowercase().chars().collect()).collect();
    !terms.is_empty()
        && terms.iter().all(|t| {
            if t.contains('*') || t.contains('?') {
                let p: Vec<char> = t.chars().collect();
                raw.iter().any(|w| wildcard(&p, w))
            } else {
                hw.contains(&stem(t))
            }
        })
}

impl CqlQuery {
    /// The content types the query restricts to, when it says so at the top level.
    pub fn content_types(&self) -> Option<Vec<String>> {
        fn of(n: &Node) -> Option<Vec<String>> {
            match n {
                Node::Term { field: Field::Type, op: "=", values } | Node::Term { field: Field::Type, op: "in", values } => {
                    Some(values.iter().filter_map(|v| if let Value::Lit(s) = v { Some(s.to_lowercase()) } else { None }).collect())
                }
                Node::And(a, b) => match (of(a), of(b)) {
                    (Some(x), Some(y)) => Some(x.into_iter().filter(|t| y.contains(t)).collect()),
                    (x, None) => x,
                    (None, y) => y,
                },
                _ => None,
            }
        }
        self.root.as_ref().and_then(of)
    }

    pub fn matches(&self, c: &dyn CqlContent, ctx: &CqlContext) -> bool {
        self.root.as_ref().is_none_or(|r| eval(r, c, ctx))
    }

    pub fn compare(&self, a: &dyn CqlContent, b: &dyn CqlContent, _ctx: &CqlContext) -> Ordering {
        let default = [(Field::LastModified, true)];
        let order: &[(Field, bool)] = if self.order.is_empty() { &default } else { &self.order };
        for (f, desc) in order {
            let o = match f {
                Field::Title => a.title().to_lowercase().cmp(&b.title().to_lowercase()),
                Field::Created => a.created().cmp(&b.created()),
                Field::LastModified => a.last_modified().cmp(&b.last_modified()),
                Field::Id => a.id().cmp(&b.id()),
                Field::Type => a.content_type().cmp(b.content_type()),
                Field::Space => a.space_key().cmp(b.space_key()),
                _ => Ordering::Equal,
            };
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        b.id().cmp(&a.id())
    }
}

fn eval(n: &Node, c: &dyn CqlContent, ctx: &CqlContext) -> bool {
    match n {
        Node::And(a, b) => eval(a, c, ctx) && eval(b, c, ctx),
        Node::Or(a, b) => eval(a, c, ctx) || eval(b, c, ctx),
        Node::Not(a) => !eval(a, c, ctx),
        Node::Term { field, op, values } => {
            let lit = |v: &Value| -> Option<String> {
                match v {
                    Value::Lit(s) => Some(s.clone()),
                    Value::Func(f, _) if f == "currentuser" => ctx.current_user.map(str::to_string),
                    _ => None,
                }
            };
            let eq_any = |pred: &dyn Fn(&str) -> bool| values.iter().filter_map(lit).any(|s| pred(&s));
            let positive = match field {
                Field::Text => {
                    let t = format!("{} {}", c.title(), c.text());
                    return match *op {
                        "~" => values.iter().filter_map(lit).all(|q| contains(&t, &q)),
                        _ => !values.iter().filter_map(lit).any(|q| contains(&t, &q)),
                    };
                }
                Field::Title if *op == "~" || *op == "!~" => {
                    let hit = values.iter().filter_map(lit).all(|q| contains(c.title(), &q));
                    return if *op == "~" { hit } else { !hit };
                }
                Field::Created | Field::LastModified if matches!(*op, "<" | "<=" | ">" | ">=") => {
                    let t = if *field == Field::Created { c.created() } else { c.last_modified() };
                    return values.iter().any(|v| {
                        let bound = match v {
                            Value::Lit(s) => parse_date(s, ctx),
                            Value::Func(f, args) => date_function(f, args, ctx),
                        };
                        bound.is_some_and(|b| match *op {
                            "<" => t < b,
                            "<=" => t <= b,
                            ">" => t > b,
                            _ => t >= b,
                        })
                    });
                }
                Field::Created | Field::LastModified => {
                    // `=` on a date: the same day in the searcher's zone.
                    let t = if *field == Field::Created { c.created() } else { c.last_modified() };
                    let day = t.with_timezone(&ctx.time_zone).date_naive();
                    values.iter().any(|v| {
                        let b = match v {
                            Value::Lit(s) => parse_date(s, ctx),
                            Value::Func(f, args) => date_function(f, args, ctx),
                        };
                        b.is_some_and(|b| b.with_timezone(&ctx.time_zone).date_naive() == day)
                    })
                }
                Field::Id => eq_any(&|s| s == c.id().to_string()),
                Field::Type => eq_any(&|s| s.eq_ignore_ascii_case(c.content_type())),
                Field::Space => eq_any(&|s| s.eq_ignore_ascii_case(c.space_key()) || s == c.space_id().to_string()),
                Field::SpaceType => eq_any(&|s| s.eq_ignore_ascii_case(c.space_type())),
                Field::Title => eq_any(&|s| s.eq_ignore_ascii_case(c.title())),
                Field::Label => {
                    let labels = c.labels();
                    eq_any(&|s| labels.iter().any(|l| l.eq_ignore_ascii_case(s)))
                }
                Field::Creator => eq_any(&|s| s == c.creator()),
                Field::Contributor => {
                    let cs = c.contributors();
                    eq_any(&|s| s == c.creator() || cs.contains(&s))
                }
                Field::Ancestor => {
                    let a = c.ancestors();
                    eq_any(&|s| a.iter().any(|x| x.to_string() == s))
                }
                Field::Parent => eq_any(&|s| c.parent().is_some_and(|p| p.to_string() == s)),
                Field::Container => eq_any(&|s| c.container().is_some_and(|p| p.to_string() == s)),
            };
            match *op {
                "=" | "in" => positive,
                _ => !positive,
            }
        }
    }
}
