//! Validation of a parsed query against the site, with Jira's messages. Every clause is checked
//! in order and all messages are returned (duplicates removed), as Jira's MessageSet does. Per
//! clause: field exists → operator/operand shape → operator supported by the field → EMPTY
//! allowed → functions → values.

use super::ast::{Clause, Literal, Operand, Operator, Query, Terminal};
use super::dates::{self, parse_date_literal};
use super::fields::{self, resolve, Field, ValueKind};
use super::text::{parse_text_query, TextError};
use super::{JqlContext, JqlError, MAX_ORDER_BY_FIELDS};

pub(crate) fn validate(query: &Query, ctx: &JqlContext) -> Result<(), JqlError> {
    let mut messages: Vec<String> = Vec::new();
    if let Some(clause) = &query.where_clause {
        visit(clause, ctx, &mut messages);
    }
    for sort in &query.order_by {
        let name = sort.field.display();
        match resolve(&sort.field, ctx) {
            None | Some(Field::Text) | Some(Field::Comment) => messages.push(format!("Not able to sort using field '{}'.", name)),
            Some(Field::Description) | Some(Field::Environment) => messages.push(format!("Field '{}' does not support sorting.", name)),
            Some(_) => {}
        }
    }
    if query.order_by.len() > MAX_ORDER_BY_FIELDS {
        messages.push(format!("The ORDER BY clause can contain a maximum of {} fields.", MAX_ORDER_BY_FIELDS));
    }
    let mut unique: Vec<String> = Vec::new();
    for m in messages {
        if !unique.contains(&m) {
            unique.push(m);
        }
    }
    if unique.is_empty() {
        Ok(())
    } else {
        Err(JqlError { messages: unique })
    }
}

fn visit(clause: &Clause, ctx: &JqlContext, out: &mut Vec<String>) {
    match clause {
        Clause::And(parts) | Clause::Or(parts) => parts.iter().for_each(|p| visit(p, ctx, out)),
        Clause::Not(inner) => visit(inner, ctx, out),
        Clause::Terminal(t) => terminal(t, ctx, out),
    }
}

fn is_list_operand(op: &Operand) -> bool {
    match op {
        Operand::List(_) => true,
        Operand::Function { name, .. } => fields::is_list_function(&name.to_lowercase()),
        _ => false,
    }
}

fn contains_empty(op: &Operand) -> bool {
    match op {
        Operand::Empty => true,
        Operand::List(items) => items.iter().any(contains_empty),
        _ => false,
    }
}

/// Flattens nested lists into their values and functions.
fn leaves<'a>(op: &'a Operand, out: &mut Vec<&'a Operand>) {
    match op {
        Operand::List(items) => items.iter().for_each(|i| leaves(i, out)),
        other => out.push(other),
    }
}

/// Jira's check that the operand fits the operator (OperatorUsageValidator).
fn operator_usage(op: Operator, operand: &Operand, field: &str) -> Option<String> {
    let shown = op.display();
    if op.is_list() {
        return match operand {
            Operand::Empty => Some(format!("Operator '{shown}' does not support the empty value representation 'EMPTY' for field '{field}'.")),
            o if !is_list_operand(o) => Some(format!("Operator '{shown}' does not support the non-list value '{o}' for field '{field}'.")),
            _ => None,
        };
    }
    if is_list_operand(operand) {
        return Some(format!("Operator '{shown}' does not support the list value '{operand}' for field '{field}'."));
    }
    if op.is_relational() && matches!(operand, Operand::Empty) {
        return Some(format!("Operator '{shown}' does not support the empty value representation 'EMPTY' for field '{field}'."));
    }
    if matches!(op, Operator::Is | Operator::IsNot) && !matches!(operand, Operand::Empty) {
        return Some(format!("Operator '{shown}' does not support searching for non-empty values for field '{field}'."));
    }
    None
}

