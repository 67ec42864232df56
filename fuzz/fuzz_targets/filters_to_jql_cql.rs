//! Generated filter expressions (comparisons, IN lists, BETWEEN, LIKE, IS NULL under AND, OR
//! and NOT, with text, numbers, timestamps and dates of any value) translated to JQL for
//! `Jira.Issues`, CQL for `Confluence.Pages` and REST parameters for `Jira.ApiTokens`: never a
//! panic, and whatever is pushed is a query the sandbox's own JQL and CQL parsers accept.
#![no_main]
use arbitrary::Arbitrary;
use datafusion::logical_expr::expr::Like;
use datafusion::logical_expr::{Between, BinaryExpr, Expr, Operator};
use datafusion::prelude::col;
use datafusion::scalar::ScalarValue;
use libfuzzer_sys::fuzz_target;
use sql_mapper::pushdown::jql::JqlBuilder;
use sql_mapper::pushdown::params::ParamBuilder;
use sql_mapper::{Catalog, Product};

#[derive(Arbitrary, Debug)]
enum Filter {
    Cmp(u8, u8, Lit),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    In(u8, Vec<Lit>, bool),
    IsNull(u8, bool),
    Between(u8, Lit, Lit),
    Like(u8, String, bool),
}

#[derive(Arbitrary, Debug)]
enum Lit {
    Text(String),
    Int(i64),
    Float(f64),
    Millis(i64),
    Day(i32),
    Bool(bool),
}

const OPS: [Operator; 6] = [Operator::Eq, Operator::NotEq, Operator::Lt, Operator::LtEq, Operator::Gt, Operator::GtEq];

fn lit(l: &Lit) -> Expr {
    let v = match l {
        Lit::Text(s) => ScalarValue::Utf8(Some(s.clone())),
        Lit::Int(i) => ScalarValue::Int64(Some(*i)),
        Lit::Float(f) => ScalarValue::Float64(Some(*f)),
        Lit::Millis(ms) => ScalarValue::TimestampMillisecond(Some(*ms), Some("UTC".into())),
        Lit::Day(d) => ScalarValue::Date32(Some(*d)),
        Lit::Bool(b) => ScalarValue::Boolean(Some(*b)),
    };
    Expr::Literal(v, None)
}

fn expr(f: &Filter, columns: &[String], depth: usize) -> Expr {
    let c = |i: &u8| col(columns[*i as usize % columns.len()].as_str());
    if depth > 6 {
        return c(&0).is_null();
    }
    match f {
        Filter::Cmp(i, op, l) => Expr::BinaryExpr(BinaryExpr::new(Box::new(c(i)), OPS[*op as usize % OPS.len()], Box::new(lit(l)))),
        Filter::And(a, b) => expr(a, columns, depth + 1).and(expr(b, columns, depth + 1)),
        Filter::Or(a, b) => expr(a, columns, depth + 1).or(expr(b, columns, depth + 1)),
        Filter::Not(a) => Expr::Not(Box::new(expr(a, columns, depth + 1))),
        Filter::In(i, items, negated) => c(i).in_list(items.iter().take(8).map(lit).collect(), *negated),
        Filter::IsNull(i, yes) => if *yes { c(i).is_null() } else { c(i).is_not_null() },
        Filter::Between(i, lo, hi) => Expr::Between(Between::new(Box::new(c(i)), false, Box::new(lit(lo)), Box::new(lit(hi)))),
        Filter::Like(i, pattern, ci) => Expr::Like(Like::new(false, Box::new(c(i)), Box::new(lit(&Lit::Text(pattern.clone()))), None, *ci)),
    }
}

/// The table's columns, without the pseudo-column that passes the user's own query through.
fn columns(product: Product, name: &str) -> (sql_mapper::catalog::TableDef, Vec<String>) {
    let t = Catalog::standard().table(product, name).expect("table").clone();
    let cols = t.columns.iter().map(|c| c.name.clone()).filter(|n| n != "JQL" && n != "CQL").collect();
    (t, cols)
}

fuzz_target!(|f: Filter| {
    let (issues, issue_cols) = columns(Product::Jira, "Issues");
    if let Some(p) = JqlBuilder::new(&issues).translate(&expr(&f, &issue_cols, 0)) {
        let jql = format!("({})", p.text);
        if let Err(e) = atlassian_sandbox::jql::parse(&jql) {
            panic!("pushed JQL does not parse: {jql:?}: {e:?}");
        }
    }
    let (pages, page_cols) = columns(Product::Confluence, "Pages");
    if let Some(p) = JqlBuilder::cql(&pages).translate(&expr(&f, &page_cols, 0)) {
        let cql = format!("type=page AND ({})", p.text);
        if let Err(e) = atlassian_sandbox::cql::parse(&cql) {
            panic!("pushed CQL does not parse: {cql:?}: {e:?}");
        }
    }
    let (tokens, token_cols) = columns(Product::Jira, "ApiTokens");
    let all = |_: &str| true;
    let _ = ParamBuilder::new(&tokens, &all).translate(&expr(&f, &token_cols, 0));
});
