//! SQL text before it reaches the parser: ODBC escape sequences (`{fn ...}`, `{d '...'}`,
//! `{ts '...'}`, `{oj ...}`, `{call ...}`, `{escape '...'}`) become the engine's own SQL, and
//! `?` parameter markers are counted and replaced by literals. Both skip string literals,
//! quoted identifiers and comments, where braces and question marks are just text.

use crate::error::{OdbcError, OdbcResult, SqlState};

/// If `i` starts a string literal, quoted identifier or comment, the index just past it.
fn skip_opaque(s: &[u8], i: usize) -> Option<usize> {
    match s[i] {
        q @ (b'\'' | b'"' | b'`') => {
            let mut j = i + 1;
            while j < s.len() {
                if s[j] == q {
                    if j + 1 < s.len() && s[j + 1] == q {
                        j += 2;
                        continue;
                    }
                    return Some(j + 1);
                }
                j += 1;
            }
            Some(s.len())
        }
        b'-' if s.get(i + 1) == Some(&b'-') => Some(s[i..].iter().position(|c| *c == b'\n').map_or(s.len(), |p| i + p + 1)),
        b'/' if s.get(i + 1) == Some(&b'*') => Some(s[i + 2..].windows(2).position(|w| w == b"*/").map_or(s.len(), |p| i + 2 + p + 2)),
        _ => None,
    }
}

/// Positions of the `?` parameter markers.
pub fn parameter_markers(sql: &str) -> Vec<usize> {
    let s = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if let Some(end) = skip_opaque(s, i) {
            i = end;
            continue;
        }
        if s[i] == b'?' {
            out.push(i);
        }
        i += 1;
    }
    out
}

/// The text with its `?` markers numbered as the engine's placeholders (`$1`, `$2`, ...), whose
/// values are bound at execution, and how many there are. Only the markers change: no value
/// ever enters the text.
pub fn number_markers(sql: &str) -> (String, usize) {
    let markers = parameter_markers(sql);
    let mut out = String::with_capacity(sql.len() + 4 * markers.len());
    let mut last = 0;
    for (n, at) in markers.iter().enumerate() {
        out.push_str(&sql[last..*at]);
        // A space after, so that a following word does not run into the number (`?and`).
        out.push_str(&format!("${} ", n + 1));
        last = at + 1;
    }
    out.push_str(&sql[last..]);
    (out, markers.len())
}

/// Translates every ODBC escape sequence, innermost first.
pub fn translate_escapes(sql: &str) -> OdbcResult<String> {
    if !sql.contains('{') {
        return Ok(sql.to_string());
    }
    let s = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    let mut copied = 0;
    while i < s.len() {
        if let Some(end) = skip_opaque(s, i) {
            i = end;
            continue;
        }
        if s[i] == b'{' {
            let close = matching_brace(s, i).ok_or_else(|| {
                OdbcError::new(SqlState::SYNTAX_OR_ACCESS, format!("Syntax error: the escape sequence at position {} is not closed with '}}'", i + 1))
            })?;
            out.push_str(&sql[copied..i]);
            let inner = translate_escapes(&sql[i + 1..close])?;
            let translated = translate_one(inner.trim())?;
            match like_escape_char(&translated) {
                // The engine escapes LIKE patterns with a backslash only: the pattern before
                // is rewritten to say the same with one.
                Some(c) if c != '\\' => {
                    rewrite_pattern_before(&mut out, c)?;
                    out.push_str("ESCAPE '\\'");
                }
                _ => out.push_str(&translated),
            }
            i = close + 1;
            copied = i;
            continue;
        }
        i += 1;
    }
    out.push_str(&sql[copied..]);
    Ok(out)
}

