//! The driver through unixODBC's driver manager with odbc-api, the client Rust programs use:
//! text and columnar bulk fetch, parameters, catalog functions, diagnostics, long text in
//! pieces, unicode, concurrent connections, cancel and timeout. Values are checked against the
//! sandbox's REST API or against another path through the driver, never against constants.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use e2e_tests::Sandbox;
use odbc_api::buffers::{BufferDesc, ColumnarDynBuffer, TextRowSet};
use odbc_api::{ConnectionOptions, Cursor, Environment, IntoParameter, ResultSetMetadata};
use serde_json::Value;

static ENV: LazyLock<Environment> = LazyLock::new(|| {
    e2e_tests::odbc_config();
    Environment::new().expect("ODBC environment")
});

fn connect(sb: &Sandbox) -> odbc_api::Connection<'static> {
    ENV.connect_with_connection_string(&sb.connection_string(), ConnectionOptions::default()).expect("connect")
}

fn rest(sb: &Sandbox, path: &str) -> Value {
    reqwest::blocking::Client::new()
        .get(sb.url(path))
        .basic_auth(&sb.info.user, Some(&sb.info.api_token))
        .send()
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .unwrap()
}

/// Every row of a query as text, through a text bulk buffer of `batch` rows.
fn text_rows(conn: &odbc_api::Connection<'_>, sql: &str, batch: usize) -> Vec<Vec<Option<String>>> {
    let mut cursor = conn.execute(sql, (), None).expect("execute").expect("a result set");
    let buffer = TextRowSet::for_cursor(batch, &mut cursor, Some(4096)).unwrap();
    let mut block = cursor.bind_buffer(buffer).unwrap();
    let mut out = Vec::new();
    while let Some(b) = block.fetch().unwrap() {
        for r in 0..b.num_rows() {
            out.push((0..b.num_cols()).map(|c| b.at_as_str(c, r).unwrap().map(str::to_string)).collect());
        }
    }
    out
}

fn error_of<T>(r: Result<T, odbc_api::Error>) -> (String, String) {
    match r {
        Err(odbc_api::Error::Diagnostics { record, .. }) => (record.state.as_str().to_string(), record.to_string()),
        Err(e) => panic!("expected a diagnostic, got {e}"),
        Ok(_) => panic!("expected an error"),
    }
}

