//! The Bash sandbox, defence in depth behind the permission prompts: a command may write only
//! under the project, the temp and additional directories, and reaches no network unless allowed.
//! Linux confines the child before exec; where the kernel can't, claw says so once.

mod denial;
mod git;
#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
mod seccomp;
mod settings;
mod support;

use std::path::{Path, PathBuf};

use thiserror::Error;

pub use denial::explain_failure;
pub use settings::{Network, SandboxSettings};
pub use support::{Support, kernel_summary, kernel_support};

/// Devices every command may still write (rules on the files themselves), the ptys, and
/// POSIX shared memory (`/dev/shm`, which Python's multiprocessing and others need).
const WRITABLE_DEVICES: &[&str] = &[
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
    "/dev/tty",
    "/dev/ptmx",
    "/dev/pts",
    "/dev/shm",
];

/// What a sandboxed command may do; shared by the session so `/sandbox` can toggle it live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SandboxPolicy {
    pub enabled: bool,
    pub network: Network,
    /// The session's working directory: always writable.
    pub project: PathBuf,
    /// Other directories writable besides the project and the temp directories (the project
    /// root when claw runs in a subdirectory, `permissions.additionalDirectories`).
    pub additional: Vec<PathBuf>,
}

/// Why a command could not be confined (it is then not started: the sandbox fails closed).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SandboxError {
    #[error("cannot set up the sandbox's Landlock rules: {0}")]
    Rules(String),
}

impl SandboxPolicy {
    /// Off, with the project as its only own root (the state before settings are read).
    pub fn off(project: &Path) -> Self {
        SandboxPolicy {
            enabled: false,
            network: Network::Off,
            project: project.to_path_buf(),
            additional: Vec::new(),
        }
    }

    /// The policy the settings ask for in `project`.
    pub fn new(project: &Path, settings: &SandboxSettings) -> Self {
        SandboxPolicy {
            enabled: settings.enabled,
            network: settings.network,
            project: project.to_path_buf(),
            additional: settings.writable.clone(),
        }
    }

    /// Whether commands are confined now: on, and the kernel can do it.
    pub fn confines(&self) -> bool {
        self.enabled && !matches!(kernel_support(), Support::Missing(_))
    }

    /// Every directory a confined command may write under.
    pub fn writable_roots(&self) -> Vec<PathBuf> {
        let mut roots = vec![self.project.clone(), std::env::temp_dir()];
        for dir in std::iter::once(&PathBuf::from("/tmp")).chain(&self.additional) {
            if !roots.contains(dir) {
                roots.push(dir.clone());
            }
        }
        roots
    }

    /// The note for a confined command's failure, as the model and the user read it.
    pub fn limits_text(&self) -> String {
        let places = if self.additional.is_empty() {
            format!("{} and /tmp", self.project.display())
        } else {
            format!(
                "{}, /tmp and the additional directories",
                self.project.display()
            )
        };
        match self.network {
            Network::Off => {
                format!("writes outside {places} are blocked, and network access is off")
            }
            Network::Allowed => format!("writes outside {places} are blocked"),
        }
    }

    /// One line for `/status` and `/sandbox`.
    pub fn describe(&self) -> String {
        self.describe_on(kernel_support())
    }

    fn describe_on(&self, support: &Support) -> String {
        if !self.enabled {
            return "off: Bash commands run unconfined".into();
        }
        match support {
            Support::Missing(why) => format!("on, but {why}: Bash commands run unsandboxed"),
            Support::Full => format!("on: {}", self.limits_text()),
            Support::Partial(what) => format!("on: {} (but {what})", self.limits_text()),
        }
    }

    /// What the user should be told once when the sandbox is on but the kernel falls short.
    pub fn shortfall(&self) -> Option<String> {
        self.shortfall_on(kernel_support())
    }

    fn shortfall_on(&self, support: &Support) -> Option<String> {
        if !self.enabled {
            return None;
        }
        match support {
            Support::Full => None,
            Support::Missing(why) => {
                Some(format!("Sandbox: {why}, so Bash commands run unsandboxed."))
            }
            Support::Partial(what) => Some(format!("Sandbox: only partly enforced: {what}.")),
        }
    }
}

/// `/sandbox [on|off]`: switches the sandbox (no argument toggles) and says the new state.
pub fn toggle(policy: &mut SandboxPolicy, args: &str) -> Result<String, String> {
    policy.enabled = match args.trim() {
        "" => !policy.enabled,
        "on" => true,
        "off" => false,
        other => {
            return Err(format!(
                "/sandbox takes on or off, not `{other}`; without one it toggles"
            ));
        }
    };
    Ok(format!("Sandbox {}.", policy.describe()))
}

/// Confines `cmd` by `policy` before it is spawned: nothing when the sandbox is off or the
/// kernel can't (the user was told), else the child restricts itself between fork and exec.
pub fn confine(
    cmd: &mut std::process::Command,
    policy: &SandboxPolicy,
) -> Result<(), SandboxError> {
    if !policy.confines() {
        return Ok(());
    }
    #[cfg(target_os = "linux")]
    {
        linux::confine(cmd, policy)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = cmd;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
