//! Every connection property the driver reads, with its default and meaning: the one list that
//! decides which keywords are known (others earn a `01S00` warning) and that the README's property
//! table is generated from (a test keeps the two equal).

/// One connection property: its name as documented, the other names it answers to, its
/// default, and what it does.
// `default` and `meaning` are read by the README test only: they are documentation.
#[cfg_attr(not(test), allow(dead_code))]
pub struct PropertyDoc {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub default: &'static str,
    pub meaning: &'static str,
}

const fn p(name: &'static str, aliases: &'static [&'static str], default: &'static str, meaning: &'static str) -> PropertyDoc {
    PropertyDoc { name, aliases, default, meaning }
}

pub const PROPERTIES: &[PropertyDoc] = &[
    p("Driver", &[], "", "The driver's name as registered (`{Atlassian ODBC}`), in DSN-less connection strings."),
    p("DSN", &["FileDSN", "SaveFile"], "", "A data source whose properties are read from `odbc.ini`; the connection string's own values win over the DSN's."),
    p("Description", &[], "", "Free text describing a DSN."),
    p("Url", &[], "(required)", "The site: `https://yoursite.atlassian.net` (Cloud) or a Data Center base URL."),
    p("ConfluenceUrl", &[], "`Url`", "Confluence's base URL when it is not the site's (Data Center installs on another host or context path)."),
    p("Deployment", &[], "`Auto`", "`Cloud`, `DataCenter` or `Auto` (asks the site's server info). With `AuthScheme=OAuth` it also says which authorization server signs the user in: Cloud's, or the Data Center server's own OAuth 2.0 provider."),
    p("AuthScheme", &[], "inferred", "`APIToken`, `Basic`, `PAT`, `OAuth` or `None`; when absent, inferred from the credentials given (a PAT, an OAuth client id, a user with a token or a password)."),
    p("User", &["UID"], "", "Cloud: your Atlassian account's email (with `APIToken`). Data Center: the user name (with `Password`)."),
    p("Password", &["PWD"], "", "Data Center password for `Basic`. Given `APIToken` instead, `Basic` behaves as `APIToken`."),
    p("APIToken", &[], "", "Cloud API token (id.atlassian.com > Security > API tokens), sent with `User` as HTTP Basic."),
    p("PersonalAccessToken", &[], "", "Data Center personal access token, sent as a bearer token."),
    p("OAuthVersion", &[], "`2.0`", "The OAuth version: 2.0 (Cloud's three-legged OAuth, or a Data Center server's OAuth 2.0 provider with PKCE, an incoming application link)."),
    p("OAuthClientId", &[], "", "Your OAuth 2.0 app's client id (Atlassian developer console); with it, `AuthScheme` defaults to `OAuth`."),
    p("OAuthClientSecret", &[], "", "The app's client secret."),
    p("ConfluenceOAuthClientId", &[], "", "Data Center with `ConfluenceUrl` on a server of its own: the client id of the incoming link on Confluence's server, which is its own authorization server. The connection then holds two grants, both kept in `OAuthSettingsLocation`, and signs in to each."),
    p("ConfluenceOAuthClientSecret", &[], "", "That client's secret. A secret: never logged."),
    p("CallbackURL", &[], "`http://localhost:33333`", "The app's registered callback; the desktop sign-in listens on its loopback port."),
    p("Scope", &[], "read scopes + `offline_access` (Cloud), `READ` (Data Center)", "Scopes asked for, space-separated. Cloud: by default reading Jira and Confluence, the user's profile, and a refresh token; add `write:jira-work`, `write:confluence-content` and the like to write. Data Center: `READ`, `WRITE`, `ADMIN` or `SYSTEM_ADMIN` (each includes the ones before it, capped by the user's own permissions)."),
    p("InitiateOAuth", &[], "`GETANDREFRESH` (`OFF` when `OAuthAccessToken` is given, `REFRESH` when only `OAuthRefreshToken` is)", "`GETANDREFRESH`: sign in through the browser when no token is saved, refresh when needed. `REFRESH`: refresh, never open a browser (`28000` when no token is saved and no `OAuthRefreshToken` is given). `OFF`: use `OAuthAccessToken` as given; with no token the connection opens for the OAuth procedures only."),
    p("OAuthSettingsLocation", &[], "a file per site and client under `~/.config/atlassian-odbc/oauth/`", "Where tokens are kept between connections: a file (0600, atomic writes, locked so that one process refreshes for all), or `memory://NAME` (this process only)."),
    p("OAuthVerifier", &[], "", "An authorization code obtained elsewhere (a machine without a browser): exchanged for tokens at connect."),
    p("OAuthAccessToken", &[], "", "An access token to use as it is (`InitiateOAuth=OFF`), or to start from."),
    p("OAuthRefreshToken", &[], "", "The refresh token that goes with `OAuthAccessToken`; given alone, it is spent for the first access token when nothing is saved (`REFRESH`, `GETANDREFRESH`), and the rotated pair is saved."),
    p("OAuthExpiresIn", &[], "", "Lifetime of `OAuthAccessToken`, in seconds from `OAuthTokenTimestamp`."),
    p("OAuthTokenTimestamp", &[], "now", "When `OAuthAccessToken` was issued (Unix seconds)."),
    p("CloudId", &[], "found through accessible-resources", "Cloud: the site's cloud id; by default the one whose URL is `Url`. Data Center has none: tokens go to the site itself."),
    p("OAuthAuthorizationURL", &[], "`https://auth.atlassian.com/authorize` (Cloud), `{Url}/rest/oauth2/latest/authorize` (Data Center)", "The authorization endpoint; one under `/rest/oauth2/` means Data Center's provider."),
    p("OAuthAccessTokenURL", &[], "`https://auth.atlassian.com/oauth/token` (Cloud), `{Url}/rest/oauth2/latest/token` (Data Center)", "The token endpoint."),
    p("ApiGatewayURL", &[], "`https://api.atlassian.com`", "Cloud: the gateway OAuth requests go through (`/ex/jira/{cloudId}`, `/ex/confluence/{cloudId}`). Not used on Data Center."),
    p("OrgId", &[], "", "Cloud: your organization's id (admin.atlassian.com > Settings > API keys shows it): with `OrgApiKey`, `ApiTokens` lists and revokes the organization's managed users' API tokens through the Admin API."),
    p("OrgApiKey", &[], "", "Cloud: an organization API key (admin.atlassian.com > Settings > API keys), sent only to the Admin API. A secret: never logged, and a DSN file holding it is private."),
    p("AdminApiURL", &[], "`https://api.atlassian.com`", "Cloud: where the organization's Admin API is (for tests and proxies that rewrite hosts)."),
    p("BrowserCommand", &[], "the system's opener", "The command that opens the sign-in URL (given as its last argument), for headless machines or a browser of your choice."),
    p("OAuthCallbackTimeout", &[], "`300`", "Seconds the desktop sign-in waits for the browser to come back."),
    p("Timeout", &[], "`60`", "Seconds one HTTP request may take; `0` waits up to an hour."),
    p("SSLServerCert", &[], "the public roots", "Certificates to trust besides the public roots: a PEM file (a self-signed server certificate or your company's CA) or PEM text. Verification is never turned off (`*` is refused)."),
    p("ProxyServer", &[], "", "An HTTP(S) proxy for every request: a host, `host:port` or URL."),
    p("ProxyPort", &[], "the URL's, or 80", "The proxy's port, when `ProxyServer` gives none."),
    p("ProxyUser", &[], "", "User for the proxy's Basic authentication."),
    p("ProxyPassword", &[], "", "Password for the proxy."),
    p("ProxyExceptions", &[], "", "Hosts reached without the proxy, separated by `,` (or `;` inside braces: `{localhost;.corp.example.com;10.0.0.0/8}`)."),
    p("ProxyAutoDetect", &[], "`true`", "Without `ProxyServer`: `true` uses the environment's `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`, `false` connects directly."),
    p("IncludeCustomFields", &[], "`true`", "`false`: `Jira.Issues` has its system fields only, and no field list is read at connect (a faster catalog)."),
    p("UseDisplayNames", &[], "`true`", "Custom-field columns of `Jira.Issues` named by display name (`Story Points`); `false`: by field id (`customfield_10016`), which never changes nor collides."),
    p("Tables", &[], "all", "The tables `SQLTables`, `SQLColumns`, `information_schema` and the system tables list, comma-separated (`Issues,Jira.Projects`); queries still reach every table by name."),
    p("BrowsableSchemas", &[], "`Jira,Confluence`", "The schemas they list, comma-separated; queries still reach both."),
    p("Timezone", &[], "`UTC`", "The zone timestamps are shown in: `UTC`, an IANA zone (`Europe/Berlin`), or `User` (the signed-in user's, from their profile). Timestamp literals (`TIMESTAMP '...'`, `{ts '...'}`, `CAST('...' AS TIMESTAMP)`) and timestamp parameters are read in it too, so a value read can be given back; filters still reach the site as the same instants."),
    p("MaxRows", &[], "`0` (no cap)", "At most this many rows in any query's result (not in the rows a write reads): a `LIMIT` on top of every query, so a scan asks for only that many where the query lets it (page sizes and request counts)."),
    p("ReadOnly", &[], "`false`", "`true` refuses every `INSERT`, `UPDATE`, `DELETE` and every procedure that changes the site (`TransitionIssue`, `UploadAttachment`, `UploadIssueAttachment`, `AnswerApproval`, `CreateApiToken`, `RevokePersonalAccessTokens`) with `42000` naming this property; `SQL_DATA_SOURCE_READ_ONLY` is then `Y`. `SQL_ATTR_ACCESS_MODE = SQL_MODE_READ_ONLY` does the same for one connection."),
    p("Pushdown", &[], "`true`", "`false` sends no filters to the site (JQL/CQL): every filter is applied by the driver. For comparison and troubleshooting."),
    p("MaxConcurrency", &[], "`8`", "Requests one connection has in flight at once (1 to 64): a scan larger than a page is split into independent queries (Jira Cloud by ranges of `created`, Jira Data Center by pages, Confluence pages by spaces) read this many at a time. Fewer while the site reports it is near its rate limit."),
    p("MaxStaticCursorMemory", &[], "`256`", "MiB of rows a static (scrollable) cursor may keep: it holds the rows read so far so that it can scroll back; a result larger than this fails with `HY001` (the default forward-only cursor streams and keeps nothing)."),
    p("CacheTolerance", &[], "`0` (off)", "Without `AutoCache`: seconds a finished scan's rows answer the same scan again (same site, user, pushed filters and columns) without a request, for dashboards that repeat queries; writes and procedures through the driver empty the site's cache. With `AutoCache`: seconds the replica may be behind before a query of one of its tables (or of a `CacheTables` table never synced) first brings it up to date, incrementally."),
    p("CacheLocation", &[], "`$XDG_CACHE_HOME/atlassian-odbc/<host>/<user>`", "The folder of the local replica `EXEC SyncReplica('Jira.Issues,Confluence.Pages')` and `atlassian-odbc sync` write: per table Parquet files and a `manifest.json` naming the current ones (DuckDB, Spark, pandas read them as they are)."),
    p("AutoCache", &[], "`false`", "`true`: the tables of `CacheTables` the replica at `CacheLocation` holds are answered from its files, without a request; the others are read from the site."),
    p("CacheTables", &[], "all tables", "The tables the replica covers, comma separated (`Jira.Issues,Jira.Worklogs`, or table names): what `AutoCache` answers from it and what a sync without a table list reads."),
    p("Offline", &[], "`false`", "`true`: never contact the site; every table is read from the replica at `CacheLocation` (the site's flavor and custom fields as of its last sync), a table never synced is an error naming the sync command, and the connection is read-only."),
    p("MetadataCacheSeconds", &[], "`300`", "How long the process's connections to the same site and user reuse the Jira field list (the custom-field columns); `0` fetches it at each connect."),
    p("Logfile", &[], "", "A file the driver appends its log to (requests, timings, errors; never secrets)."),
    p("Verbosity", &[], "`1`", "Log detail: `1` warnings and errors, `2` connections and statements, `3` each request, `4` everything."),
];

/// Whether `key` names a property of the driver (case-insensitive, aliases included).
pub fn is_known(key: &str) -> bool {
    PROPERTIES.iter().any(|p| p.name.eq_ignore_ascii_case(key) || p.aliases.iter().any(|a| a.eq_ignore_ascii_case(key)))
}

/// The README's property table.
#[cfg(test)]
pub fn markdown_table() -> String {
    let mut out = String::from("| property | default | meaning |\n| --- | --- | --- |\n");
    for p in PROPERTIES {
        let names = std::iter::once(p.name).chain(p.aliases.iter().copied()).map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        out.push_str(&format!("| {names} | {} | {} |\n", p.default, p.meaning));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEGIN: &str = "<!-- connection properties: generated from driver/src/properties.rs -->\n";
    const END: &str = "<!-- end of connection properties -->";

    /// The README's table is this list. `ATLASSIAN_ODBC_WRITE_README=1` rewrites it.
    #[test]
    fn the_readme_lists_exactly_these_properties() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
        let readme = std::fs::read_to_string(path).expect("README.md");
        let start = readme.find(BEGIN).expect("the README has the property table's start marker") + BEGIN.len();
        let end = readme[start..].find(END).expect("and its end marker") + start;
        let table = markdown_table();
        if std::env::var_os("ATLASSIAN_ODBC_WRITE_README").is_some() {
            std::fs::write(path, format!("{}{table}{}", &readme[..start], &readme[end..])).expect("write README.md");
            return;
        }
        assert_eq!(
            &readme[start..end],
            table,
            "README.md's property table differs from driver/src/properties.rs: run the driver's tests with ATLASSIAN_ODBC_WRITE_README=1"
        );
    }

    /// The defaults documented are the defaults the code takes.
    #[test]
    fn documented_defaults_are_the_codes() {
        let documented = |name: &str| PROPERTIES.iter().find(|p| p.name == name).map(|p| p.default).unwrap_or_default();
        let code = [
            ("Timeout", crate::connection::DEFAULT_TIMEOUT_SECS.to_string()),
            ("OAuthCallbackTimeout", crate::oauth_connect::DEFAULT_CALLBACK_TIMEOUT_SECS.to_string()),
            ("MaxConcurrency", sql_mapper::rest::DEFAULT_CONCURRENCY.to_string()),
            ("MaxStaticCursorMemory", crate::statement::DEFAULT_STATIC_CURSOR_MIB.to_string()),
            ("MetadataCacheSeconds", sql_mapper::ConnectOptions::DEFAULT_METADATA_CACHE.as_secs().to_string()),
        ];
        for (name, value) in code {
            assert_eq!(documented(name), format!("`{value}`"), "{name}");
        }
    }

    #[test]
    fn names_and_aliases_are_known_without_case() {
        assert!(is_known("apitoken") && is_known("UID") && is_known("FILEDSN") && is_known("MetadataCacheSeconds"));
        assert!(!is_known("ApiTokn"));
    }
}