#[test]
fn text_bulk_fetch_matches_the_rest_api() {
    let sb = Sandbox::start(&[]);
    let conn = connect(&sb);
    let projects = rest(&sb, "/rest/api/3/project/search?maxResults=100");
    let expected: BTreeSet<(String, String)> =
        projects["values"].as_array().unwrap().iter().map(|p| (p["key"].as_str().unwrap().to_string(), p["name"].as_str().unwrap().to_string())).collect();
    let got: BTreeSet<(String, String)> =
        text_rows(&conn, r#"select "Key", Name from Jira.Projects"#, 7).into_iter().map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap())).collect();
    assert_eq!(got, expected);

    // Several batches of a small row array: every row exactly once, in order.
    let all = text_rows(&conn, r#"select "Key" from Jira.Issues order by Id"#, 1000);
    let small = text_rows(&conn, r#"select "Key" from Jira.Issues order by Id"#, 7);
    assert!(all.len() > 50, "the sandbox seeds issues: {}", all.len());
    assert_eq!(all, small);
    let count = text_rows(&conn, "select count(*) from Jira.Issues", 1);
    assert_eq!(count[0][0].as_deref(), Some(all.len().to_string().as_str()));
}

#[test]
fn columnar_typed_bulk_fetch() {
    let sb = Sandbox::start(&[]);
    let conn = connect(&sb);
    let mut cursor = conn.execute(r#"select Id, "Key", Created, DueDate from Jira.Issues order by Id"#, (), None).unwrap().unwrap();
    assert_eq!(cursor.num_result_cols().unwrap(), 4);
    let names: Vec<String> = cursor.column_names().unwrap().map(|n| n.unwrap()).collect();
    assert_eq!(names, ["Id", "Key", "Created", "DueDate"]);
    let buffer = ColumnarDynBuffer::from_descs(
        64,
        [
            BufferDesc::I64 { nullable: true },
            BufferDesc::Text { max_str_len: 32 },
            BufferDesc::Timestamp { nullable: true },
            BufferDesc::Date { nullable: true },
        ],
    );
    let mut block = cursor.bind_buffer(buffer).unwrap();
    let mut ids = Vec::new();
    let mut with_due = 0;
    while let Some(b) = block.fetch().unwrap() {
        let id_col = b.column(0).as_nullable_slice::<i64>().unwrap();
        ids.extend(id_col.map(|v| *v.expect("Id is never null")));
        let created = b.column(2).as_nullable_slice::<odbc_api::sys::Timestamp>().unwrap();
        for ts in created {
            let ts = ts.expect("Created is never null");
            assert!(ts.year >= 2000 && (1..=12).contains(&ts.month), "{ts:?}");
        }
        with_due += b.column(3).as_nullable_slice::<odbc_api::sys::Date>().unwrap().filter(|d| d.is_some()).count();
    }
    let text_ids: Vec<i64> =
        text_rows(&conn, "select Id from Jira.Issues order by Id", 100).into_iter().map(|r| r[0].as_ref().unwrap().parse().unwrap()).collect();
    assert_eq!(ids, text_ids);
    let due: usize = text_rows(&conn, "select count(DueDate) from Jira.Issues", 1)[0][0].as_ref().unwrap().parse().unwrap();
    assert_eq!(with_due, due);
}

#[test]
fn parameters_bind_in_where() {
    let sb = Sandbox::start(&[]);
    let conn = connect(&sb);
    let eng = text_rows(&conn, r#"select "Key", Id from Jira.Issues where ProjectKey = 'ENG' order by Id"#, 100);
    let (key, id) = (eng[3][0].clone().unwrap(), eng[3][1].clone().unwrap().parse::<i64>().unwrap());
    let mut prepared = conn.prepare(r#"select "Key" from Jira.Issues where ProjectKey = ? and Id >= ? order by Id"#).unwrap();
    assert_eq!(prepared.num_params().unwrap(), 2);
    let mut cursor = prepared.execute((&"ENG".into_parameter(), &id)).unwrap().unwrap();
    let mut row = cursor.next_row().unwrap().unwrap();
    let mut buf = Vec::new();
    row.get_text(1, &mut buf).unwrap();
    assert_eq!(String::from_utf8(buf).unwrap(), key);
    drop(cursor);
    // A text parameter that looks like SQL stays a value.
    let injected = conn.execute(r#"select count(*) from Jira.Issues where Summary = ?"#, &"x' or '1'='1".into_parameter(), None).unwrap().unwrap();
    let mut block = injected.bind_buffer(TextRowSet::from_max_str_lens(1, [20]).unwrap()).unwrap();
    assert_eq!(block.fetch().unwrap().unwrap().at_as_str(0, 0).unwrap(), Some("0"));
}

#[test]
fn catalog_functions() {
    let sb = Sandbox::start(&[]);
    let conn = connect(&sb);
    let tables: BTreeSet<(String, String, String)> = conn
        .tables("", "%", "%", "")
        .unwrap()
        .map(|r| {
            let r = r.unwrap();
            (
                r.schema.as_str().unwrap().unwrap().to_string(),
                r.table.as_str().unwrap().unwrap().to_string(),
                r.table_type.as_str().unwrap().unwrap().to_string(),
            )
        })
        .collect();
    for (s, t) in [("Jira", "Issues"), ("Jira", "Projects"), ("Jira", "Comments"), ("Confluence", "Spaces"), ("Confluence", "Pages")] {
        assert!(tables.contains(&(s.to_string(), t.to_string(), "TABLE".to_string())), "{s}.{t} in {tables:?}");
    }
    let columns: Vec<(String, i16, i32)> = conn
        .columns("", "Jira", "Issues", "%")
        .unwrap()
        .map(|r| {
            let r = r.unwrap();
            (r.column_name.as_str().unwrap().unwrap().to_string(), r.data_type, r.column_size.into_opt().unwrap_or(0))
        })
        .collect();
    let find = |n: &str| columns.iter().find(|c| c.0 == n).unwrap_or_else(|| panic!("{n} in {columns:?}")).clone();
    assert_eq!(find("Id").1, -5, "BIGINT");
    assert_eq!(find("Created").1, 93, "TYPE_TIMESTAMP");
    assert_eq!(find("Summary").1, -9, "WVARCHAR");
    assert!(find("Summary").2 > 0);
    // Custom fields are columns of their own, named from the field.
    assert!(columns.iter().any(|c| c.0 == "Story Points"), "{columns:?}");
    // The query's own metadata agrees with SQLColumns.
    let mut cursor = conn.execute(r#"select Id, Summary, "Story Points" from Jira.Issues"#, (), None).unwrap().unwrap();
    assert_eq!(cursor.col_data_type(1).unwrap(), odbc_api::DataType::BigInt);
    assert!(matches!(cursor.col_data_type(2).unwrap(), odbc_api::DataType::WVarchar { length } if length.map(|l| l.get() as i32) == Some(find("Summary").2)));
    drop(cursor);
    let keys: Vec<String> =
        conn.primary_keys(None, Some("Jira"), "Issues").unwrap().map(|r| r.unwrap().column.as_str().unwrap().unwrap().to_string()).collect();
    assert!(!keys.is_empty());
    for k in &keys {
        assert!(columns.iter().any(|c| &c.0 == k));
    }
}

#[test]
fn diagnostics_carry_sqlstates_and_hints() {
    let sb = Sandbox::start(&[]);
    let conn = connect(&sb);
    let (state, msg) = error_of(conn.execute("select * from Jira.Isues", (), None));
    assert_eq!(state, "42S02");
    assert!(msg.contains("Did you mean Jira.Issues"), "{msg}");
    let (state, _) = error_of(conn.execute("select NoSuchColumn from Jira.Issues", (), None));
    assert_eq!(state, "42S22");
    let (state, msg) = error_of(conn.execute("selec * from Jira.Issues", (), None));
    assert_eq!(state, "42000", "{msg}");
    let (state, msg) = error_of(ENV.connect_with_connection_string(
        &format!("Driver={{{}}};Url={};User={};APIToken=wrong;", e2e_tests::DRIVER_NAME, sb.info.url, sb.info.user),
        ConnectionOptions::default(),
    ));
    assert_eq!(state, "28000", "{msg}");
    assert!(!msg.contains("wrong"), "the secret is never echoed: {msg}");
    let (state, msg) =
        error_of(ENV.connect_with_connection_string(&format!("Driver={{{}}};User=x;APIToken=y;", e2e_tests::DRIVER_NAME), ConnectionOptions::default()));
    assert_eq!(state, "08001");
    assert!(msg.contains("Url"), "{msg}");
    let (state, _) = error_of(ENV.connect_with_connection_string(
        &format!("Driver={{{}}};Url=http://127.0.0.1:9;User=x;APIToken=y;", e2e_tests::DRIVER_NAME),
        ConnectionOptions::default(),
    ));
    assert_eq!(state, "08001");
}

#[test]
fn long_text_arrives_in_pieces_and_unicode_round_trips() {
    let sb = Sandbox::start(&[]);
    let conn = connect(&sb);
    // A page written through the REST API with text outside ASCII.
    let space = rest(&sb, "/wiki/api/v2/spaces?keys=ENG");
    let space_id = space["results"][0]["id"].as_str().unwrap().to_string();
    let title = "Über café ☕ — 日本語 😀";
    let body = "x".repeat(5000) + "ü😀";
    let created: Value = reqwest::blocking::Client::new()
        .post(sb.url("/wiki/api/v2/pages"))
        .basic_auth(&sb.info.user, Some(&sb.info.api_token))
        .json(&serde_json::json!({"spaceId": space_id, "status": "current", "title": title, "body": {"representation": "storage", "value": format!("<p>{body}</p>")}}))
        .send()
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let rows = text_rows(&conn, &format!("select Title from Confluence.Pages where Id = '{id}'"), 10);
    assert_eq!(rows, vec![vec![Some(title.to_string())]]);
    // SQLGetData in chunks (odbc-api grows its buffer on 01004) gives the whole body.
    let mut cursor = conn.execute(&format!("select Body from Confluence.Pages where Id = '{id}'"), (), None).unwrap().unwrap();
    let mut row = cursor.next_row().unwrap().unwrap();
    let mut buf = Vec::with_capacity(10);
    assert!(row.get_text(1, &mut buf).unwrap());
    let text = String::from_utf8(buf).unwrap();
    assert!(text.contains(&body), "body of {} bytes", text.len());
}

#[test]
fn connections_run_queries_concurrently() {
    let sb = Sandbox::start(&["--latency-ms", "20"]);
    let expected = text_rows(&connect(&sb), r#"select "Key" from Jira.Issues order by "Key""#, 500);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    let conn = connect(&sb);
                    text_rows(&conn, r#"select "Key" from Jira.Issues order by "Key""#, 17)
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), expected);
        }
    });
}

#[test]
fn query_timeout_gives_hyt00() {
    let sb = Sandbox::start(&["--latency-ms", "3000"]);
    let conn = connect(&sb);
    let started = std::time::Instant::now();
    let (state, msg) = error_of(conn.execute(r#"select count(*) from Jira.Issues"#, (), Some(1)));
    assert_eq!(state, "HYT00", "{msg}");
    assert!(started.elapsed() < std::time::Duration::from_millis(2900), "gave up at the timeout, not after the request: {:?}", started.elapsed());
}

/// For every table: `SQLColumns`' NULLABLE and COLUMN_SIZE, `SQLDescribeCol`'s nullability and
/// size, and `SQLColAttribute`'s `SQL_DESC_NULLABLE` and `SQL_DESC_LENGTH` say the same.
#[test]
fn nullability_and_sizes_agree_across_the_metadata_paths() {
    let sb = Sandbox::start(&[]);
    let conn = connect(&sb);
    let tables: Vec<(String, String)> = conn
        .tables("", "%", "%", "TABLE")
        .unwrap()
        .map(|r| {
            let r = r.unwrap();
            (r.schema.as_str().unwrap().unwrap().to_string(), r.table.as_str().unwrap().unwrap().to_string())
        })
        .collect();
    assert!(tables.len() > 30, "{tables:?}");
    for (schema, table) in &tables {
        let declared: Vec<(String, i16, i32)> = conn
            .columns("", schema, table, "%")
            .unwrap()
            .map(|r| {
                let r = r.unwrap();
                (r.column_name.as_str().unwrap().unwrap().to_string(), r.nullable, r.column_size.into_opt().unwrap_or(0))
            })
            .collect();
        let mut cursor = conn.execute(&format!(r#"select * from "{schema}"."{table}" limit 0"#), (), None).unwrap().unwrap();
        assert_eq!(cursor.num_result_cols().unwrap() as usize, declared.len(), "{schema}.{table}");
        for (i, (name, nullable, size)) in declared.iter().enumerate() {
            let n = i as u16 + 1;
            let mut desc = odbc_api::ColumnDescription::default();
            cursor.describe_col(n, &mut desc).unwrap();
            assert_eq!(&desc.name_to_string().unwrap(), name);
            let described = matches!(desc.nullability, odbc_api::Nullability::Nullable);
            let attribute = matches!(cursor.col_nullability(n).unwrap(), odbc_api::Nullability::Nullable);
            assert!(
                described == attribute && attribute == (*nullable == 1),
                "{schema}.{table}.{name}: SQLColumns {nullable}, SQLDescribeCol {:?}",
                desc.nullability
            );
            if let Some(length) = desc.data_type.column_size() {
                assert_eq!(length.get() as i32, *size, "{schema}.{table}.{name}: SQLDescribeCol's size and SQLColumns' COLUMN_SIZE");
            }
        }
    }
}
