//! JQL tokens: words, quoted strings (both quote kinds, JQL escapes), operators, punctuation.

use super::JqlError;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// An unquoted word (field names, values, keywords, functions).
    Word(String),
    /// A quoted string, escapes resolved.
    Str(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
    /// `cf[10016]`
    CustomField(u64),
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    /// 1-based character position, as Jira reports it.
    pub pos: usize,
}

/// Characters that end an unquoted word; Jira requires them quoted or escaped.
const RESERVED_CHARS: &[char] = &['+', '.', ',', ';', '?', '|', '*', '/', '%', '^', '$', '#', '@', '[', ']'];

pub fn syntax(msg: String, pos: usize) -> JqlError {
    JqlError { messages: vec![format!("Error in the JQL Query: {msg} (line 1, character {pos})")] }
}

pub fn tokenize(src: &str) -> Result<Vec<Token>, JqlError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => {
                out.push(Token { tok: Tok::LParen, pos });
                i += 1;
            }
            ')' => {
                out.push(Token { tok: Tok::RParen, pos });
                i += 1;
            }
            ',' => {
                out.push(Token { tok: Tok::Comma, pos });
                i += 1;
            }
            '"' | '\'' => {
                let quote = c;
                let mut s = String::new();
                i += 1;
                loop {
                    let Some(&ch) = chars.get(i) else {
                        let text: String = chars[pos - 1..].iter().collect();
                        return Err(syntax(format!("The quoted string '{text}' has not been completed."), pos));
                    };
                    if ch == quote {
                        i += 1;
                        break;
                    }
                    if ch == '\\' {
                        let (v, used) = escape(&chars, i)?;
                        s.push(v);
                        i += used;
                        continue;
                    }
                    s.push(ch);
                    i += 1;
                }
                out.push(Token { tok: Tok::Str(s), pos });
            }
            '=' => {
                out.push(Token { tok: Tok::Op("="), pos });
                i += 1;
            }
            '!' => match chars.get(i + 1) {
                Some('=') => {
                    out.push(Token { tok: Tok::Op("!="), pos });
                    i += 2;
                }
                Some('~') => {
                    out.push(Token { tok: Tok::Op("!~"), pos });
                    i += 2;
                }
                _ => {
                    out.push(Token { tok: Tok::Word("NOT".into()), pos });
                    i += 1;
                }
            },
            '~' => {
                out.push(Token { tok: Tok::Op("~"), pos });
                i += 1;
            }
            '<' | '>' => {
                let op = match (c, chars.get(i + 1)) {
                    ('<', Some('=')) => "<=",
                    ('>', Some('=')) => ">=",
                    ('<', _) => "<",
                    _ => ">",
                };
                i += op.len();
                out.push(Token { tok: Tok::Op(op), pos });
            }
            '&' if chars.get(i + 1) == Some(&'&') => {
                out.push(Token { tok: Tok::Word("AND".into()), pos });
                i += 2;
            }
            '|' if chars.get(i + 1) == Some(&'|') => {
                out.push(Token { tok: Tok::Word("OR".into()), pos });
                i += 2;
            }
            c if RESERVED_CHARS.contains(&c) || c == '&' || c == '|' => {
                return Err(syntax(format!("The character '{c}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u{:04x}' instead.", c as u32), pos));
            }
            _ => {
                let mut s = String::new();
                while let Some(&ch) = chars.get(i) {
                    if ch == '\\' {
                        let (v, used) = escape(&chars, i)?;
                        s.push(v);
                        i += used;
                        continue;
                    }
                    if ch.is_whitespace() || "()=!~<>,\"'".contains(ch) || RESERVED_CHARS.contains(&ch) || ch == '&' || ch == '|' {
                        // `cf[123]`: the one place brackets are allowed unquoted.
                        if ch == '[' && s.eq_ignore_ascii_case("cf") {
                            let close = chars[i..].iter().position(|&x| x == ']').map(|p| p + i);
                            let Some(close) = close else {
                                return Err(syntax("Expecting ']' but got the end of the query.".into(), i + 1));
                            };
                            let digits: String = chars[i + 1..close].iter().collect();
                            let n = digits.trim().parse::<u64>().map_err(|_| syntax(format!("Expecting a custom field id but got '{digits}'."), i + 2))?;
                            s.clear();
                            out.push(Token { tok: Tok::CustomField(n), pos });
                            i = close + 1;
                            break;
                        }
                        break;
                    }
                    s.push(ch);
                    i += 1;
                }
                if !s.is_empty() {
                    out.push(Token { tok: Tok::Word(s), pos });
                }
            }
        }
    }
    Ok(out)
}

/// An escape at `chars[i] == '\\'`: the character and how many chars it used.
fn escape(chars: &[char], i: usize) -> Result<(char, usize), JqlError> {
    let Some(&n) = chars.get(i + 1) else {
        return Err(syntax("Illegal escape sequence at the end of the query.".into(), i + 1));
    };
    Ok(match n {
        'n' => ('\n', 2),
        't' => ('\t', 2),
        'r' => ('\r', 2),
        'u' => {
            let hex: String = chars.iter().skip(i + 2).take(4).collect();
            let v = u32::from_str_radix(&hex, 16).ok().filter(|_| hex.len() == 4).and_then(char::from_u32);
            match v {
                Some(c) => (c, 6),
                None => return Err(syntax(format!("Illegal Unicode escape '\\u{hex}'."), i + 1)),
            }
        }
        '"' | '\'' | '\\' | ' ' => (n, 2),
        c if RESERVED_CHARS.contains(&c) || "()=!~<>,&|".contains(c) => (c, 2),
        other => return Err(syntax(format!("Illegal escape sequence '\\{other}'."), i + 1)),
    })
}
