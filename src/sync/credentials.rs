//! Where an account's token comes from: an environment variable, a command (a
//! password manager), or the token file `hearth login` writes. The token is only
//! ever held as a [`Secret`]; errors name the account and the source, never the value.

use super::error::SyncError;
use super::secret::Secret;
use crate::config::{AccountConfig, Paths};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The token file `hearth login` writes for `account_name`.
pub fn token_file(paths: &Paths, account_name: &str) -> PathBuf {
    paths
        .data_dir
        .join("tokens")
        .join(format!("{account_name}.token"))
}

/// Write `secret` to `path`, readable by the owner only (mode 0600 from the start,
/// so the token is never briefly world-readable). The token directory is created
/// 0700; a symbolic link in place of the directory or the file is refused, so a
/// link planted in `tokens/` cannot redirect the token somewhere else.
pub fn write_token_file(path: &Path, secret: &Secret) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        refuse_linked_dir(dir)?;
        crate::private::create_dir_all(dir)?;
    }
    let mut file = crate::private::open_truncate(path)?;
    file.write_all(secret.expose().as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

/// A token directory that is a symbolic link could point anywhere.
fn refuse_linked_dir(dir: &Path) -> io::Result<()> {
    match dir.symlink_metadata() {
        Ok(meta) if meta.file_type().is_symlink() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is a symbolic link; hearth keeps tokens only in a real directory",
                dir.display()
            ),
        )),
        _ => Ok(()),
    }
}

/// The token file's text, read without following a symbolic link.
fn read_token_file(path: &Path) -> io::Result<String> {
    if let Some(dir) = path.parent() {
        refuse_linked_dir(dir)?;
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut crate::private::open_read(path)?, &mut text)?;
    Ok(text)
}

/// True when group or others may read `path` (a token or config file should be
/// private). False when the file is missing or on platforms without mode bits.
pub fn readable_by_others(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// The account's token (for Google: the OAuth refresh token), from `token_env`,
/// else `token_cmd`, else the token file.
pub fn resolve_token(account: &AccountConfig, paths: &Paths) -> Result<Secret, SyncError> {
    let name = &account.name;
    if let Some(var) = &account.token_env {
        return match std::env::var(var) {
            Ok(value) if !value.trim().is_empty() => Ok(Secret::new(value.trim())),
            Ok(_) => Err(SyncError::Config(format!(
                "account '{name}': environment variable {var} (token_env) is empty"
            ))),
            Err(_) => Err(SyncError::Config(format!(
                "account '{name}': environment variable {var} (token_env) is not set"
            ))),
        };
    }
    if let Some(cmd) = &account.token_cmd {
        return run_token_cmd(name, cmd);
    }
    let path = token_file(paths, name);
    match read_token_file(&path) {
        Ok(text) if !text.trim().is_empty() => {
            if readable_by_others(&path) {
                tracing::warn!(
                    account = %name,
                    path = %path.display(),
                    "token file is readable by other users; run chmod 600 on it"
                );
            }
            Ok(Secret::new(text.trim()))
        }
        Ok(_) => Err(SyncError::Config(format!(
            "account '{name}': token file {} is empty; run `hearth login` again",
            path.display()
        ))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(SyncError::Config(format!(
            "account '{name}': no credentials: set token_env or token_cmd in the config, \
             or run `hearth login` (expected {})",
            path.display()
        ))),
        Err(e) => Err(SyncError::Config(format!(
            "account '{name}': cannot read token file {}: {e}",
            path.display()
        ))),
    }
}

/// Run `cmd` through `sh -c`; its trimmed standard output is the token. On failure
/// the error names the account and exit status, never the command's output (it
/// may hold half a secret).
fn run_token_cmd(name: &str, cmd: &str) -> Result<Secret, SyncError> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|e| {
            SyncError::Config(format!(
                "account '{name}': cannot run token_cmd with sh: {e}"
            ))
        })?;
    if !output.status.success() {
        let status = output
            .status
            .code()
            .map_or_else(|| "a signal".to_string(), |c| format!("status {c}"));
        return Err(SyncError::Config(format!(
            "account '{name}': token_cmd failed (exited with {status})"
        )));
    }
    let text = String::from_utf8(output.stdout).map_err(|_| {
        SyncError::Config(format!(
            "account '{name}': token_cmd printed non-UTF-8 output"
        ))
    })?;
    let token = text.trim();
    if token.is_empty() {
        return Err(SyncError::Config(format!(
            "account '{name}': token_cmd printed nothing"
        )));
    }
    Ok(Secret::new(token))
}

/// Google's OAuth client secret, from `client_secret_env` (optional: installed-app
/// clients may have none).
pub fn resolve_client_secret(account: &AccountConfig) -> Result<Option<Secret>, SyncError> {
    let Some(var) = &account.client_secret_env else {
        return Ok(None);
    };
    match std::env::var(var) {
        Ok(value) if !value.trim().is_empty() => Ok(Some(Secret::new(value.trim()))),
        _ => Err(SyncError::Config(format!(
            "account '{}': environment variable {var} (client_secret_env) is not set",
            account.name
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Platform;

    fn account(name: &str) -> AccountConfig {
        AccountConfig {
            base_url: Some("http://127.0.0.1:9".into()),
            ..AccountConfig::new(name, Platform::Mastodon)
        }
    }

    fn paths(dir: &Path) -> Paths {
        Paths {
            config_dir: dir.join("config"),
            data_dir: dir.join("data"),
        }
    }

    #[test]
    fn token_env_must_be_set_and_non_empty() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = account("env-acct");
        a.token_env = Some("HEARTH_TEST_CRED_UNSET_VAR".into());
        let err = resolve_token(&a, &paths(dir.path())).unwrap_err();
        assert!(err.to_string().contains("is not set"), "{err}");
        assert!(err.to_string().contains("env-acct"), "{err}");
        // PATH is always set: use it as a known non-empty variable.
        a.token_env = Some("PATH".into());
        let token = resolve_token(&a, &paths(dir.path())).unwrap();
        assert!(!token.is_empty());
    }

    #[test]
    fn token_cmd_output_is_trimmed_and_failures_hide_output() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = account("cmd-acct");
        a.token_cmd = Some("printf '  tok-abc \\n'".into());
        assert_eq!(
            resolve_token(&a, &paths(dir.path())).unwrap().expose(),
            "tok-abc"
        );
        a.token_cmd = Some("echo half-secret; exit 3".into());
        let err = resolve_token(&a, &paths(dir.path())).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("cmd-acct") && text.contains("status 3"),
            "{text}"
        );
        assert!(!text.contains("half-secret"), "{text}");
    }

    #[test]
    fn token_file_round_trips_with_private_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        let a = account("file-acct");
        let err = resolve_token(&a, &p).unwrap_err();
        assert!(err.to_string().contains("hearth login"), "{err}");
        let path = token_file(&p, "file-acct");
        write_token_file(&path, &Secret::new("tok-file")).unwrap();
        assert_eq!(resolve_token(&a, &p).unwrap().expose(), "tok-file");
        assert!(!readable_by_others(&path));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(readable_by_others(&path));
            // Rewriting tightens the mode again.
            write_token_file(&path, &Secret::new("tok-2")).unwrap();
            assert!(!readable_by_others(&path));
        }
    }

    #[test]
    fn env_takes_precedence_over_cmd() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = account("both");
        a.token_env = Some("PATH".into());
        a.token_cmd = Some("exit 1".into());
        assert!(resolve_token(&a, &paths(dir.path())).is_ok());
    }
}
