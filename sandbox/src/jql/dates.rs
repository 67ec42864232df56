//! Date values in JQL: the literal formats (`yyyy/MM/dd HH:mm`, `yyyy-MM-dd HH:mm`,
//! `yyyy/MM/dd`, `yyyy-MM-dd`), periods relative to now (`-5d`, `4w 2d`, `-15m`), epoch
//! milliseconds (a number literal), and the date functions. Dates without a time are midnight in
//! the searching user's time zone.

use chrono::{DateTime, Datelike, Duration, LocalResult, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

use super::JqlContext;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum DateLit {
    Day(NaiveDate),
    Local(NaiveDateTime),
    /// Offset from now, in minutes.
    Period(i64),
}

/// Parses a date string as Jira reads it; `None` when it is not a valid date or period.
pub(crate) fn parse_date_literal(s: &str) -> Option<DateLit> {
    let t = s.trim();
    if let Some(p) = parse_period(t) {
        return Some(DateLit::Period(p));
    }
    let (date_part, time_part) = match t.split_once(' ') {
        Some((d, rest)) => (d, Some(rest.trim())),
        None => (t, None),
    };
    let sep = if date_part.contains('/') { '/' } else { '-' };
    let parts: Vec<&str> = date_part.split(sep).collect();
    if parts.len() != 3 || parts[0].len() != 4 || parts.iter().any(|p| p.is_empty() || p.len() > 4) {
        return None;
    }
    if !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) || parts[1].len() > 2 || parts[2].len() > 2 {
        return None;
    }
    let y: i32 = parts[0].parse().ok()?;
    let m: u32 = parts[1].parse().ok()?;
    let d: u32 = parts[2].parse().ok()?;
    let date = NaiveDate::from_ymd_opt(y, m, d)?;
    match time_part {
        None => Some(DateLit::Day(date)),
        Some(tp) => {
            let (h, mi) = tp.split_once(':')?;
            if h.is_empty() || h.len() > 2 || mi.len() != 2 {
                return None;
            }
            if !h.bytes().all(|b| b.is_ascii_digit()) || !mi.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let time = NaiveTime::from_hms_opt(h.parse().ok()?, mi.parse().ok()?, 0)?;
            Some(DateLit::Local(date.and_time(time)))
        }
    }
}

