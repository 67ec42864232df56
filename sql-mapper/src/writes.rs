//! `INSERT`, `UPDATE` and `DELETE` against Atlassian, as each table's [`Writes`] declares them.
//!
//! Values come from DataFusion (an insert's `VALUES` or `SELECT`, an update's `SET` expressions
//! evaluated per row), so every expression the engine knows works. `UPDATE` and `DELETE` select
//! the rows' keys through the normal (pushed-down) scan first, then send one request per row.
//! Nothing is retried: a request that fails stops the statement, and the error says how many rows
//! were already written and which.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::LogicalPlan;
use datafusion::sql::sqlparser::ast::{
    AssignmentTarget, Delete, Expr, FromTable, Insert, ObjectName, SelectItem, SetExpr, Statement, TableFactor, TableObject, Update,
};
use futures::TryStreamExt;
use serde_json::{json, Map, Value};

use crate::catalog::{ColumnDef, Product, Request, Shape, SqlType, TableDef, Writes};
use crate::queries::{Queries, QueryResult};
use crate::rest::Flavor;
use crate::scan::{cell_value, scalar_text};
use crate::values::url_encode;
use crate::{MapperError, SqlState};

/// Whether the statement is a write (`INSERT`, `UPDATE`, `DELETE`).
pub(crate) fn is_write(stmt: &Statement) -> bool {
    matches!(stmt, Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_))
}

/// Runs a write statement with its parameters' values (`$1` is `params[0]`), which reach the
/// rows it reads and writes as typed values.
/// `source`: an insert's rows, planned when it was prepared.
pub(crate) async fn execute(session: &dyn Queries, stmt: &Statement, source: Option<&LogicalPlan>, params: &[ScalarValue]) -> Result<QueryResult, MapperError> {
    match stmt {
        Statement::Insert(i) => insert(session, i, source, params).await,
        Statement::Update(u) => update(session, u, params).await,
        Statement::Delete(d) => delete(session, d, params).await,
        other => Err(err(SqlState::General, format!("not a write: {other}"))),
    }
}

/// The types a write gives its parameters where one stands for a column's value: an
/// `INSERT`'s `VALUES` entry, an `UPDATE`'s `SET col = ?`.
pub(crate) fn parameter_types(session: &dyn Queries, stmt: &Statement) -> Vec<Option<DataType>> {
    let mut found: Vec<(usize, DataType)> = Vec::new();
    let mut note = |t: Option<&TableDef>, col: String, e: &Expr| {
        if let (Some(t), Expr::Value(v)) = (t, e) {
            if let (datafusion::sql::sqlparser::ast::Value::Placeholder(p), Some(c)) = (&v.value, t.column(&col)) {
                if let Some(n) = p.strip_prefix('$').and_then(|n| n.parse::<usize>().ok()).filter(|n| *n > 0) {
                    found.push((n, crate::scan::arrow_type(c.sql_type)));
                }
            }
        }
    };
    match stmt {
        Statement::Insert(i) => {
            if let (TableObject::TableName(name), Some(source)) = (&i.table, &i.source) {
                if let SetExpr::Values(values) = source.body.as_ref() {
                    let t = table_of(session, name).ok();
                    for row in &values.rows {
                        for (c, e) in i.columns.iter().zip(&row.content) {
                            note(t, last_ident(c), e);
                        }
                    }
                }
            }
        }
        Statement::Update(u) => {
            let t = target_table(session, &u.table.relation).ok();
            for a in &u.assignments {
                if let AssignmentTarget::ColumnName(name) = &a.target {
                    note(t.as_ref(), last_ident(name), &a.value);
                }
            }
        }
        _ => {}
    }
    let count = found.iter().map(|(n, _)| *n).max().unwrap_or(0);
    (1..=count).map(|n| found.iter().find(|(m, _)| *m == n).map(|(_, t)| t.clone())).collect()
}

fn err(state: SqlState, msg: impl Into<String>) -> MapperError {
    MapperError::new(state, msg)
}

fn table_of<'a>(session: &'a dyn Queries, name: &ObjectName) -> Result<&'a TableDef, MapperError> {
    let parts: Vec<String> = name.0.iter().filter_map(|p| p.as_ident().map(|i| i.value.clone())).collect();
    match parts.as_slice() {
        [t] => session.catalog().resolve(None, t),
        [s, t] => session.catalog().resolve(Some(s), t),
        [_, s, t] => session.catalog().resolve(Some(s), t),
        _ => Err(err(SqlState::SyntaxOrAccess, format!("'{name}' is not a table name"))),
    }
}