/// The character of a translated `{escape 'c'}`.
fn like_escape_char(translated: &str) -> Option<char> {
    let lit = translated.strip_prefix("ESCAPE ")?.trim().strip_prefix('\'')?.strip_suffix('\'')?;
    let mut chars = lit.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// The `LIKE` pattern literal just before an `{escape 'c'}`, rewritten with `\\` as its escape.
fn rewrite_pattern_before(out: &mut String, esc: char) -> OdbcResult<()> {
    let end = out.trim_end().len();
    let not_literal = || {
        OdbcError::new(
            SqlState::SYNTAX_OR_ACCESS,
            format!("{{escape '{esc}'}} follows a LIKE pattern given as a literal: write the pattern as one (or use '\\' as the escape character)"),
        )
    };
    if !out[..end].ends_with('\'') {
        return Err(not_literal());
    }
    // The literal's opening quote: quotes inside it are doubled.
    let bytes = out.as_bytes();
    let mut i = end - 1;
    let start = loop {
        let Some(q) = out[..i].rfind('\'') else { return Err(not_literal()) };
        if q > 0 && bytes[q - 1] == b'\'' {
            i = q - 1;
            continue;
        }
        break q;
    };
    let body = &out[start + 1..end - 1];
    let mut rewritten = String::with_capacity(body.len() + 4);
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == esc {
            match chars.next() {
                Some(n) => {
                    rewritten.push('\\');
                    rewritten.push(n);
                }
                None => return Err(OdbcError::new(SqlState::INVALID_ESCAPE, format!("The LIKE pattern ends with its escape character '{esc}'"))),
            }
        } else if c == '\\' {
            rewritten.push_str("\\\\");
        } else {
            rewritten.push(c);
        }
    }
    let tail = out[end..].to_string();
    out.truncate(start + 1);
    out.push_str(&rewritten);
    out.push('\'');
    out.push_str(&tail);
    Ok(())
}