/// `-1w 2d`, `4h`, `+15m` → minutes. Units w, d, h, m; a leading sign applies to the whole.
pub(crate) fn parse_period(s: &str) -> Option<i64> {
    let mut chars = s.trim().chars().peekable();
    let mut sign = 1i64;
    match chars.peek() {
        Some('-') => {
            sign = -1;
            chars.next();
        }
        Some('+') => {
            chars.next();
        }
        _ => {}
    }
    let mut total: i64 = 0;
    let mut parts = 0;
    loop {
        while chars.peek() == Some(&' ') {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut digits = String::new();
        while let Some(c) = chars.peek().copied().filter(|c| c.is_ascii_digit()) {
            digits.push(c);
            chars.next();
        }
        if digits.is_empty() || digits.len() > 9 {
            return None;
        }
        let n: i64 = digits.parse().ok()?;
        let unit = match chars.next()?.to_ascii_lowercase() {
            'w' => 7 * 24 * 60,
            'd' => 24 * 60,
            'h' => 60,
            'm' => 1,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
        parts += 1;
    }
    if parts == 0 || total > 100_000 * 365 * 24 * 60 {
        return None;
    }
    Some(sign * total)
}

/// A local date-time in the user's zone as an instant (the earliest one when ambiguous; a time
/// in a DST gap moves forward by the gap).
pub(crate) fn local_to_utc(local: NaiveDateTime, ctx: &JqlContext) -> Option<DateTime<Utc>> {
    let mut probe = local;
    for _ in 0..4 {
        match ctx.time_zone.from_local_datetime(&probe) {
            LocalResult::Single(t) => return Some(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(a, _) => return Some(a.with_timezone(&Utc)),
            LocalResult::None => probe = probe.checked_add_signed(Duration::minutes(30))?,
        }
    }
    None
}

pub(crate) fn now_local(ctx: &JqlContext) -> NaiveDateTime {
    ctx.now.with_timezone(&ctx.time_zone).naive_local()
}

pub(crate) fn utc_to_local_date(t: DateTime<Utc>, ctx: &JqlContext) -> NaiveDate {
    t.with_timezone(&ctx.time_zone).date_naive()
}

impl DateLit {
    pub fn instant(&self, ctx: &JqlContext) -> Option<DateTime<Utc>> {
        match self {
            DateLit::Day(d) => local_to_utc(d.and_time(NaiveTime::MIN), ctx),
            DateLit::Local(dt) => local_to_utc(*dt, ctx),
            DateLit::Period(min) => ctx.now.checked_add_signed(Duration::minutes(*min)),
        }
    }

    pub fn date(&self, ctx: &JqlContext) -> Option<NaiveDate> {
        match self {
            DateLit::Day(d) => Some(*d),
            DateLit::Local(dt) => Some(dt.date()),
            DateLit::Period(_) => self.instant(ctx).map(|t| utc_to_local_date(t, ctx)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

/// `(+/-)n(y|M|w|d|h|m)`, the unit defaulting to the function's own period.
fn parse_increment(arg: &str, natural: Unit) -> Option<(i64, Unit)> {
    let s = arg.trim();
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, s.strip_prefix('+').unwrap_or(s)),
    };
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || digits.len() > 9 {
        return None;
    }
    let unit = match &rest[digits.len()..] {
        "" => natural,
        "y" => Unit::Year,
        "M" => Unit::Month,
        "w" => Unit::Week,
        "d" => Unit::Day,
        "h" => Unit::Hour,
        "m" => Unit::Minute,
        _ => return None,
    };
    Some((sign * digits.parse::<i64>().ok()?, unit))
}

fn shift(t: NaiveDateTime, n: i64, unit: Unit) -> Option<NaiveDateTime> {
    let months = |k: i64| -> Option<NaiveDateTime> {
        if k >= 0 {
            t.checked_add_months(Months::new(u32::try_from(k).ok()?))
        } else {
            t.checked_sub_months(Months::new(u32::try_from(-k).ok()?))
        }
    };
    match unit {
        Unit::Minute => t.checked_add_signed(Duration::try_minutes(n)?),
        Unit::Hour => t.checked_add_signed(Duration::try_hours(n)?),
        Unit::Day => t.checked_add_signed(Duration::try_days(n)?),
        Unit::Week => t.checked_add_signed(Duration::try_weeks(n)?),
        Unit::Month => months(n),
        Unit::Year => months(n.checked_mul(12)?),
    }
}

fn snap(t: NaiveDateTime, period: Unit, start: bool) -> Option<NaiveDateTime> {
    let day = t.date();
    let first = match period {
        Unit::Day => day,
        // Weeks start on Sunday (Jira's default, en_US locale).
        Unit::Week => day.checked_sub_signed(Duration::days(day.weekday().num_days_from_sunday() as i64))?,
        Unit::Month => day.with_day(1)?,
        _ => NaiveDate::from_ymd_opt(day.year(), 1, 1)?,
    };
    let begin = first.and_time(NaiveTime::MIN);
    if start {
        return Some(begin);
    }
    let next = match period {
        Unit::Day => shift(begin, 1, Unit::Day)?,
        Unit::Week => shift(begin, 1, Unit::Week)?,
        Unit::Month => shift(begin, 1, Unit::Month)?,
        _ => shift(begin, 12, Unit::Month)?,
    };
    next.checked_sub_signed(Duration::milliseconds(1))
}

/// Number of arguments a known function takes: (min, max).
pub(crate) fn arity(lower: &str) -> (usize, usize) {
    match lower {
        "now" | "currentuser" | "opensprints" | "closedsprints" | "futuresprints" => (0, 0),
        "membersof" => (1, 1),
        _ => (0, 1),
    }
}

/// Whether the argument of a start/end function is a valid increment.
pub(crate) fn valid_increment(lower: &str, arg: &str) -> bool {
    match period_of(lower) {
        Some((unit, _)) => parse_increment(arg, unit).is_some(),
        None => true,
    }
}

fn period_of(lower: &str) -> Option<(Unit, bool)> {
    Some(match lower {
        "startofday" => (Unit::Day, true),
        "endofday" => (Unit::Day, false),
        "startofweek" => (Unit::Week, true),
        "endofweek" => (Unit::Week, false),
        "startofmonth" => (Unit::Month, true),
        "endofmonth" => (Unit::Month, false),
        "startofyear" => (Unit::Year, true),
        "endofyear" => (Unit::Year, false),
        _ => return None,
    })
}

/// The instant a date function stands for.
pub(crate) fn eval_date_function(lower: &str, args: &[String], ctx: &JqlContext) -> Option<DateTime<Utc>> {
    if lower == "now" {
        return Some(ctx.now);
    }
    let (period, start) = period_of(lower)?;
    let now = now_local(ctx);
    let local = match args.first() {
        None => snap(now, period, start)?,
        Some(arg) => {
            let (n, unit) = parse_increment(arg, period)?;
            if unit >= period {
                // startOfMonth(-1): the start of last month.
                snap(shift(now, n, unit)?, period, start)?
            } else {
                // startOfMonth("+14d"): the 15th of this month.
                shift(snap(now, period, start)?, n, unit)?
            }
        }
    };
    local_to_utc(local, ctx)
}

/// Epoch milliseconds (a number literal in a date clause).
pub(crate) fn from_millis(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp_millis(ms)
}
