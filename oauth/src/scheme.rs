use std::fmt;
use std::str::FromStr;

/// The `AuthScheme` connection property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// Cloud: email + API token, sent as HTTP Basic.
    ApiToken,
    /// Data Center: user + password, sent as HTTP Basic. Given an API token instead of a
    /// password it behaves as `ApiToken`, as older connection strings expect.
    Basic,
    /// Data Center personal access token, sent as a bearer token.
    Pat,
    /// OAuth 2.0 three-legged (Cloud), through the API gateway.
    OAuth,
    /// No credentials: public content only.
    Anonymous,
}

impl AuthScheme {
    /// The scheme a connection uses: its `AuthScheme` property when given, else inferred from
    /// which credentials it has (a PAT, an OAuth client, a user with a token or a password).
    /// `get` looks a property up by its lower-case name.
    pub fn of_properties<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<AuthScheme, String> {
        let given = |names: &[&str]| names.iter().filter_map(|n| get(n)).find(|v| !v.trim().is_empty());
        if let Some(s) = given(&["authscheme"]).map(str::trim).filter(|s| !s.is_empty()) {
            return s.parse();
        }
        let user = given(&["user", "uid"]).is_some();
        Ok(if given(&["personalaccesstoken"]).is_some() {
            AuthScheme::Pat
        } else if given(&["oauthclientid"]).is_some() {
            AuthScheme::OAuth
        } else if user && given(&["apitoken"]).is_some() {
            AuthScheme::ApiToken
        } else if user && given(&["password", "pwd"]).is_some() {
            AuthScheme::Basic
        } else {
            AuthScheme::Anonymous
        })
    }
}

impl FromStr for AuthScheme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "apitoken" | "api_token" | "token" => Ok(AuthScheme::ApiToken),
            "basic" => Ok(AuthScheme::Basic),
            "pat" | "personalaccesstoken" => Ok(AuthScheme::Pat),
            "oauth" | "oauth2" | "oauth2.0" => Ok(AuthScheme::OAuth),
            "none" | "anonymous" => Ok(AuthScheme::Anonymous),
            other => Err(format!("AuthScheme '{other}' is not known: use APIToken, Basic, PAT, OAuth or None")),
        }
    }
}

impl fmt::Display for AuthScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthScheme::ApiToken => "APIToken",
            AuthScheme::Basic => "Basic",
            AuthScheme::Pat => "PAT",
            AuthScheme::OAuth => "OAuth",
            AuthScheme::Anonymous => "None",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_names_users_know() {
        assert_eq!("APIToken".parse::<AuthScheme>(), Ok(AuthScheme::ApiToken));
        assert_eq!("basic".parse::<AuthScheme>(), Ok(AuthScheme::Basic));
        assert_eq!("PersonalAccessToken".parse::<AuthScheme>(), Ok(AuthScheme::Pat));
        assert_eq!("OAuth".parse::<AuthScheme>(), Ok(AuthScheme::OAuth));
        assert_eq!("None".parse::<AuthScheme>(), Ok(AuthScheme::Anonymous));
        assert_eq!("Anonymous".parse::<AuthScheme>(), Ok(AuthScheme::Anonymous));
        assert!("kerberos".parse::<AuthScheme>().unwrap_err().contains("kerberos"));
    }

    #[test]
    fn inferred_from_the_credentials_given() {
        let of = |pairs: &[(&'static str, &'static str)]| AuthScheme::of_properties(|k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| *v));
        assert_eq!(of(&[("user", "a"), ("apitoken", "t")]), Ok(AuthScheme::ApiToken));
        assert_eq!(of(&[("uid", "a"), ("pwd", "p")]), Ok(AuthScheme::Basic));
        assert_eq!(of(&[("personalaccesstoken", "p"), ("user", "a")]), Ok(AuthScheme::Pat));
        assert_eq!(of(&[("oauthclientid", "c")]), Ok(AuthScheme::OAuth));
        assert_eq!(of(&[("apitoken", "t")]), Ok(AuthScheme::Anonymous));
        assert_eq!(of(&[("authscheme", "Basic"), ("personalaccesstoken", "p")]), Ok(AuthScheme::Basic));
        assert!(of(&[("authscheme", "nope")]).is_err());
    }
}