fn matching_brace(s: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut i = open;
    while i < s.len() {
        if let Some(end) = skip_opaque(s, i) {
            i = end;
            continue;
        }
        match s[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn split_keyword(inner: &str) -> (String, &str) {
    let kw_end = inner.find(|c: char| c.is_whitespace() || c == '\'' || c == '(').unwrap_or(inner.len());
    (inner[..kw_end].to_ascii_lowercase(), inner[kw_end..].trim())
}

fn translate_one(inner: &str) -> OdbcResult<String> {
    // `{?= call p(...)}`: the return value has nowhere to go in our procedures; treat as a call.
    let inner = inner.strip_prefix("?=").or_else(|| inner.strip_prefix("? =")).map(str::trim).unwrap_or(inner);
    let (kw, rest) = split_keyword(inner);
    Ok(match kw.as_str() {
        "d" => format!("DATE {rest}"),
        "t" => format!("TIME {rest}"),
        "ts" => format!("TIMESTAMP {rest}"),
        "guid" => rest.to_string(),
        "oj" => rest.to_string(),
        "escape" => format!("ESCAPE {rest}"),
        "interval" => format!("INTERVAL {rest}"),
        "call" => {
            if rest.contains('(') {
                format!("CALL {rest}")
            } else {
                format!("CALL {rest}()")
            }
        }
        "fn" => scalar_function(rest)?,
        _ => return Err(OdbcError::new(SqlState::SYNTAX_OR_ACCESS, format!("Syntax error: unknown ODBC escape sequence '{{{inner}}}'"))),
    })
}

/// Splits `a, b(c, d), 'e,f'` at its top-level commas.
fn split_args(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let (mut depth, mut start, mut i) = (0i32, 0, 0);
    while i < b.len() {
        if let Some(end) = skip_opaque(b, i) {
            i = end;
            continue;
        }
        match b[i] {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth == 0 => {
                out.push(s[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let last = s[start..].trim();
    if !last.is_empty() || !out.is_empty() {
        out.push(last.to_string());
    }
    out
}

/// `{fn NAME(args)}` → the engine's spelling of the ODBC scalar function.
fn scalar_function(call: &str) -> OdbcResult<String> {
    let open = call.find('(');
    let (name, args) = match open {
        Some(p) if call.ends_with(')') => (call[..p].trim().to_ascii_uppercase(), split_args(&call[p + 1..call.len() - 1])),
        None => (call.trim().to_ascii_uppercase(), Vec::new()),
        Some(_) => return Err(OdbcError::new(SqlState::SYNTAX_OR_ACCESS, format!("Syntax error in {{fn {call}}}: expected NAME(arguments)"))),
    };
    let a = |n: usize| -> OdbcResult<&str> {
        args.get(n)
            .map(String::as_str)
            .ok_or_else(|| OdbcError::new(SqlState::SYNTAX_OR_ACCESS, format!("Syntax error: {{fn {name}}} needs at least {} argument(s)", n + 1)))
    };
    let all = args.join(", ");
    Ok(match name.as_str() {
        "UCASE" => format!("upper({all})"),
        "LCASE" => format!("lower({all})"),
        "LENGTH" => format!("char_length(rtrim({all}))"),
        "CHAR_LENGTH" | "CHARACTER_LENGTH" => format!("char_length({all})"),
        "OCTET_LENGTH" => format!("octet_length({all})"),
        "BIT_LENGTH" => format!("bit_length({all})"),
        "SUBSTRING" => format!("substr({all})"),
        "LOCATE" => match args.len() {
            2 => format!("strpos({}, {})", a(1)?, a(0)?),
            _ => format!(
                "(CASE WHEN strpos(substr({s}, {p}), {f}) = 0 THEN 0 ELSE strpos(substr({s}, {p}), {f}) + {p} - 1 END)",
                s = a(1)?,
                f = a(0)?,
                p = a(2)?
            ),
        },
        "CHAR" => format!("chr({all})"),
        "SPACE" => format!("repeat(' ', {all})"),
        "INSERT" => format!("overlay({} placing {} from {} for {})", a(0)?, a(3)?, a(1)?, a(2)?),
        "CEILING" => format!("ceil({all})"),
        "SIGN" => format!("CAST(signum({all}) AS INTEGER)"),
        "LOG" => format!("ln({all})"),
        "MOD" => format!("({} % {})", a(0)?, a(1)?),
        "TRUNCATE" => format!("trunc({all})"),
        "RAND" => "random()".to_string(),
        "IFNULL" => format!("coalesce({all})"),
        "NOW" => "now()".to_string(),
        "CURDATE" | "CURRENT_DATE" => "current_date".to_string(),
        "CURTIME" | "CURRENT_TIME" => "current_time".to_string(),
        "CURRENT_TIMESTAMP" => "now()".to_string(),
        "YEAR" | "MONTH" | "HOUR" | "MINUTE" | "SECOND" | "QUARTER" | "WEEK" => format!("CAST(date_part('{}', {all}) AS INTEGER)", name.to_lowercase()),
        "DAYOFMONTH" => format!("CAST(date_part('day', {all}) AS INTEGER)"),
        "DAYOFYEAR" => format!("CAST(date_part('doy', {all}) AS INTEGER)"),
        // ODBC counts Sunday as 1.
        "DAYOFWEEK" => format!("(CAST(date_part('dow', {all}) AS INTEGER) + 1)"),
        "DAYNAME" => format!("to_char({all}, '%A')"),
        "MONTHNAME" => format!("to_char({all}, '%B')"),
        "DATABASE" => "'Atlassian'".to_string(),
        "TIMESTAMPADD" => timestamp_add(a(0)?, a(1)?, a(2)?)?,
        "TIMESTAMPDIFF" => timestamp_diff(a(0)?, a(1)?, a(2)?)?,
        "CONVERT" => format!("CAST({} AS {})", a(0)?, convert_type(a(1)?)?),
        _ => {
            if open.is_some() {
                format!("{name}({all})")
            } else {
                format!("{name}()")
            }
        }
    })
}

/// `TIMESTAMPADD`: the count (any integer expression) made an interval of its unit, as text the
/// engine casts (it has no integer-times-interval arithmetic); weeks as 7 days, quarters as 3
/// months, and fractions of a second in billionths, as ODBC counts them.
fn timestamp_add(tsi: &str, count: &str, ts: &str) -> OdbcResult<String> {
    let (factor, unit) = match interval_unit(tsi)? {
        "nanosecond" => (1, "nanoseconds"),
        "week" => (7, "days"),
        "quarter" => (3, "months"),
        "second" => (1, "seconds"),
        "minute" => (1, "minutes"),
        "hour" => (1, "hours"),
        "day" => (1, "days"),
        "month" => (1, "months"),
        _ => (1, "years"),
    };
    let n = if factor == 1 { format!("CAST({count} AS BIGINT)") } else { format!("(CAST({count} AS BIGINT) * {factor})") };
    Ok(format!("(CAST({ts} AS TIMESTAMP) + CAST(concat(CAST({n} AS VARCHAR), ' {unit}') AS INTERVAL))"))
}

fn interval_unit(tsi: &str) -> OdbcResult<&'static str> {
    Ok(match tsi.trim().to_ascii_uppercase().trim_start_matches("SQL_TSI_") {
        // ODBC counts fractions of a second in billionths.
        "FRAC_SECOND" => "nanosecond",
        "SECOND" => "second",
        "MINUTE" => "minute",
        "HOUR" => "hour",
        "DAY" => "day",
        "WEEK" => "week",
        "MONTH" => "month",
        "QUARTER" => "quarter",
        "YEAR" => "year",
        other => return Err(OdbcError::new(SqlState::SYNTAX_OR_ACCESS, format!("Syntax error: unknown interval '{other}' in TIMESTAMPADD/TIMESTAMPDIFF"))),
    })
}

fn timestamp_diff(tsi: &str, a: &str, b: &str) -> OdbcResult<String> {
    let secs = format!("(date_part('epoch', CAST({b} AS TIMESTAMP)) - date_part('epoch', CAST({a} AS TIMESTAMP)))");
    let months = format!("((date_part('year', {b}) - date_part('year', {a})) * 12 + date_part('month', {b}) - date_part('month', {a}))");
    let expr = match interval_unit(tsi)? {
        "nanosecond" => format!("{secs} * 1000000000"),
        "second" => secs,
        "minute" => format!("{secs} / 60"),
        "hour" => format!("{secs} / 3600"),
        "day" => format!("{secs} / 86400"),
        "week" => format!("{secs} / 604800"),
        "month" => months,
        "quarter" => format!("{months} / 3"),
        _ => format!("(date_part('year', {b}) - date_part('year', {a}))"),
    };
    Ok(format!("CAST(trunc({expr}) AS BIGINT)"))
}

fn convert_type(t: &str) -> OdbcResult<&'static str> {
    Ok(match t.trim().to_ascii_uppercase().trim_start_matches("SQL_") {
        "CHAR" | "VARCHAR" | "LONGVARCHAR" | "WCHAR" | "WVARCHAR" | "WLONGVARCHAR" => "VARCHAR",
        "BIGINT" => "BIGINT",
        "INTEGER" => "INTEGER",
        "SMALLINT" => "SMALLINT",
        "TINYINT" => "TINYINT",
        "BIT" => "BOOLEAN",
        "DOUBLE" | "FLOAT" => "DOUBLE",
        "REAL" => "REAL",
        "DECIMAL" | "NUMERIC" => "DECIMAL(38, 10)",
        "DATE" | "TYPE_DATE" => "DATE",
        "TIME" | "TYPE_TIME" => "TIME",
        "TIMESTAMP" | "TYPE_TIMESTAMP" => "TIMESTAMP",
        other => return Err(OdbcError::new(SqlState::FETCH_TYPE_OUT_OF_RANGE, format!("{{fn CONVERT}} to SQL_{other} is not supported"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_translate_and_literals_stay() {
        assert_eq!(
            translate_escapes("select {fn UCASE(Summary)} from t where d > {d '2024-01-02'}").unwrap(),
            "select upper(Summary) from t where d > DATE '2024-01-02'"
        );
        assert_eq!(translate_escapes("select '{fn x}' , \"a{b\" -- {zz\n").unwrap(), "select '{fn x}' , \"a{b\" -- {zz\n");
        assert_eq!(translate_escapes("{call GetOAuthAuthorizationURL(?, ?)}").unwrap(), "CALL GetOAuthAuthorizationURL(?, ?)");
        assert_eq!(translate_escapes("{?= call P}").unwrap(), "CALL P()");
        assert_eq!(translate_escapes("select {fn LOCATE('a', {fn LCASE(x)})}").unwrap(), "select strpos(lower(x), 'a')");
        assert_eq!(translate_escapes("select * from {oj a left outer join b on a.x = b.x}").unwrap(), "select * from a left outer join b on a.x = b.x");
        assert_eq!(translate_escapes("x like 'a\\_%' {escape '\\'}").unwrap(), "x like 'a\\_%' ESCAPE '\\'");
        assert_eq!(translate_escapes("select {fn CONVERT(x, SQL_VARCHAR)}").unwrap(), "select CAST(x AS VARCHAR)");
        assert_eq!(translate_escapes("{ts '2024-01-01 10:00:00'}").unwrap(), "TIMESTAMP '2024-01-01 10:00:00'");
        assert_eq!(translate_escapes("select {fn NOW()}").unwrap(), "select now()");
        assert_eq!(translate_escapes("x LIKE '%!_a\\b''c' {escape '!'}").unwrap(), "x LIKE '%\\_a\\\\b''c' ESCAPE '\\'");
        assert_eq!(translate_escapes("x LIKE '%\\_' {escape '\\'}").unwrap(), "x LIKE '%\\_' ESCAPE '\\'");
        assert_eq!(translate_escapes("x LIKE ? {escape '!'}").unwrap_err().state, "42000");
        assert_eq!(translate_escapes("select {fn x(1)").unwrap_err().state, "42000");
        assert_eq!(translate_escapes("{bogus 1}").unwrap_err().state, "42000");
    }

    #[test]
    fn markers_outside_literals() {
        let sql = "select '?', \"?\" from t where a = ? and b = ? -- ?\n";
        assert_eq!(parameter_markers(sql).len(), 2);
        assert_eq!(number_markers(sql), ("select '?', \"?\" from t where a = $1  and b = $2  -- ?\n".to_string(), 2));
        assert_eq!(number_markers("x=?and y=?").0, "x=$1 and y=$2 ");
    }
}