fn writes_of(t: &TableDef) -> Result<&Writes, MapperError> {
    t.writes.as_ref().ok_or_else(|| err(SqlState::SyntaxOrAccess, format!("{} is read-only", t.qualified_name())))
}

fn column<'a>(t: &'a TableDef, name: &str) -> Result<&'a ColumnDef, MapperError> {
    t.column(name).ok_or_else(|| err(SqlState::ColumnNotFound, format!("Column '{name}' does not exist in {}", t.qualified_name())))
}

fn last_ident(n: &ObjectName) -> String {
    n.0.last().and_then(|p| p.as_ident()).map(|i| i.value.clone()).unwrap_or_default()
}

/// `{Column}` placeholders of a request path.
fn placeholders(path: &str) -> Vec<String> {
    path.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string())).filter(|n| !["api", "admin", "orgId"].contains(&n.as_str())).collect()
}

#[derive(Clone, Copy, PartialEq)]
enum Verb {
    Insert,
    Update,
    Delete,
}

/// What a statement sends on the site's flavor: the request, and how the body built from the
/// columns and the server's answer are reshaped for it.
struct Route {
    request: Request,
    body: fn(Value) -> Value,
    answer: fn(&Value) -> Vec<Value>,
}

use crate::catalog::{as_answered, unchanged};

fn route(t: &TableDef, w: &Writes, flavor: Flavor, verb: Verb) -> Result<Route, MapperError> {
    let pick = |i: Option<Request>, u: Option<Request>, d: Option<Request>| match verb {
        Verb::Insert => i,
        Verb::Update => u,
        Verb::Delete => d,
    };
    let refused = || {
        let what = match verb {
            Verb::Insert => format!("Rows cannot be inserted into {}", t.qualified_name()),
            Verb::Update => format!("Rows of {} cannot be updated", t.qualified_name()),
            Verb::Delete => format!("Rows of {} cannot be deleted", t.qualified_name()),
        };
        err(SqlState::SyntaxOrAccess, what)
    };
    let cloud = pick(w.insert, w.update, w.delete).ok_or_else(refused)?;
    match (flavor, w.data_center) {
        (Flavor::DataCenter, Some(dc)) => {
            let request = pick(dc.insert, dc.update, dc.delete)
                .ok_or_else(|| err(SqlState::NotSupported, format!("This write to {} is not available on Data Center sites", t.qualified_name())))?;
            Ok(Route { request, body: dc.body, answer: dc.answer })
        }
        _ => Ok(Route { request: cloud, body: unchanged, answer: as_answered }),
    }
}

/// Data Center names a new page's space by key; the columns give its id.
async fn space_key(session: &dyn Queries, id: &str, known: &mut HashMap<String, String>) -> Result<String, MapperError> {
    if let Some(k) = known.get(id) {
        return Ok(k.clone());
    }
    known.extend(crate::rest::space_directory(session.client()).await?);
    known.get(id).cloned().ok_or_else(|| err(SqlState::IntegrityConstraint, format!("Space {id} was not found")))
}

fn fill_path(t: &TableDef, flavor: Flavor, r: &Request, row: &HashMap<String, Value>) -> Result<String, MapperError> {
    // v1 paths are the same on Data Center without Cloud's `/wiki`; v2 has no counterpart there.
    let template = match (flavor, r.path.strip_prefix("/wiki")) {
        (Flavor::DataCenter, Some(rest)) if rest.starts_with("/rest/") => rest,
        (Flavor::DataCenter, Some(_)) => {
            return Err(err(SqlState::NotSupported, format!("Writing {} is not available on Data Center sites", t.qualified_name())))
        }
        _ => r.path,
    };
    let mut path = template.replace("{api}", flavor.jira_api());
    for name in placeholders(r.path) {
        let v = row.iter().find(|(k, _)| k.eq_ignore_ascii_case(&name)).map(|(_, v)| v).filter(|v| !v.is_null());
        let v = v.ok_or_else(|| err(SqlState::IntegrityConstraint, format!("{name} is required to write {}", t.qualified_name())))?;
        path = path.replace(&format!("{{{name}}}"), &url_encode(&scalar_text(v)));
    }
    Ok(path)
}

