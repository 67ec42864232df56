//! A table of CQL cases over a few hand-made pieces of content.

use chrono::{DateTime, TimeZone, Utc};

use super::*;

struct Doc {
    id: u64,
    ty: &'static str,
    space: &'static str,
    title: &'static str,
    text: &'static str,
    labels: Vec<&'static str>,
    creator: &'static str,
    created: DateTime<Utc>,
    ancestors: Vec<u64>,
}

impl CqlContent for Doc {
    fn id(&self) -> u64 {
        self.id
    }
    fn content_type(&self) -> &str {
        self.ty
    }
    fn space_key(&self) -> &str {
        self.space
    }
    fn space_id(&self) -> u64 {
        if self.space == "ENG" {
            1
        } else {
            2
        }
    }
    fn title(&self) -> &str {
        self.title
    }
    fn text(&self) -> &str {
        self.text
    }
    fn labels(&self) -> Vec<&str> {
        self.labels.clone()
    }
    fn creator(&self) -> &str {
        self.creator
    }
    fn created(&self) -> DateTime<Utc> {
        self.created
    }
    fn last_modified(&self) -> DateTime<Utc> {
        self.created
    }
    fn ancestors(&self) -> Vec<u64> {
        self.ancestors.clone()
    }
    fn parent(&self) -> Option<u64> {
        self.ancestors.last().copied()
    }
}

fn at(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, d, h, 0, 0).unwrap()
}

fn docs() -> Vec<Doc> {
    vec![
        Doc {
            id: 1,
            ty: "page",
            space: "ENG",
            title: "Engineering Home",
            text: "Welcome to the engineering space.",
            labels: vec!["home"],
            creator: "u1",
            created: at(1, 9),
            ancestors: vec![],
        },
        Doc {
            id: 2,
            ty: "page",
            space: "ENG",
            title: "Runbook: deploys",
            text: "How we deploy services. See ENG-12.",
            labels: vec!["runbook", "ops"],
            creator: "u2",
            created: at(10, 23),
            ancestors: vec![1],
        },
        Doc {
            id: 3,
            ty: "page",
            space: "ENG",
            title: "Deploy checklist",
            text: "Checklists for deploying.",
            labels: vec![],
            creator: "u1",
            created: at(11, 1),
            ancestors: vec![1, 2],
        },
        Doc {
            id: 4,
            ty: "blogpost",
            space: "OPS",
            title: "Weekly update",
            text: "Catalog latency improved.",
            labels: vec!["ops"],
            creator: "u2",
            created: at(20, 12),
            ancestors: vec![],
        },
        Doc {
            id: 5,
            ty: "comment",
            space: "ENG",
            title: "Re: Runbook: deploys",
            text: "Great runbook!",
            labels: vec![],
            creator: "u3",
            created: at(21, 12),
            ancestors: vec![2],
        },
    ]
}

fn run_in(cql: &str, tz: chrono_tz::Tz) -> Result<Vec<u64>, String> {
    let ctx = CqlContext { now: at(22, 12), time_zone: tz, current_user: Some("u1") };
    let q = parse(cql).map_err(|e| e.message)?;
    let all = docs();
    let mut hits: Vec<&Doc> = all.iter().filter(|d| q.matches(*d, &ctx)).collect();
    hits.sort_by(|a, b| q.compare(*a, *b, &ctx));
    Ok(hits.iter().map(|d| d.id).collect())
}

fn ids(cql: &str) -> Vec<u64> {
    let mut v = run_in(cql, chrono_tz::UTC).unwrap_or_else(|e| panic!("{cql}: {e}"));
    v.sort();
    v
}

#[test]
fn fields_and_operators() {
    let cases: &[(&str, &[u64])] = &[
        ("type = page", &[1, 2, 3]),
        ("type in (blogpost, comment)", &[4, 5]),
        ("type != page", &[4, 5]),
        ("space = ENG", &[1, 2, 3, 5]),
        ("space.key = \"ops\"", &[4]),
        ("space not in (ENG)", &[4]),
        ("id = 3", &[3]),
        ("content in (1, 4)", &[1, 4]),
        ("title = \"Deploy checklist\"", &[3]),
        ("title = 'deploy checklist'", &[3]),
        ("title ~ deploy", &[2, 3, 5]),
        ("title ~ checklist", &[3]),
        ("title ~ \"deploy*\"", &[2, 3, 5]),
        ("title !~ deploy", &[1, 4]),
        ("text ~ deploy", &[2, 3, 5]),
        ("text ~ \"deploy services\"", &[2]),
        ("text ~ catalog", &[4]),
        ("text ~ cat", &[]),
        ("text ~ \"\\\"engineering space\\\"\"", &[1]),
        ("text ~ \"\\\"space engineering\\\"\"", &[]),
        ("label = ops", &[2, 4]),
        ("label in (home, runbook)", &[1, 2]),
        ("label != ops", &[1, 3, 5]),
        ("creator = u2", &[2, 4]),
        ("creator = currentUser()", &[1, 3]),
        ("ancestor = 1", &[2, 3]),
        ("ancestor = 2", &[3, 5]),
        ("parent = 1", &[2]),
        ("container = 2", &[3, 5]),
        ("type = page AND label = ops OR type = blogpost", &[2, 4]),
        ("type = page AND (label = ops OR title ~ checklist)", &[2, 3]),
        ("space = ENG AND NOT type = page", &[5]),
        ("NOT (space = ENG OR label = ops)", &[]),
    ];
    for (cql, want) in cases {
        assert_eq!(ids(cql), want.to_vec(), "{cql}");
    }
}

