//! Jira's workflow transitions: which transition a request means, for `UPDATE Jira.Issues SET
//! Status = ...` and `EXEC TransitionIssue` alike, decided here once. A status update names the
//! status to reach, so a transition leading there wins over one that happens to share the name;
//! the procedure names a transition (by id or name), so that wins, and a target status is the
//! fallback. Names match ignoring case; the first transition Jira lists wins a tie.

use serde_json::Value;

/// What a request names.
#[derive(Debug, Clone, Copy)]
pub enum Wanted<'a> {
    /// The status to reach (`SET Status = 'Done'`).
    Status(&'a str),
    /// A transition's id or name (`TransitionIssue(Key, 'Close issue')`), else its target status.
    Transition(&'a str),
}

fn text(t: &Value, pointer: &str) -> String {
    t.pointer(pointer).map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())).unwrap_or_default()
}

/// The transition of `transitions` (Jira's `transitions` array) the request means.
pub fn choose<'t>(transitions: &'t [Value], wanted: Wanted<'_>) -> Option<&'t Value> {
    let (name, order): (&str, &[&str]) = match wanted {
        Wanted::Status(s) => (s, &["/to/name", "/name"]),
        Wanted::Transition(t) => (t, &["/id", "/name", "/to/name"]),
    };
    order.iter().find_map(|p| transitions.iter().find(|t| text(t, p).eq_ignore_ascii_case(name.trim())))
}

/// What the workflow offers, for the error that says none matched.
pub fn offered(transitions: &[Value]) -> String {
    transitions.iter().map(|t| format!("{} '{}' (to {})", text(t, "/id"), text(t, "/name"), text(t, "/to/name"))).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A workflow where a transition's name is another transition's target status.
    fn crossed() -> Vec<Value> {
        vec![
            json!({"id": "11", "name": "Done", "to": {"name": "Closed"}}),
            json!({"id": "21", "name": "Finish", "to": {"name": "Done"}}),
            json!({"id": "31", "name": "Reopen", "to": {"name": "To Do"}}),
        ]
    }

    #[test]
    fn a_status_update_reaches_the_status_and_the_procedure_takes_the_transition() {
        let list = crossed();
        assert_eq!(choose(&list, Wanted::Status("done")).unwrap()["id"], "21", "SET Status = 'Done' reaches Done");
        assert_eq!(choose(&list, Wanted::Transition("Done")).unwrap()["id"], "11", "the transition named Done");
        assert_eq!(choose(&list, Wanted::Transition("31")).unwrap()["name"], "Reopen", "by id");
        assert_eq!(choose(&list, Wanted::Transition("to do")).unwrap()["id"], "31", "a target status as the fallback");
        assert_eq!(choose(&list, Wanted::Status("Reopen")).unwrap()["id"], "31", "a transition's name as the fallback");
        assert!(choose(&list, Wanted::Status("In Review")).is_none());
        assert!(offered(&list).contains("21 'Finish' (to Done)"));
    }
}