/// A value for `col` in the shape its write declares.
fn shaped(t: &TableDef, col: &ColumnDef, shape: Shape, flavor: Flavor, v: &Value) -> Result<Value, MapperError> {
    if v.is_null() {
        return Ok(match shape {
            Shape::List | Shape::RefList(_) => json!([]),
            _ => Value::Null,
        });
    }
    let text = || match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let v = match col.sql_type {
        // Jira reads timestamps as `2024-01-31T10:00:00.000+0000`.
        SqlType::Timestamp if t.product == Product::Jira => {
            let ms = crate::values::parse_timestamp_millis(&text())
                .or_else(|| chrono::NaiveDateTime::parse_from_str(&text(), "%Y-%m-%d %H:%M:%S%.f").ok().map(|d| d.and_utc().timestamp_millis()))
                .ok_or_else(|| err(SqlState::InvalidCharacterValue, format!("'{}' is not a timestamp for {}", text(), col.name)))?;
            json!(chrono::DateTime::from_timestamp_millis(ms).expect("valid millis").format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string())
        }
        SqlType::Date => {
            let s = text();
            chrono::NaiveDate::parse_from_str(s.get(..10).unwrap_or(&s), "%Y-%m-%d")
                .map_err(|_| err(SqlState::InvalidCharacterValue, format!("'{s}' is not a date (YYYY-MM-DD) for {}", col.name)))?;
            json!(s[..10])
        }
        SqlType::Bit => match v {
            Value::Bool(_) => v.clone(),
            Value::Number(n) => json!(n.as_f64() != Some(0.0)),
            _ => json!(matches!(text().to_ascii_lowercase().as_str(), "true" | "1" | "yes")),
        },
        SqlType::Double | SqlType::BigInt | SqlType::Integer if v.is_string() && shape == Shape::Plain => {
            let n: f64 = text().trim().parse().map_err(|_| err(SqlState::InvalidCharacterValue, format!("'{}' is not a number for {}", text(), col.name)))?;
            if col.sql_type == SqlType::Double {
                json!(n)
            } else {
                json!(n as i64)
            }
        }
        _ => v.clone(),
    };
    let items = || text().split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect::<Vec<_>>();
    Ok(match shape {
        Shape::Plain => v,
        Shape::Text => json!(text()),
        Shape::Adf if t.product == Product::Jira && flavor == Flavor::Cloud => crate::adf::from_plain_text(&text()),
        Shape::Adf => json!(text()),
        Shape::Ref(k) => json!({ k: v }),
        Shape::List => json!(items()),
        Shape::RefList(k) => Value::Array(items().into_iter().map(|i| json!({ k: i })).collect()),
    })
}

/// Puts `v` at `pointer` of `target`, making the objects on the way; "" makes `v` the whole
/// body (Jira's watcher POST takes the user as a bare JSON string).
fn set_pointer(target: &mut Value, pointer: &str, v: Value) {
    if pointer.is_empty() {
        *target = v;
        return;
    }
    let mut cur = target;
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    for (i, p) in parts.iter().enumerate() {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let obj = cur.as_object_mut().expect("an object");
        if i + 1 == parts.len() {
            obj.insert(p.to_string(), v);
            return;
        }
        cur = obj.entry(p.to_string()).or_insert_with(|| Value::Object(Map::new()));
    }
}

fn fixed_body(w: &Writes) -> Value {
    let mut body = json!({});
    for (p, v) in w.fixed {
        set_pointer(&mut body, p, serde_json::from_str(v).expect("fixed values are JSON"));
    }
    body
}

/// Drops the objects that hold nothing but fixed qualifiers (`body.representation` of a page
/// given no body): Atlassian refuses a `body` without its `value`.
fn without_bare_qualifiers(w: &Writes, mut body: Value) -> Value {
    for (p, _) in w.fixed {
        let Some((parent, _)) = p.rsplit_once('/') else { continue };
        if parent.is_empty() {
            continue;
        }
        let fixed_here: Vec<&str> = w.fixed.iter().filter_map(|(q, _)| q.strip_prefix(parent)?.strip_prefix('/')).collect();
        let bare = body.pointer(parent).and_then(Value::as_object).is_some_and(|o| o.iter().all(|(k, v)| v.is_null() || fixed_here.contains(&k.as_str())));
        if bare {
            let (grand, key) = parent.rsplit_once('/').expect("a parent pointer starts with /");
            let holder = if grand.is_empty() { Some(&mut body) } else { body.pointer_mut(grand) };
            if let Some(Value::Object(o)) = holder {
                o.remove(key);
            }
        }
    }
    body
}