#[test]
fn dates_relative_and_zoned() {
    assert_eq!(ids("created >= \"2024-01-11\""), vec![3, 4, 5]);
    // In Auckland (UTC+13) midnight of the 11th is 11:00 UTC on the 10th.
    let mut v = run_in("created >= \"2024-01-11\"", chrono_tz::Pacific::Auckland).unwrap();
    v.sort();
    assert_eq!(v, vec![2, 3, 4, 5]);
    assert_eq!(ids("created = 2024-01-10"), vec![2]);
    assert_eq!(ids("created > \"2024/01/20 12:00\""), vec![5]);
    assert_eq!(ids("created >= \"-2d\""), vec![4, 5]);
    assert_eq!(ids("lastmodified > now(\"-1w\")"), vec![4, 5]);
    assert_eq!(ids("created < startOfMonth()"), Vec::<u64>::new());
    assert_eq!(ids("created >= startOfDay(\"-1d\")"), vec![5]);
}

#[test]
fn order_by() {
    assert_eq!(run_in("space = ENG ORDER BY title", chrono_tz::UTC).unwrap(), vec![3, 1, 5, 2]);
    assert_eq!(run_in("space = ENG ORDER BY created DESC", chrono_tz::UTC).unwrap(), vec![5, 3, 2, 1]);
    assert_eq!(run_in("type in (page, blogpost) ORDER BY type ASC, id DESC", chrono_tz::UTC).unwrap(), vec![4, 3, 2, 1]);
    // Default: most recently modified first.
    assert_eq!(run_in("label = ops", chrono_tz::UTC).unwrap(), vec![4, 2]);
}

#[test]
fn content_types_for_the_caller() {
    assert_eq!(parse("type = page and space = ENG").unwrap().content_types(), Some(vec!["page".to_string()]));
    assert_eq!(parse("type in (page, blogpost)").unwrap().content_types(), Some(vec!["page".to_string(), "blogpost".to_string()]));
    assert_eq!(parse("space = ENG").unwrap().content_types(), None);
}

#[test]
fn rejected_queries() {
    let cases: &[(&str, &str)] = &[
        ("", "Could not parse cql :  (a search restriction is required)"),
        ("type = ", "Could not parse cql : type =  (expecting a value)"),
        ("type page", "Could not parse cql : type page (expecting an operator)"),
        ("nosuch = 1", "Could not parse cql : nosuch = 1 (unknown field 'nosuch')"),
        ("text = foo", "Could not parse cql : text = foo (the operator '=' is not supported by the field 'text')"),
        ("label ~ ops", "Could not parse cql : label ~ ops (the operator '~' is not supported by the field 'label')"),
        ("space > ENG", "Could not parse cql : space > ENG (the operator '>' is not supported by the field 'space')"),
        ("title = \"open", "Could not parse cql : title = \"open (unterminated string)"),
        ("(type = page", "Could not parse cql : (type = page (expecting ')')"),
        ("type = page space = ENG", "Could not parse cql : type = page space = ENG (unexpected text after the query)"),
        ("type in page", "Could not parse cql : type in page (expecting '(')"),
        ("label = and", "Could not parse cql : label = and ('and' is a reserved word and must be quoted)"),
        ("created > yesterday", "Could not parse cql : created > yesterday ('yesterday' is not a valid date)"),
        ("created > someday()", "Could not parse cql : created > someday() (unknown function 'someday()')"),
        ("ancestor = abc", "Could not parse cql : ancestor = abc ('abc' is not a content id)"),
        ("type = page order title", "Could not parse cql : type = page order title (expecting 'by')"),
        ("type = page order by label", "Could not parse cql : type = page order by label (cannot order by 'label')"),
        ("title = \"bad \\q\"", "Could not parse cql : title = \"bad \\q\" (illegal escape)"),
    ];
    for (cql, msg) in cases {
        assert_eq!(parse(cql).err().map(|e| e.message), Some(msg.to_string()), "{cql}");
    }
    let body = error_body(&CqlError { message: "Could not parse cql : x".into() });
    assert_eq!(body["statusCode"], 400);
    assert_eq!(body["message"], "Could not parse cql : x");
}