pub(crate) fn is_valid_issue_key(s: &str) -> bool {
    match s.rsplit_once('-') {
        Some((project, number)) => {
            let mut pc = project.chars();
            pc.next().is_some_and(|c| c.is_ascii_alphabetic())
                && pc.all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !number.is_empty()
                && number.len() <= 18
                && number.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// The built-in status categories: (id, key, name).
pub(crate) const STATUS_CATEGORIES: &[(u64, &str, &str)] =
    &[(1, "undefined", "No Category"), (2, "new", "To Do"), (4, "indeterminate", "In Progress"), (3, "done", "Done")];

fn status_category_exists(v: &str) -> bool {
    STATUS_CATEGORIES.iter().any(|(id, key, name)| id.to_string() == v || key.eq_ignore_ascii_case(v) || name.eq_ignore_ascii_case(v))
}

const DATE_TIME_FORMATS: &str =
    "Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.";
const DATE_FORMATS: &str = "Valid formats include: 'YYYY/MM/DD', 'YYYY-MM-DD', or a period format e.g. '-5d', '4w 2d'.";

fn terminal(t: &Terminal, ctx: &JqlContext, out: &mut Vec<String>) {
    let name = t.field.display();
    let field = match resolve(&t.field, ctx) {
        Some(f) => f,
        None => {
            out.push(format!("Field '{}' does not exist or you do not have permission to view it.", name));
            return;
        }
    };
    if let Some(operand) = &t.operand {
        let mut values = Vec::new();
        leaves(operand, &mut values);
        let unknown: Vec<String> = values
            .iter()
            .filter(|v| matches!(v, Operand::Function { name, .. } if !fields::is_known_function(&name.to_lowercase())))
            .map(|v| format!("Unable to find JQL function '{}'.", v))
            .collect();
        if !unknown.is_empty() {
            out.extend(unknown);
            return;
        }
        if let Some(m) = operator_usage(t.op, operand, &name) {
            out.push(m);
            return;
        }
    }
    if !field.supports(t.op) {
        out.push(format!("The operator '{}' is not supported by the '{}' field.", t.op.display(), name));
        return;
    }
    let operand = match &t.operand {
        Some(o) => o,
        None => {
            predicates(t, ctx, out);
            return;
        }
    };
    if contains_empty(operand) && !field.supports_empty() {
        out.push(format!("The field '{}' does not support searching for EMPTY values.", name));
        return;
    }
    let mut values = Vec::new();
    leaves(operand, &mut values);
    for v in values {
        match v {
            Operand::Empty | Operand::List(_) => {}
            Operand::Function { name: fname, args, .. } => {
                if let Some(m) = function(fname, args, &field, &name, ctx) {
                    out.push(m);
                }
            }
            Operand::Value(lit) => {
                if let Some(m) = literal(lit, &field, &name, t.op, ctx) {
                    out.push(m);
                }
            }
        }
    }
    predicates(t, ctx, out);
}

fn predicates(t: &Terminal, ctx: &JqlContext, out: &mut Vec<String>) {
    for p in &t.predicates {
        let mut values = Vec::new();
        leaves(&p.operand, &mut values);
        for v in values {
            match (p.keyword.as_str(), v) {
                ("before" | "after" | "on" | "during", Operand::Value(Literal::Str(s))) if parse_date_literal(s).and_then(|d| d.instant(ctx)).is_none() => {
                    out.push(format!("Date value '{}' for predicate '{}' is invalid. {}", s, p.keyword, DATE_TIME_FORMATS));
                }
                (_, Operand::Function { name, args, .. }) => {
                    let lower = name.to_lowercase();
                    if !fields::is_known_function(&lower) {
                        out.push(format!("Unable to find JQL function '{}'.", v));
                    } else if let Some(m) = arity_message(name, &lower, args.len()) {
                        out.push(m);
                    }
                }
                _ => {}
            }
        }
    }
}

fn arity_message(name: &str, lower: &str, got: usize) -> Option<String> {
    let (min, max) = dates::arity(lower);
    if got >= min && got <= max {
        return None;
    }
    Some(if min == max {
        format!("Function '{}' expected '{}' arguments but received '{}'.", name, min, got)
    } else {
        format!("Function '{}' expected between '{}' and '{}' arguments but received '{}'.", name, min, max, got)
    })
}

fn function(fname: &str, args: &[String], field: &Field, field_name: &str, ctx: &JqlContext) -> Option<String> {
    let lower = fname.to_lowercase();
    if !fields::is_known_function(&lower) {
        return Some(format!("Unable to find JQL function '{}({})'.", fname, args.join(", ")));
    }
    if let Some(m) = arity_message(fname, &lower, args.len()) {
        return Some(m);
    }
    if let Some(arg) = args.first() {
        if !dates::valid_increment(&lower, arg) {
            return Some(format!("Duration for function '{}' should have the format (+/-)n(yMwdm), e.g -1M for 1 month earlier.", fname));
        }
        if lower == "membersof" && ctx.known.group_members(arg).is_none() {
            return Some(format!("Function '{}' can not generate a list of usernames for group '{}'; the group does not exist.", fname, arg));
        }
    }
    if !field.accepts_function(&lower) {
        return Some(format!("A value provided by the function '{}' is invalid for the field '{}'.", fname, field_name));
    }
    None
}

fn not_exist(lit: &Literal, field_name: &str) -> String {
    match lit {
        Literal::Str(s) => format!("The value '{}' does not exist for the field '{}'.", s, field_name),
        Literal::Num { text, .. } => format!("A value with ID '{}' does not exist for the field '{}'.", text, field_name),
    }
}

fn literal(lit: &Literal, field: &Field, field_name: &str, op: Operator, ctx: &JqlContext) -> Option<String> {
    let v = lit.text();
    let known = ctx.known;
    let ok = match field.value_kind() {
        ValueKind::Text => {
            if !matches!(op, Operator::Like | Operator::NotLike) {
                return None;
            }
            return match parse_text_query(v) {
                Ok(_) => None,
                Err(TextError::EmptyString) => Some(format!("The field '{}' does not support searching for an empty string.", field_name)),
                Err(TextError::StartsWith(c)) => Some(format!("The text query '{}' for field '{}' is not allowed to start with '{}'.", v, field_name, c)),
                Err(TextError::Unparseable) => Some(format!("Unable to parse the text '{}' for field '{}'.", v, field_name)),
            };
        }
        ValueKind::DateTime | ValueKind::Date => {
            let valid = match lit {
                Literal::Num { value, .. } => dates::from_millis(*value).is_some(),
                Literal::Str(s) => parse_date_literal(s).and_then(|d| d.instant(ctx)).is_some(),
            };
            if valid {
                return None;
            }
            let formats = if field.value_kind() == ValueKind::Date { DATE_FORMATS } else { DATE_TIME_FORMATS };
            return Some(format!("Date value '{}' for field '{}' is invalid. {}", v, field_name, formats));
        }
        ValueKind::Number => {
            if v.trim().parse::<f64>().map(|f| f.is_finite()).unwrap_or(false) {
                return None;
            }
            return Some(format!("Value '{}' for the '{}' field is not a valid number.", v, field_name));
        }
        ValueKind::Key => match lit {
            Literal::Str(s) => {
                if !is_valid_issue_key(s) {
                    return Some(format!("The issue key '{}' for field '{}' is invalid.", s, field_name));
                }
                if !known.issue_exists(s) {
                    return Some(format!("An issue with key '{}' does not exist for field '{}'.", s, field_name));
                }
                true
            }
            Literal::Num { text, .. } => known.issue_exists(text),
        },
        ValueKind::User => known.user_exists(v),
        ValueKind::Label => true,
        ValueKind::Sprint => known.sprint_exists(v),
        ValueKind::Option => match field {
            Field::Custom(def) => {
                if known.option_exists(&def.id, v) {
                    return None;
                }
                return Some(format!("The option '{}' for field '{}' does not exist.", v, field_name));
            }
            _ => true,
        },
        ValueKind::Named => match field {
            Field::Project => known.project_exists(v),
            Field::Status => known.status_exists(v),
            Field::StatusCategory => status_category_exists(v),
            Field::Priority => known.priority_exists(v),
            Field::IssueType => known.issue_type_exists(v),
            Field::Resolution => (matches!(lit, Literal::Str(_)) && v.eq_ignore_ascii_case("unresolved")) || known.resolution_exists(v),
            Field::Component => known.component_exists(v),
            Field::FixVersion | Field::AffectedVersion => known.version_exists(v),
            _ => true,
        },
    };
    if ok {
        None
    } else {
        Some(not_exist(lit, field_name))
    }
}
