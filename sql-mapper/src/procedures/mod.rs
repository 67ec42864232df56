//! Stored procedures: one file per procedure, each declaring its parameters and result columns
//! (listed by `SQLProcedures`/`SQLProcedureColumns`) and how it runs. Callable as
//! `EXEC Name @Param = value, ...`, `EXEC Name value, ...` and `{call Name(?, ...)}` (which the
//! driver hands over as `CALL Name(...)`); each returns one result set.

mod answer_approval;
mod create_api_token;
mod download_attachment;
mod download_issue_attachment;
mod get_current_user;
mod get_issue_transitions;
mod get_oauth_access_token;
mod get_oauth_authorization_url;
mod refresh_oauth_access_token;
mod replica_status;
mod revoke_personal_access_tokens;
mod search_personal_access_tokens;
mod sync_replica;
mod transition_issue;
mod upload_attachment;
mod upload_issue_attachment;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use datafusion::arrow::datatypes::{Schema, SchemaRef};
use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::keywords::Keyword;
use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};
use serde_json::Value;

use crate::catalog::{ColumnDef, Product, SqlType};
use crate::queries::{Queries, QueryResult};
use crate::{MapperError, SqlState};

/// One input parameter.
#[derive(Debug, Clone, Copy)]
pub struct ParamDef {
    pub name: &'static str,
    pub sql_type: SqlType,
    pub required: bool,
    pub remarks: &'static str,
}

pub const fn param(name: &'static str, sql_type: SqlType, required: bool, remarks: &'static str) -> ParamDef {
    ParamDef { name, sql_type, required, remarks }
}

/// The arguments of a call, by parameter name (as declared).
pub type Args = HashMap<&'static str, Value>;
/// The rows a procedure returns, by result column name.
pub type Rows = Vec<HashMap<String, Value>>;
type Running<'a> = Pin<Box<dyn Future<Output = Result<Rows, MapperError>> + Send + 'a>>;

#[derive(Clone)]
pub struct ProcedureDef {
    pub product: Product,
    pub name: &'static str,
    pub remarks: &'static str,
    pub params: &'static [ParamDef],
    pub result: Vec<ColumnDef>,
    /// Whether it changes the site (refused on a read-only connection).
    pub writes: bool,
    pub(crate) run: for<'a> fn(&'a dyn Queries, Args) -> Running<'a>,
}

impl std::fmt::Debug for ProcedureDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.product.schema_name(), self.name)
    }
}

impl ProcedureDef {
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.product.schema_name(), self.name)
    }

    pub fn schema(&self) -> SchemaRef {
        Arc::new(Schema::new(self.result.iter().map(|c| crate::scan::column_field(self.product, self.name, c)).collect::<Vec<_>>()))
    }
}

/// Every procedure, in schema and name order.
pub fn all() -> Vec<ProcedureDef> {
    let mut v = vec![
        get_issue_transitions::def(),
        answer_approval::def(),
        transition_issue::def(),
        download_attachment::def(),
        upload_attachment::def(),
        download_issue_attachment::def(),
        upload_issue_attachment::def(),
        get_oauth_authorization_url::def(),
        get_oauth_access_token::def(),
        refresh_oauth_access_token::def(),
        get_current_user::def(),
        create_api_token::def(),
        search_personal_access_tokens::def(),
        revoke_personal_access_tokens::def(),
        sync_replica::def(),
        replica_status::def(),
    ];
    v.sort_by(|a, b| (a.product, a.name).cmp(&(b.product, b.name)));
    v
}

/// The OAuth token keeper, for the OAuth procedures: only `AuthScheme=OAuth` connections have one.
fn oauth_of(session: &dyn Queries) -> Result<&Arc<atlassian_oauth::OAuthAuthenticator>, MapperError> {
    session
        .oauth()
        .ok_or_else(|| err(SqlState::NotSupported, "The OAuth procedures need a connection with AuthScheme=OAuth (and OAuthClientId, OAuthClientSecret)"))
}

/// Makes `tokens` the connection's own and sends its requests through the gateway to the site
/// they name (the web flow's connection opened without a token).
async fn adopt(session: &dyn Queries, tokens: atlassian_oauth::TokenSet) -> Result<atlassian_oauth::TokenSet, MapperError> {
    let oauth = oauth_of(session)?;
    let t = oauth.adopt(tokens).await.map_err(crate::rest::auth_error)?;
    if let Some(cloud) = &t.cloud_id {
        let (jira, confluence) = oauth.flow().config.gateway_bases(cloud);
        session.client().set_bases(jira, confluence);
    }
    Ok(t)
}

