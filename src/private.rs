//! Private by default: what hearth creates on disk (the data directory, the cache,
//! logs, tokens) holds customer messages or secrets, so directories are made 0700
//! and files 0600 whatever the umask, and files that hold secrets are never
//! opened through a symbolic link someone else could have planted.
//!
//! Existing files and directories are never re-moded behind the user's back;
//! `hearth doctor` reports them with the `chmod` that fixes them.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Mode of every directory hearth creates.
pub const DIR_MODE: u32 = 0o700;
/// Mode of every file hearth creates.
pub const FILE_MODE: u32 = 0o600;

/// `create_dir_all`, with each directory it creates set to 0700. The mode is
/// set explicitly after creation: `mkdir`'s mode is filtered by the umask, and a
/// umask such as 0277 would leave a directory hearth cannot even write to.
pub fn create_dir_all(path: &Path) -> io::Result<()> {
    let mut missing: Vec<PathBuf> = Vec::new();
    let mut cursor = Some(path);
    while let Some(dir) = cursor.filter(|d| !d.as_os_str().is_empty()) {
        if dir.symlink_metadata().is_ok() {
            break;
        }
        missing.push(dir.to_path_buf());
        cursor = dir.parent();
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    builder.create(path)?;
    for dir in missing.iter().rev() {
        set_mode(dir, DIR_MODE)?;
    }
    Ok(())
}

/// Create `path` as an empty 0600 file unless something is there already (the
/// cache before SQLite opens it: SQLite gives its WAL and shared-memory files the
/// database file's mode, so they come out 0600 too).
pub fn create_file_if_missing(path: &Path) -> io::Result<()> {
    match new_file(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Open `path` for appending, creating it 0600. A symbolic link is refused.
pub fn open_append(path: &Path) -> io::Result<File> {
    match new_file(path) {
        Ok(file) => Ok(file),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let mut options = OpenOptions::new();
            options.append(true);
            no_follow(&mut options);
            options.open(path).map_err(|e| explain_symlink(path, e))
        }
        Err(e) => Err(e),
    }
}

/// Open `path` to replace its contents: created 0600, an existing file is
/// tightened to 0600, and a symbolic link is refused rather than written through.
pub fn open_truncate(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    no_follow(&mut options);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    let file = options.open(path).map_err(|e| explain_symlink(path, e))?;
    set_file_mode(&file)?;
    Ok(file)
}

/// Open `path` for reading without following a symbolic link.
pub fn open_read(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    no_follow(&mut options);
    options.open(path).map_err(|e| explain_symlink(path, e))
}

/// A brand-new 0600 file (`O_EXCL`: never an existing file or a link's target).
fn new_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).append(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    let file = options.open(path)?;
    set_file_mode(&file)?;
    Ok(file)
}

fn no_follow(options: &mut OpenOptions) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    let _ = options;
}

/// `O_NOFOLLOW` on a link fails with ELOOP ("too many levels of symbolic links"),
/// which does not tell the user what happened.
fn explain_symlink(path: &Path, e: io::Error) -> io::Error {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ELOOP) {
        return io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is a symbolic link; hearth does not follow links for private files \
                 (remove it and try again)",
                path.display()
            ),
        );
    }
    let _ = path;
    e
}

fn set_file_mode(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(FILE_MODE))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// The `chmod` that makes `path` private, when group or others have any access
/// to it (a link is judged by itself, not its target). `None` when it is
/// private, missing, or on a platform without mode bits.
pub fn exposed(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = path.symlink_metadata().ok()?;
        if meta.file_type().is_symlink() || meta.permissions().mode() & 0o077 == 0 {
            return None;
        }
        let mode = if meta.is_dir() { "700" } else { "600" };
        Some(format!("chmod {mode} {}", shell_word(path)))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// A path as one shell word, quoted only when it needs to be.
fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        path.symlink_metadata()
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn new_directories_and_files_are_private() {
        let root = tempfile::tempdir().unwrap();
        let deep = root.path().join("a/b/c");
        create_dir_all(&deep).unwrap();
        for dir in ["a", "a/b", "a/b/c"] {
            assert_eq!(mode(&root.path().join(dir)), 0o700, "{dir}");
        }
        // The directory that already existed keeps its mode.
        assert_ne!(mode(root.path()), 0);
        let file = deep.join("f");
        open_append(&file).unwrap().write_all(b"x").unwrap();
        assert_eq!(mode(&file), 0o600);
        create_file_if_missing(&deep.join("db")).unwrap();
        assert_eq!(mode(&deep.join("db")), 0o600);
    }

    #[test]
    fn links_are_refused_and_exposure_is_reported() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("elsewhere");
        std::fs::write(&target, "keep").unwrap();
        let link = root.path().join("x.token");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = open_truncate(&link).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(open_read(&link).is_err());
        assert!(open_append(&link).is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");

        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            exposed(&target),
            Some(format!("chmod 600 {}", target.display()))
        );
        assert_eq!(exposed(&link), None);
        let dir = root.path().join("my dir");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(
            exposed(&dir),
            Some(format!("chmod 700 '{}'", dir.display()))
        );
    }
}
