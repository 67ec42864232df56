//! Filters → the server's query languages. A filter is pushed only where the server's semantics
//! are identical (`Exact`) or give a superset that DataFusion then narrows (`Inexact`); anything
//! else stays with DataFusion (`Unsupported`).

pub mod jql;
pub mod params;

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