/// The result columns of the procedures that return tokens.
fn token_result() -> Vec<ColumnDef> {
    use crate::catalog::{at, SqlType::*};
    let c = ColumnDef::new;
    vec![
        c("OAuthAccessToken", Varchar(4000), false, at("/OAuthAccessToken"), "The access token"),
        c("OAuthRefreshToken", Varchar(4000), true, at("/OAuthRefreshToken"), "The refresh token (with offline_access)"),
        c("ExpiresIn", BigInt, true, at("/ExpiresIn"), "Seconds the access token lives"),
        c("OAuthTokenTimestamp", BigInt, false, at("/OAuthTokenTimestamp"), "When it was issued (Unix seconds)"),
        c("Scope", Varchar(4000), true, at("/Scope"), "The scopes granted"),
        c("CloudId", Varchar(64), true, at("/CloudId"), "The site's cloud id"),
    ]
}

fn token_row(t: &atlassian_oauth::TokenSet) -> HashMap<String, Value> {
    use serde_json::json;
    [
        ("OAuthAccessToken".to_string(), json!(t.access_token)),
        ("OAuthRefreshToken".to_string(), json!(t.refresh_token)),
        ("ExpiresIn".to_string(), json!(t.expires_at.map(|e| e.saturating_sub(t.issued_at)))),
        ("OAuthTokenTimestamp".to_string(), json!(t.issued_at)),
        ("Scope".to_string(), json!(t.scope)),
        ("CloudId".to_string(), json!(t.cloud_id)),
    ]
    .into_iter()
    .collect()
}

fn err(state: SqlState, msg: impl Into<String>) -> MapperError {
    MapperError::new(state, msg)
}

/// A parsed call: `[schema.]name` and its arguments, named or by position.
#[derive(Debug, PartialEq)]
pub(crate) struct Call {
    schema: Option<String>,
    name: String,
    args: Vec<(Option<String>, Arg)>,
}

/// A call's argument: a literal, or parameter `$n` (1-based), whose value comes at execution.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    Value(Value),
    Param(usize),
}

impl Call {
    /// The arguments with the parameters' values in place.
    fn arguments(&self, params: &[Value]) -> Result<Vec<(Option<String>, Value)>, MapperError> {
        self.args
            .iter()
            .map(|(name, a)| match a {
                Arg::Value(v) => Ok((name.clone(), v.clone())),
                Arg::Param(n) => params
                    .get(n - 1)
                    .map(|v| (name.clone(), v.clone()))
                    .ok_or_else(|| err(SqlState::ParameterCount, format!("no value was given for parameter {n} of {}", self.name))),
            })
            .collect()
    }
}

/// `CALL p(...)`, `EXEC p ...` or `EXECUTE p ...`; `Ok(None)` for any other statement.
pub(crate) fn parse_call(sql: &str) -> Result<Option<Call>, MapperError> {
    let syntax = |m: String| err(SqlState::SyntaxOrAccess, m);
    let tokens = Tokenizer::new(&GenericDialect {}, sql).tokenize().map_err(|e| syntax(format!("Syntax error: {e}")))?;
    let mut t: Vec<Token> = tokens.into_iter().filter(|t| !matches!(t, Token::Whitespace(_) | Token::SemiColon)).collect();
    t.push(Token::EOF);
    let word = |tok: &Token| match tok {
        Token::Word(w) => Some(w.clone()),
        _ => None,
    };
    let Some(first) = word(&t[0]) else { return Ok(None) };
    let is_call = first.keyword == Keyword::CALL;
    if !is_call && !first.value.eq_ignore_ascii_case("exec") && !first.value.eq_ignore_ascii_case("execute") {
        return Ok(None);
    }
    let mut i = 1;
    let mut name = word(&t[i]).ok_or_else(|| syntax(format!("{} needs a procedure name", first.value.to_uppercase())))?.value;
    i += 1;
    let mut schema = None;
    if t[i] == Token::Period {
        schema = Some(name);
        name = word(&t[i + 1]).ok_or_else(|| syntax("a procedure name must follow the schema".into()))?.value;
        i += 2;
    }
    let parens = t[i] == Token::LParen;
    if parens {
        i += 1;
    } else if is_call && t[i] != Token::EOF {
        return Err(syntax(format!("CALL {name} needs its arguments in parentheses")));
    }
    let mut args = Vec::new();
    let end = |tok: &Token| if parens { *tok == Token::RParen } else { *tok == Token::EOF };
    while !end(&t[i]) {
        // `@Name = value`, `Name = value`, `Name => value`, or a value.
        let mut named = None;
        let at = t[i] == Token::AtSign;
        let j = if at { i + 1 } else { i };
        if let Some(w) = word(&t[j]) {
            if matches!(t[j + 1], Token::Eq | Token::RArrow) {
                named = Some(w.value.trim_start_matches('@').to_string());
                i = j + 2;
            } else if w.value.starts_with('@') {
                return Err(syntax(format!("expected '=' after {}", w.value)));
            }
        }
        let (v, next) = literal(&t, i)
            .ok_or_else(|| syntax(format!("argument {} of {name} must be a literal value or a parameter marker, not {}", args.len() + 1, t[i])))?;
        args.push((named, v));
        i = next;
        if t[i] == Token::Comma {
            i += 1;
        } else if !end(&t[i]) {
            return Err(syntax(format!("expected ',' between the arguments of {name}, found {}", t[i])));
        }
    }
    if parens && t.get(i + 1) != Some(&Token::EOF) {
        return Err(syntax(format!("unexpected text after the arguments of {name}")));
    }
    Ok(Some(Call { schema, name, args }))
}

