//! `odbcinst.ini` and `odbc.ini` edited in place: sections and keys change, every other line
//! (comments, blank lines, other drivers' and DSNs' entries, their spacing) stays as it was.
//! Lines are classified by `ini-roundtrip`'s format-preserving parser.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Section(String),
    Property(String, String),
    Other,
}

#[derive(Debug, Clone)]
struct Line {
    kind: Kind,
    raw: String,
}

/// One INI file of the driver managers', read whole, edited by section and key (names compare
/// without regard to case, as unixODBC and iODBC read them), and written back atomically.
#[derive(Debug, Clone)]
pub struct IniFile {
    path: PathBuf,
    lines: Vec<Line>,
    newline: &'static str,
}

impl IniFile {
    /// The file at `path`, or an empty one to be created there.
    pub fn load(path: &Path) -> Result<IniFile> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let mut file = IniFile::parse(&text);
        file.path = path.to_path_buf();
        Ok(file)
    }

    pub fn parse(text: &str) -> IniFile {
        let lines = ini_roundtrip::Parser::new(text)
            .filter_map(|item| match item {
                ini_roundtrip::Item::SectionEnd => None,
                ini_roundtrip::Item::Section { name, raw } => Some(Line { kind: Kind::Section(name.to_string()), raw: raw.to_string() }),
                ini_roundtrip::Item::Property { key, val: Some(val), raw } => {
                    Some(Line { kind: Kind::Property(key.trim().to_string(), val.trim().to_string()), raw: raw.to_string() })
                }
                ini_roundtrip::Item::Property { raw, .. }
                | ini_roundtrip::Item::Comment { raw }
                | ini_roundtrip::Item::Blank { raw }
                | ini_roundtrip::Item::Error(raw) => Some(Line { kind: Kind::Other, raw: raw.to_string() }),
            })
            .collect();
        IniFile { path: PathBuf::new(), lines, newline: if text.contains("\r\n") { "\r\n" } else { "\n" } }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn sections(&self) -> Vec<String> {
        self.lines.iter().filter_map(|l| if let Kind::Section(n) = &l.kind { Some(n.clone()) } else { None }).collect()
    }

    /// Index of the section's header line, and the end (exclusive) of its lines.
    fn span(&self, section: &str) -> Option<(usize, usize)> {
        let start = self.lines.iter().position(|l| matches!(&l.kind, Kind::Section(n) if n.eq_ignore_ascii_case(section)))?;
        let end = self.lines[start + 1..].iter().position(|l| matches!(l.kind, Kind::Section(_))).map_or(self.lines.len(), |i| start + 1 + i);
        Some((start, end))
    }

    pub fn entries(&self, section: &str) -> Vec<(String, String)> {
        let Some((start, end)) = self.span(section) else { return Vec::new() };
        self.lines[start + 1..end].iter().filter_map(|l| if let Kind::Property(k, v) = &l.kind { Some((k.clone(), v.clone())) } else { None }).collect()
    }

    /// Sets `key` in `section` (created at the end of the file if missing); `true` if the file
    /// changed.
    pub fn set(&mut self, section: &str, key: &str, value: &str) -> bool {
        let line = Line { kind: Kind::Property(key.to_string(), value.to_string()), raw: format!("{key}={value}") };
        let Some((start, end)) = self.span(section) else {
            if self.lines.last().is_some_and(|l| !l.raw.trim().is_empty()) {
                self.lines.push(Line { kind: Kind::Other, raw: String::new() });
            }
            self.lines.push(Line { kind: Kind::Section(section.to_string()), raw: format!("[{section}]") });
            self.lines.push(line);
            return true;
        };
        if let Some(i) = (start + 1..end).find(|&i| matches!(&self.lines[i].kind, Kind::Property(k, _) if k.eq_ignore_ascii_case(key))) {
            if matches!(&self.lines[i].kind, Kind::Property(_, v) if v == value) {
                return false;
            }
            self.lines[i] = line;
            return true;
        }
        // After the section's last property, before the blank lines and comments that lead
        // into the next section.
        let at = (start + 1..end).rev().find(|&i| matches!(self.lines[i].kind, Kind::Property(..))).map_or(start + 1, |i| i + 1);
        self.lines.insert(at, line);
        true
    }

    pub fn remove_key(&mut self, section: &str, key: &str) -> bool {
        let Some((start, end)) = self.span(section) else { return false };
        match (start + 1..end).find(|&i| matches!(&self.lines[i].kind, Kind::Property(k, _) if k.eq_ignore_ascii_case(key))) {
            Some(i) => {
                self.lines.remove(i);
                true
            }
            None => false,
        }
    }

    /// Removes the section's header and properties, and the comments and blank lines inside it,
    /// but not those that lead into the next section.
    pub fn remove_section(&mut self, section: &str) -> bool {
        let Some((start, end)) = self.span(section) else { return false };
        let mut cut = end;
        if end < self.lines.len() {
            while cut > start + 1 && !matches!(self.lines[cut - 1].kind, Kind::Property(..)) {
                cut -= 1;
            }
        }
        self.lines.drain(start..cut);
        // No blank line doubled where the section was, nor left at the end of the file by the
        // last section (the one that `set` put before a section it added).
        if start > 0 && start < self.lines.len() && self.lines[start - 1].raw.trim().is_empty() && self.lines[start].raw.trim().is_empty() {
            self.lines.remove(start);
        }
        if start == self.lines.len() {
            while self.lines.last().is_some_and(|l| l.kind == Kind::Other && l.raw.trim().is_empty()) {
                self.lines.pop();
            }
        }
        true
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        for l in &self.lines {
            out.push_str(&l.raw);
            out.push_str(self.newline);
        }
        out
    }

    /// Writes the file through a temporary file and a rename, so a reader never sees half of
    /// it; a new file is private (0600) when it holds a secret, else readable (0644); an
    /// existing file keeps its mode.
    pub fn save(&self, private: bool) -> Result<()> {
        let dir = self.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let tmp = dir.join(format!(".{}.tmp{}", self.path.file_name().and_then(|n| n.to_str()).unwrap_or("odbc.ini"), std::process::id()));
        let result = (|| -> Result<()> {
            let mut f = std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
            f.write_all(self.text().as_bytes())?;
            f.sync_all()?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = match std::fs::metadata(&self.path) {
                    Ok(m) if private => m.permissions().mode() & 0o700,
                    Ok(m) => m.permissions().mode(),
                    Err(_) if private => 0o600,
                    Err(_) => 0o644,
                };
                std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode))?;
            }
            std::fs::rename(&tmp, &self.path).with_context(|| format!("cannot replace {}", self.path.display()))?;
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odbc_config::ConfigStore;

    const SAMPLE: &str = "; drivers of this machine\n[PostgreSQL]\nDriver = /usr/lib/psqlodbcw.so\n\n# the next one is ours\n[Atlassian ODBC]\nDriver=/old.so\nThreading=0\n\n[Other]\nA=1\n";

    #[test]
    fn edits_keep_every_other_line() {
        let mut f = IniFile::parse(SAMPLE);
        assert_eq!(f.text(), SAMPLE, "a file read and written unchanged is the same file");
        assert!(f.set("Atlassian ODBC", "Driver", "/new.so"));
        assert!(!f.set("Atlassian ODBC", "Driver", "/new.so"));
        assert!(f.set("atlassian odbc", "Description", "ours"));
        assert_eq!(
            f.text(),
            "; drivers of this machine\n[PostgreSQL]\nDriver = /usr/lib/psqlodbcw.so\n\n# the next one is ours\n[Atlassian ODBC]\nDriver=/new.so\nThreading=0\nDescription=ours\n\n[Other]\nA=1\n"
        );
        assert_eq!(f.get("postgresql", "driver").as_deref(), Some("/usr/lib/psqlodbcw.so"));
    }

    #[test]
    fn removing_a_section_leaves_its_neighbours_and_their_comments() {
        let mut f = IniFile::parse(SAMPLE);
        assert!(f.remove_section("PostgreSQL"));
        assert_eq!(f.text(), "; drivers of this machine\n\n# the next one is ours\n[Atlassian ODBC]\nDriver=/old.so\nThreading=0\n\n[Other]\nA=1\n");
        assert!(f.remove_section("Other"));
        assert!(!f.has_section("Other"));
        assert_eq!(f.sections(), vec!["Atlassian ODBC".to_string()]);
        assert!(f.text().ends_with("Threading=0\n"), "no blank line left at the end: {:?}", f.text());
    }

    #[test]
    fn a_new_section_goes_at_the_end_after_a_blank_line() {
        let mut f = IniFile::parse("[A]\nx=1");
        f.set("B", "y", "2");
        assert_eq!(f.text(), "[A]\nx=1\n\n[B]\ny=2\n");
        let mut empty = IniFile::parse("");
        empty.set("B", "y", "2");
        assert_eq!(empty.text(), "[B]\ny=2\n");
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let mut f = IniFile::parse("[A]\r\nx=1\r\n");
        f.set("A", "y", "2");
        assert_eq!(f.text(), "[A]\r\nx=1\r\ny=2\r\n");
    }
}