/// Rows of a query as column-name → JSON maps.
async fn rows_of(session: &dyn Queries, sql: &str, params: &[ScalarValue]) -> Result<Vec<HashMap<String, Value>>, MapperError> {
    let result = session.query_with(sql, params).await?;
    let batches: Vec<RecordBatch> = result.stream.try_collect().await.map_err(crate::error::df_error)?;
    let mut out = Vec::new();
    for b in batches {
        for r in 0..b.num_rows() {
            out.push(b.schema().fields().iter().enumerate().map(|(i, f)| (f.name().clone(), cell_value(b.column(i).as_ref(), r))).collect());
        }
    }
    Ok(out)
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The error of row `n`, saying what was already written.
fn partial(e: MapperError, verb: &str, done: &[String]) -> MapperError {
    if done.is_empty() {
        return e;
    }
    let shown: Vec<&str> = done.iter().take(20).map(String::as_str).collect();
    let more = if done.len() > 20 { format!(" and {} more", done.len() - 20) } else { String::new() };
    MapperError::new(e.state, format!("{} ({} row(s) were {verb} before this failure and stay so: {}{more})", e.message, done.len(), shown.join(", ")))
}

/// How a row is named in messages: its `Key` where it has one (ENG-12), else its key columns.
fn key_text(t: &TableDef, row: &HashMap<String, Value>) -> String {
    match row.get("Key") {
        Some(Value::String(k)) => k.clone(),
        _ => key_columns_text(t, row),
    }
}

/// The row's key columns' values, joined with `/`.
fn key_columns_text(t: &TableDef, row: &HashMap<String, Value>) -> String {
    t.key
        .iter()
        .map(|k| match row.iter().find(|(c, _)| c.eq_ignore_ascii_case(k)).map(|(_, v)| v) {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => String::new(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn insert(session: &dyn Queries, i: &Insert, source: Option<&LogicalPlan>, params: &[ScalarValue]) -> Result<QueryResult, MapperError> {
    let TableObject::TableName(name) = &i.table else { return Err(err(SqlState::SyntaxOrAccess, "INSERT needs a table name")) };
    let t = table_of(session, name)?;
    let w = writes_of(t)?;
    let flavor = session.client().flavor();
    let route = route(t, w, flavor, Verb::Insert)?;
    let request = route.request;
    if i.columns.is_empty() {
        return Err(err(SqlState::SyntaxOrAccess, format!("INSERT INTO {} needs its column list, e.g. ({})", t.qualified_name(), w.required.join(", "))));
    }
    let path_cols = placeholders(request.path);
    let mut cols: Vec<&ColumnDef> = Vec::new();
    for c in &i.columns {
        let col = column(t, &last_ident(c))?;
        if col.write.is_none() && !path_cols.iter().any(|p| p.eq_ignore_ascii_case(&col.name)) {
            return Err(err(SqlState::SyntaxOrAccess, format!("Column {} of {} cannot be set", col.name, t.qualified_name())));
        }
        cols.push(col);
    }
    for r in w.required {
        if !cols.iter().any(|c| c.name.eq_ignore_ascii_case(r)) {
            return Err(err(SqlState::IntegrityConstraint, format!("Column {r} is required to insert into {}", t.qualified_name())));
        }
    }
    let source = source.ok_or_else(|| err(SqlState::SyntaxOrAccess, "INSERT needs VALUES or a SELECT"))?;
    let result = session.query_plan(source, params).await?;
    if result.schema.fields().len() != cols.len() {
        return Err(err(
            SqlState::ValueListMismatch,
            format!("Insert value list does not match column list: {} columns, {} values", cols.len(), result.schema.fields().len()),
        ));
    }
    let batches: Vec<RecordBatch> = result.stream.try_collect().await.map_err(crate::error::df_error)?;
    let returning = returning_columns(t, &i.returning)?;
    let mut returned: Vec<HashMap<String, Value>> = Vec::new();
    let mut done: Vec<String> = Vec::new();
    let mut spaces = HashMap::new();
    for b in &batches {
        for r in 0..b.num_rows() {
            let mut row: HashMap<String, Value> = HashMap::new();
            let mut body = fixed_body(w);
            for (ci, col) in cols.iter().enumerate() {
                let v = cell_value(b.column(ci).as_ref(), r);
                if let Some((p, shape)) = &col.write {
                    if !v.is_null() {
                        set_pointer(&mut body, p, shaped(t, col, *shape, flavor, &v)?);
                    }
                }
                row.insert(col.name.clone(), v);
            }
            let path = fill_path(t, flavor, &request, &row).map_err(|e| partial(e, "inserted", &done))?;
            let mut body = (route.body)(without_bare_qualifiers(w, body));
            if let Some(id) = body.pointer("/space/id").map(scalar_text) {
                let key = space_key(session, &id, &mut spaces).await.map_err(|e| partial(e, "inserted", &done))?;
                body["space"] = json!({ "key": key });
            }
            let body = if w.array_body { json!([body]) } else { body };
            let answer = session.client().send_json(request.http_method(), t.product, &path, Some(&body)).await.map_err(|e| partial(e, "inserted", &done))?;
            let answer = (route.answer)(&answer).into_iter().next().unwrap_or(Value::Null);
            for (c, p) in w.returns {
                let v = if p.is_empty() { row.get(*c).cloned().unwrap_or(Value::Null) } else { answer.pointer(p).cloned().unwrap_or(Value::Null) };
                row.insert(c.to_string(), v);
            }
            done.push(key_text(t, &row));
            returned.push(row);
        }
    }
    tracing::info!(target: "atlassian_odbc::writes", table = %t.qualified_name(), rows = done.len(), "inserted");
    written(done.len() as u64, returning, &returned)
}

fn returning_columns<'a>(t: &'a TableDef, items: &Option<Vec<SelectItem>>) -> Result<Vec<&'a ColumnDef>, MapperError> {
    let Some(items) = items else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for item in items {
        match item {
            SelectItem::Wildcard(_) => out.extend(t.columns.iter().filter(|c| c.write.is_some() || t.key.contains(&c.name.as_str()))),
            SelectItem::UnnamedExpr(Expr::Identifier(id)) => out.push(column(t, &id.value)?),
            SelectItem::UnnamedExpr(Expr::CompoundIdentifier(ids)) => out.push(column(t, &ids.last().map(|i| i.value.clone()).unwrap_or_default())?),
            other => return Err(err(SqlState::SyntaxOrAccess, format!("RETURNING takes column names, not '{other}'"))),
        }
    }
    Ok(out)
}

/// The result of a write: the count, and the `RETURNING` rows if asked.
fn written(count: u64, returning: Vec<&ColumnDef>, rows: &[HashMap<String, Value>]) -> Result<QueryResult, MapperError> {
    let fields: Vec<Field> = returning.iter().map(|c| Field::new(c.name.as_str(), crate::scan::arrow_type(c.sql_type), true)).collect();
    QueryResult::from_json_rows(Arc::new(Schema::new(fields)), &returning, rows, Some(count))
}

fn target_table(session: &dyn Queries, factor: &TableFactor) -> Result<TableDef, MapperError> {
    match factor {
        TableFactor::Table { name, .. } => table_of(session, name).cloned(),
        other => Err(err(SqlState::SyntaxOrAccess, format!("'{other}' is not a table that can be written"))),
    }
}

/// The existing rows an `UPDATE`/`DELETE` touches: `columns` plus `extra` expressions, through
/// the normal scan (so the `WHERE` is pushed down as in a query).
async fn select_rows(
    session: &dyn Queries,
    t: &TableDef,
    columns: &[String],
    extra: &[(String, &Expr)],
    selection: &Option<Expr>,
    params: &[ScalarValue],
) -> Result<Vec<HashMap<String, Value>>, MapperError> {
    let mut items: Vec<String> = columns.iter().map(|c| quoted(c)).collect();
    items.extend(extra.iter().map(|(alias, e)| format!("({e}) AS {}", quoted(alias))));
    let mut sql = format!("SELECT {} FROM {}.{}", items.join(", "), quoted(t.product.schema_name()), quoted(t.name));
    if let Some(w) = selection {
        sql.push_str(&format!(" WHERE {w}"));
    }
    // The expressions' parameters stay placeholders in this text; their values are bound.
    rows_of(session, &sql, params).await
}

fn needed_columns(t: &TableDef, r: &Request, more: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut cols: Vec<String> = t.key.iter().map(|k| k.to_string()).collect();
    for c in placeholders(r.path).into_iter().chain(more) {
        let name = t.column(&c).map(|d| d.name.clone()).unwrap_or(c);
        if !cols.iter().any(|x| x.eq_ignore_ascii_case(&name)) {
            cols.push(name);
        }
    }
    cols
}

async fn update(session: &dyn Queries, u: &Update, params: &[ScalarValue]) -> Result<QueryResult, MapperError> {
    if !u.table.joins.is_empty() || u.from.is_some() {
        return Err(err(SqlState::SyntaxOrAccess, "UPDATE of one table only: use a subquery in WHERE to involve others"));
    }
    let t = target_table(session, &u.table.relation)?;
    let w = writes_of(&t)?;
    let flavor = session.client().flavor();
    let route = route(&t, w, flavor, Verb::Update)?;
    let request = route.request;
    let mut sets: Vec<(&ColumnDef, String, &Expr)> = Vec::new();
    let mut status: Option<String> = None;
    for (n, a) in u.assignments.iter().enumerate() {
        let AssignmentTarget::ColumnName(name) = &a.target else {
            return Err(err(SqlState::SyntaxOrAccess, "SET (a, b) = ... is not supported: set each column"));
        };
        let col = column(&t, &last_ident(name))?;
        if w.status_by_transition && col.name == "Status" {
            status = Some(format!("__set{n}"));
        } else if col.write.is_none() {
            return Err(err(SqlState::SyntaxOrAccess, format!("Column {} of {} cannot be set", col.name, t.qualified_name())));
        } else if w.insert_only.iter().any(|c| c.eq_ignore_ascii_case(&col.name)) {
            return Err(err(
                SqlState::SyntaxOrAccess,
                format!("Column {} of {} is set when a row is created and cannot be changed", col.name, t.qualified_name()),
            ));
        }
        sets.push((col, format!("__set{n}"), &a.value));
    }
    let replaces = w.whole || w.versioned.is_some();
    let current: Vec<String> = if replaces {
        t.columns
            .iter()
            .filter(|c| c.write.is_some() && !w.insert_only.contains(&c.name.as_str()))
            .map(|c| c.name.clone())
            .chain(w.versioned.map(|(version, _)| version.to_string()))
            .collect()
    } else {
        Vec::new()
    };
    let cols = needed_columns(&t, &request, current);
    let extra: Vec<(String, &Expr)> = sets.iter().map(|(_, alias, e)| (alias.clone(), *e)).collect();
    let rows = select_rows(session, &t, &cols, &extra, &u.selection, params).await?;
    let mut done = Vec::new();
    for row in &rows {
        let mut body = fixed_body(w);
        let mut fields = 0;
        if replaces {
            for c in t.columns.iter().filter(|c| c.write.is_some() && !w.insert_only.contains(&c.name.as_str())) {
                let (p, shape) = c.write.as_ref().expect("filtered");
                let v = row.get(&c.name).unwrap_or(&Value::Null);
                // Without a version, what the object lacks stays out of the body.
                if w.versioned.is_some() || !v.is_null() {
                    set_pointer(&mut body, p, shaped(&t, c, *shape, flavor, v)?);
                }
            }
        }
        if let Some((version, pointer)) = w.versioned {
            let n = row.get(version).and_then(Value::as_i64).unwrap_or(0);
            set_pointer(&mut body, pointer, json!(n + 1));
            set_pointer(&mut body, "/id", json!(key_columns_text(&t, row)));
        }
        for (col, alias, _) in &sets {
            if Some(alias) == status.as_ref() {
                continue;
            }
            let (p, shape) = col.write.as_ref().expect("checked writable");
            set_pointer(&mut body, p, shaped(&t, col, *shape, flavor, row.get(alias).unwrap_or(&Value::Null))?);
            fields += 1;
        }
        let result = async {
            if fields > 0 {
                let path = fill_path(&t, flavor, &request, row)?;
                session.client().send_json(request.http_method(), t.product, &path, Some(&(route.body)(without_bare_qualifiers(w, body)))).await?;
            }
            if let Some(alias) = &status {
                transition(session, &t, row, row.get(alias).unwrap_or(&Value::Null)).await?;
            }
            Ok::<(), MapperError>(())
        };
        result.await.map_err(|e| partial(e, "updated", &done))?;
        done.push(key_text(&t, row));
    }
    tracing::info!(target: "atlassian_odbc::writes", table = %t.qualified_name(), rows = done.len(), "updated");
    written(done.len() as u64, Vec::new(), &[])
}

/// Moves an issue to a status through the workflow: the transition that leads there (by target
/// status name, or by transition name).
async fn transition(session: &dyn Queries, t: &TableDef, row: &HashMap<String, Value>, target: &Value) -> Result<(), MapperError> {
    let key = row.get("Key").and_then(Value::as_str).ok_or_else(|| err(SqlState::General, "the issue's key was not read"))?;
    let target = target.as_str().ok_or_else(|| err(SqlState::IntegrityConstraint, "Status must be set to a status name"))?;
    let api = session.client().flavor().jira_api();
    let path = format!("/rest/api/{api}/issue/{}/transitions", url_encode(key));
    let list = session.client().get_json(t.product, &path).await?;
    let transitions = list.get("transitions").and_then(Value::as_array).cloned().unwrap_or_default();
    let Some(tr) = crate::workflow::choose(&transitions, crate::workflow::Wanted::Status(target)) else {
        if row.get("Status").and_then(Value::as_str).is_some_and(|s| s.eq_ignore_ascii_case(target)) {
            return Ok(());
        }
        return Err(err(
            SqlState::General,
            format!("Issue {key} has no transition to status '{target}'; its workflow offers: {}", crate::workflow::offered(&transitions)),
        ));
    };
    let id = tr.get("id").cloned().unwrap_or(Value::Null);
    session.client().send_json(reqwest::Method::POST, t.product, &path, Some(&json!({"transition": {"id": id}}))).await?;
    Ok(())
}

async fn delete(session: &dyn Queries, d: &Delete, params: &[ScalarValue]) -> Result<QueryResult, MapperError> {
    let from = match &d.from {
        FromTable::WithFromKeyword(f) | FromTable::WithoutKeyword(f) => f,
    };
    let [only] = from.as_slice() else { return Err(err(SqlState::SyntaxOrAccess, "DELETE from one table at a time")) };
    if !only.joins.is_empty() || d.using.is_some() {
        return Err(err(SqlState::SyntaxOrAccess, "DELETE of one table only: use a subquery in WHERE to involve others"));
    }
    let t = target_table(session, &only.relation)?;
    let w = writes_of(&t)?;
    if matches!(t.source, crate::catalog::Source::HtmlPage(_)) {
        return revoke_access_tokens(session, &t, &d.selection, params).await;
    }
    let flavor = session.client().flavor();
    let routed = route(&t, w, flavor, Verb::Delete)?.request;
    let (by, choices) = w.delete_by.unwrap_or(("", &[]));
    let more = choices.iter().flat_map(|(_, r)| placeholders(r.path)).chain((!by.is_empty()).then(|| by.to_string()));
    let cols = needed_columns(&t, &routed, more);
    let rows = select_rows(session, &t, &cols, &[], &d.selection, params).await?;
    let mut done = Vec::new();
    for row in &rows {
        let kind = row.iter().find(|(k, _)| k.eq_ignore_ascii_case(by)).map(|(_, v)| scalar_text(v)).unwrap_or_default();
        let request = choices.iter().find(|(value, _)| *value == kind).map(|(_, r)| *r).unwrap_or(routed);
        let path = fill_path(&t, flavor, &request, row).map_err(|e| partial(e, "deleted", &done))?;
        // A delete sent as a POST (removeAndSwap) carries an empty object: nothing to swap in.
        let body = (request.method != "DELETE").then(|| json!({}));
        session.client().send_json(request.http_method(), t.product, &path, body.as_ref()).await.map_err(|e| partial(e, "deleted", &done))?;
        done.push(key_text(&t, row));
    }
    tracing::info!(target: "atlassian_odbc::writes", table = %t.qualified_name(), rows = done.len(), "deleted");
    written(done.len() as u64, Vec::new(), &[])
}

/// `DELETE` on a table of OAuth access tokens: each row revoked through the token page's form
/// (Data Center), or the grant held forgotten (Cloud), with what the user should know.
async fn revoke_access_tokens(session: &dyn Queries, t: &TableDef, selection: &Option<Expr>, params: &[ScalarValue]) -> Result<QueryResult, MapperError> {
    let rows = select_rows(session, t, &["Id".to_string()], &[], selection, params).await?;
    let mut done = Vec::new();
    let mut notices = Vec::new();
    for row in &rows {
        let id = row.get("Id").map(scalar_text).unwrap_or_default();
        let notice = crate::scan::token_page::revoke(session.client(), t.product, &id).await.map_err(|e| partial(e, "revoked", &done))?;
        notices.extend(notice);
        done.push(id);
    }
    tracing::info!(target: "atlassian_odbc::writes", table = %t.qualified_name(), rows = done.len(), "revoked");
    let mut result = written(done.len() as u64, Vec::new(), &[])?;
    result.notices = notices;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> TableDef {
        let c = crate::catalog::Catalog::standard();
        c.tables().iter().find(|t| t.qualified_name() == name).expect("a table").clone()
    }

    #[test]
    fn paths_take_the_rows_values_and_the_flavors_prefix() {
        let issues = table("Jira.Issues");
        let w = issues.writes.unwrap();
        let row = HashMap::from([("Key".to_string(), json!("ENG 1/2"))]);
        assert_eq!(fill_path(&issues, Flavor::Cloud, &w.update.unwrap(), &row).unwrap(), "/rest/api/3/issue/ENG%201%2F2");
        assert_eq!(fill_path(&issues, Flavor::DataCenter, &w.update.unwrap(), &row).unwrap(), "/rest/api/2/issue/ENG%201%2F2");
        let missing = fill_path(&issues, Flavor::Cloud, &w.update.unwrap(), &HashMap::new()).unwrap_err();
        assert_eq!(missing.state, SqlState::IntegrityConstraint);
        // v2 Confluence paths have no Data Center counterpart.
        let pages = table("Confluence.Pages");
        let err = fill_path(&pages, Flavor::DataCenter, &pages.writes.unwrap().update.unwrap(), &HashMap::from([("Id".to_string(), json!(1))])).unwrap_err();
        assert_eq!(err.state, SqlState::NotSupported);
    }

    #[test]
    fn values_take_the_shape_their_column_declares() {
        let issues = table("Jira.Issues");
        let col = |n: &str| issues.column(n).unwrap().clone();
        let labels = shaped(&issues, &col("Labels"), Shape::List, Flavor::Cloud, &json!("a, b,,c")).unwrap();
        assert_eq!(labels, json!(["a", "b", "c"]));
        let comps = shaped(&issues, &col("Components"), Shape::RefList("name"), Flavor::Cloud, &Value::Null).unwrap();
        assert_eq!(comps, json!([]));
        assert_eq!(shaped(&issues, &col("Priority"), Shape::Ref("name"), Flavor::Cloud, &json!("High")).unwrap(), json!({"name": "High"}));
        assert_eq!(shaped(&issues, &col("DueDate"), Shape::Plain, Flavor::Cloud, &json!("2024-05-06 00:00:00")).unwrap(), json!("2024-05-06"));
        assert_eq!(shaped(&issues, &col("DueDate"), Shape::Plain, Flavor::Cloud, &json!("May 6")).unwrap_err().state, SqlState::InvalidCharacterValue);
        // Descriptions are ADF on Cloud, text on Data Center.
        let adf = shaped(&issues, &col("Description"), Shape::Adf, Flavor::Cloud, &json!("hello")).unwrap();
        assert_eq!(adf["type"], "doc");
        assert_eq!(shaped(&issues, &col("Description"), Shape::Adf, Flavor::DataCenter, &json!("hello")).unwrap(), json!("hello"));
    }

    #[test]
    fn a_body_keeps_no_object_of_fixed_qualifiers_alone() {
        let pages = table("Confluence.Pages");
        let w = pages.writes.unwrap();
        let mut body = fixed_body(&w);
        assert_eq!(body, json!({"status": "current", "body": {"representation": "storage"}}));
        assert_eq!(without_bare_qualifiers(&w, body.clone()), json!({"status": "current"}));
        set_pointer(&mut body, "/body/value", json!("<p>x</p>"));
        assert_eq!(without_bare_qualifiers(&w, body.clone()), body);
    }

    #[test]
    fn each_verb_takes_its_flavors_request() {
        let pages = table("Confluence.Pages");
        let w = pages.writes.unwrap();
        assert_eq!(route(&pages, &w, Flavor::Cloud, Verb::Insert).map(|r| r.request.path).ok(), Some("/wiki/api/v2/pages"));
        assert_eq!(route(&pages, &w, Flavor::DataCenter, Verb::Insert).map(|r| r.request.path).ok(), Some("/rest/api/content"));
        let spaces = table("Confluence.Spaces");
        assert_eq!(writes_of(&spaces).unwrap_err().state, SqlState::SyntaxOrAccess);
        assert_eq!(placeholders("/rest/api/{api}/issue/{Key}/comment/{Id}"), ["Key", "Id"]);
    }
}
