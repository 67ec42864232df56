//! Filters → the server's query languages. A filter is pushed only where the server's semantics
//! are identical (`Exact`) or give a superset that DataFusion then narrows (`Inexact`); anything
//! else stays with DataFusion (`Unsupported`).

pub mod jql;
pub mod params;

use datafusion::logical_expr::{Expr, Operator};
use datafusion::scalar::ScalarValue;

/// How much of a filter the server can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fidelity {
    /// The server returns exactly the rows the filter keeps.
    Exact,
    /// The server returns a superset; the filter must be applied again.
    Inexact,
}

/// A translated filter: query text and how faithful it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    pub text: String,
    pub fidelity: Fidelity,
    /// Names values Jira validates (issues by key or id, projects, statuses, priorities, users,
    /// versions...): Jira refuses such a query outright when a named value does not exist (or is
    /// not visible), so the scan may have to drop it and let the engine filter instead. Such
    /// filters are never `Exact`.
    pub names_values: bool,
}

impl Pushed {
    pub fn exact(text: impl Into<String>) -> Pushed {
        Pushed { text: text.into(), fidelity: Fidelity::Exact, names_values: false }
    }
    pub fn inexact(text: impl Into<String>) -> Pushed {
        Pushed { text: text.into(), fidelity: Fidelity::Inexact, names_values: false }
    }
    fn naming_values(mut self) -> Pushed {
        self.names_values = true;
        self.fidelity = Fidelity::Inexact;
        self
    }
    /// Combines two translated filters with a JQL/CQL connective.
    pub fn join(l: Pushed, op: &str, r: Pushed) -> Pushed {
        Pushed { text: format!("({}) {op} ({})", l.text, r.text), fidelity: l.fidelity.max(r.fidelity), names_values: l.names_values || r.names_values }
    }
}

impl Pushed {
    pub(crate) fn value_naming(self, yes: bool) -> Pushed {
        if yes {
            self.naming_values()
        } else {
            self
        }
    }
}

/// The operator seen from the other side (`5 < x` is `x > 5`).
pub(crate) fn swap(op: Operator) -> Option<Operator> {
    Some(match op {
        Operator::Eq => Operator::Eq,
        Operator::NotEq => Operator::NotEq,
        Operator::Lt => Operator::Gt,
        Operator::LtEq => Operator::GtEq,
        Operator::Gt => Operator::Lt,
        Operator::GtEq => Operator::LtEq,
        _ => return None,
    })
}

/// The column a comparison side names (through casts).
pub(crate) fn column_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Column(c) => Some(c.name.clone()),
        Expr::Cast(c) => column_name(&c.expr),
        Expr::TryCast(c) => column_name(&c.expr),
        _ => None,
    }
}

/// The literal a comparison side holds (through casts); never NULL.
pub(crate) fn literal(e: &Expr) -> Option<ScalarValue> {
    match e {
        Expr::Literal(v, _) if !v.is_null() => Some(v.clone()),
        Expr::Cast(c) => literal(&c.expr),
        _ => None,
    }
}