fn literal(t: &[Token], i: usize) -> Option<(Arg, usize)> {
    if let Token::Placeholder(p) = &t[i] {
        return Some((Arg::Param(p.strip_prefix('$')?.parse().ok().filter(|n| *n > 0)?), i + 1));
    }
    value(t, i).map(|(v, next)| (Arg::Value(v), next))
}

fn value(t: &[Token], i: usize) -> Option<(Value, usize)> {
    let number = |n: &str, neg: bool| -> Option<Value> {
        let v = if let Ok(x) = n.parse::<i64>() {
            serde_json::json!(if neg { -x } else { x })
        } else {
            serde_json::json!(if neg { -n.parse::<f64>().ok()? } else { n.parse::<f64>().ok()? })
        };
        Some(v)
    };
    match &t[i] {
        Token::SingleQuotedString(s) | Token::NationalStringLiteral(s) => Some((Value::String(s.clone()), i + 1)),
        Token::Number(n, _) => Some((number(n, false)?, i + 1)),
        Token::Minus => match &t[i + 1] {
            Token::Number(n, _) => Some((number(n, true)?, i + 2)),
            _ => None,
        },
        Token::Word(w) if w.keyword == Keyword::NULL => Some((Value::Null, i + 1)),
        Token::Word(w) if w.keyword == Keyword::TRUE => Some((Value::Bool(true), i + 1)),
        Token::Word(w) if w.keyword == Keyword::FALSE => Some((Value::Bool(false), i + 1)),
        _ => None,
    }
}

/// The procedure a call names.
pub(crate) fn resolve<'a>(procs: &'a [ProcedureDef], schema: Option<&str>, name: &str) -> Result<&'a ProcedureDef, MapperError> {
    let found: Vec<&ProcedureDef> =
        procs.iter().filter(|p| p.name.eq_ignore_ascii_case(name) && schema.is_none_or(|s| p.product.schema_name().eq_ignore_ascii_case(s))).collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => {
            let names: Vec<String> = procs.iter().map(ProcedureDef::qualified_name).collect();
            Err(err(SqlState::SyntaxOrAccess, format!("Procedure '{name}' does not exist. The procedures are: {}", names.join(", "))))
        }
        many => Err(err(
            SqlState::SyntaxOrAccess,
            format!("Procedure name '{name}' is ambiguous: qualify it as {}", many.iter().map(|p| p.qualified_name()).collect::<Vec<_>>().join(" or ")),
        )),
    }
}

/// The arguments bound to the declared parameters.
fn bind(p: &ProcedureDef, args: Vec<(Option<String>, Value)>) -> Result<Args, MapperError> {
    let mut out = Args::new();
    for (n, (name, v)) in args.into_iter().enumerate() {
        let def = match &name {
            Some(name) => p.params.iter().find(|d| d.name.eq_ignore_ascii_case(name)).ok_or_else(|| {
                err(
                    SqlState::ParameterCount,
                    format!(
                        "{} has no parameter {name}; its parameters are {}",
                        p.qualified_name(),
                        p.params.iter().map(|d| d.name).collect::<Vec<_>>().join(", ")
                    ),
                )
            })?,
            None => p
                .params
                .get(n)
                .ok_or_else(|| err(SqlState::ParameterCount, format!("{} takes {} parameter(s), {} given", p.qualified_name(), p.params.len(), n + 1)))?,
        };
        if out.insert(def.name, v).is_some() {
            return Err(err(SqlState::ParameterCount, format!("parameter {} of {} is given twice", def.name, p.qualified_name())));
        }
    }
    for d in p.params.iter().filter(|d| d.required) {
        if out.get(d.name).is_none_or(Value::is_null) {
            return Err(err(SqlState::ParameterCount, format!("{} needs parameter {} ({})", p.qualified_name(), d.name, d.remarks)));
        }
    }
    Ok(out)
}

/// Text of an argument (`None` when absent or NULL).
pub(crate) fn text(args: &Args, name: &str) -> Option<String> {
    match args.get(name)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Runs a call of `p` with these parameter values and returns its rows.
pub(crate) async fn execute(session: &dyn Queries, p: &ProcedureDef, call: &Call, params: &[Value]) -> Result<QueryResult, MapperError> {
    let args = bind(p, call.arguments(params)?)?;
    let rows = (p.run)(session, args).await?;
    let columns: Vec<&ColumnDef> = p.result.iter().collect();
    QueryResult::from_json_rows(p.schema(), &columns, &rows, None)
}

/// The procedure a call names, of these.
pub(crate) fn called<'a>(procedures: &'a [ProcedureDef], call: &Call) -> Result<&'a ProcedureDef, MapperError> {
    resolve(procedures, call.schema.as_deref(), &call.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_every_call_form() {
        let c = parse_call("EXEC GetIssueTransitions @IssueKey = 'ENG-1'").unwrap().unwrap();
        assert_eq!(c, Call { schema: None, name: "GetIssueTransitions".into(), args: vec![(Some("IssueKey".into()), Arg::Value(json!("ENG-1")))] });
        let c = parse_call("exec Jira.TransitionIssue IssueKey = 'A-1', Transition = 'Done'").unwrap().unwrap();
        assert_eq!(c.schema.as_deref(), Some("Jira"));
        assert_eq!(c.args.len(), 2);
        let c = parse_call("CALL UploadAttachment(123, 'a.txt', NULL, -4.5, TRUE)").unwrap().unwrap();
        assert_eq!(
            c.arguments(&[]).unwrap().into_iter().map(|a| a.1).collect::<Vec<_>>(),
            vec![json!(123), json!("a.txt"), Value::Null, json!(-4.5), json!(true)]
        );
        // Parameters take their values at execution, by number.
        let c = parse_call("CALL UploadAttachment($2, 'a.txt', $1)").unwrap().unwrap();
        assert_eq!(c.arguments(&[json!("x"), json!(7)]).unwrap().into_iter().map(|a| a.1).collect::<Vec<_>>(), vec![json!(7), json!("a.txt"), json!("x")]);
        assert_eq!(c.arguments(&[json!("x")]).unwrap_err().state, SqlState::ParameterCount);
        assert_eq!(parse_call("EXECUTE P").unwrap().unwrap().args, vec![]);
        assert_eq!(parse_call("CALL P()").unwrap().unwrap().args, vec![]);
        assert!(parse_call("select 1").unwrap().is_none());
        assert!(parse_call("EXEC P @x 1").is_err());
        assert!(parse_call("CALL P(1 2)").is_err());
        assert!(parse_call("EXEC P x = (select 1)").is_err());
        assert!(parse_call("CALL P(1) junk").is_err());
    }

    #[test]
    fn binds_by_name_and_position() {
        let p = get_issue_transitions::def();
        assert_eq!(bind(&p, vec![(None, json!("ENG-1"))]).unwrap().get("IssueKey"), Some(&json!("ENG-1")));
        assert_eq!(bind(&p, vec![(Some("issuekey".into()), json!("ENG-1"))]).unwrap().get("IssueKey"), Some(&json!("ENG-1")));
        assert_eq!(bind(&p, vec![]).unwrap_err().state, SqlState::ParameterCount);
        assert_eq!(bind(&p, vec![(Some("Nope".into()), json!(1))]).unwrap_err().state, SqlState::ParameterCount);
        assert_eq!(bind(&p, vec![(None, json!(1)), (None, json!(2))]).unwrap_err().state, SqlState::ParameterCount);
    }
}
