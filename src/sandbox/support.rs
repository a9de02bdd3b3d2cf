//! What this kernel can enforce, probed once: the Landlock ABI (writes; v3 adds truncation,
//! v4 TCP) and seccomp filters (sockets). The answer decides whether the sandbox is real,
//! partial (said once), or missing (commands run unsandboxed, said once).

use std::sync::OnceLock;

/// How much of the sandbox this machine enforces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Support {
    Full,
    /// Enforced, except what the text says.
    Partial(String),
    /// Not enforced at all, for the reason the text gives.
    Missing(String),
}

/// The Landlock ABI this sandbox asks for: v3 is the first that confines truncation.
#[cfg(target_os = "linux")]
pub(super) const WANTED_ABI: i64 = 3;

/// Probed on first use; the kernel doesn't change under a running claw.
pub fn kernel_support() -> &'static Support {
    static SUPPORT: OnceLock<Support> = OnceLock::new();
    SUPPORT.get_or_init(probe)
}

/// What `/doctor` says about the kernel.
pub fn kernel_summary() -> String {
    match kernel_support() {
        Support::Full => format!(
            "this kernel enforces it (Landlock ABI v{}, seccomp)",
            current_abi()
        ),
        Support::Partial(what) => format!("partly enforced: {what}"),
        Support::Missing(why) => format!("not enforced: {why}"),
    }
}

#[cfg(target_os = "linux")]
fn current_abi() -> i64 {
    landlock_abi()
}

#[cfg(not(target_os = "linux"))]
fn current_abi() -> i64 {
    0
}

#[cfg(target_os = "linux")]
fn probe() -> Support {
    judge(landlock_abi(), super::seccomp::available())
}

#[cfg(not(target_os = "linux"))]
fn probe() -> Support {
    Support::Missing("the sandbox needs Linux (Landlock)".into())
}

/// The kernel's Landlock ABI version; 0 where it has none or it is disabled at boot.
#[cfg(target_os = "linux")]
pub(super) fn landlock_abi() -> i64 {
    const LANDLOCK_CREATE_RULESET_VERSION: libc::c_uint = 1;
    // SAFETY: with a null attribute pointer, size 0 and the VERSION flag the call only returns
    // a number (the ABI) or -1 with errno (ENOSYS, EOPNOTSUPP); it touches no memory.
    let abi = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<libc::c_void>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    abi.max(0)
}

/// The verdict for a Landlock ABI and whether seccomp filters can cut sockets.
#[cfg(target_os = "linux")]
fn judge(abi: i64, seccomp: bool) -> Support {
    if abi < 1 {
        return Support::Missing("this kernel has no Landlock (or it is disabled at boot)".into());
    }
    let mut gaps = Vec::new();
    if abi < WANTED_ABI {
        gaps.push(format!(
            "Landlock ABI v{abi} cannot stop truncating files outside the writable directories"
        ));
    }
    if abi == 1 {
        // v1 handles no "refer" right, so it refuses every rename or link between directories.
        gaps.push("Landlock ABI v1 refuses moving files between directories".to_string());
    }
    if !seccomp {
        gaps.push(if abi >= 4 {
            "without seccomp only TCP is cut when the network is off".to_string()
        } else {
            "without seccomp the network cannot be cut".to_string()
        });
    }
    if gaps.is_empty() {
        Support::Full
    } else {
        Support::Partial(gaps.join("; "))
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn verdicts_by_abi_and_seccomp() {
        assert!(matches!(judge(0, true), Support::Missing(_)));
        assert_eq!(judge(3, true), Support::Full);
        assert_eq!(judge(7, true), Support::Full);
        let Support::Partial(text) = judge(1, true) else {
            panic!("ABI 1 is partial");
        };
        assert!(text.contains("truncating"), "{text}");
        let Support::Partial(text) = judge(4, false) else {
            panic!("no seccomp is partial");
        };
        assert!(text.contains("only TCP"), "{text}");
        let Support::Partial(text) = judge(2, false) else {
            panic!("partial");
        };
        assert!(text.contains("truncating") && text.contains("cannot be cut"));
    }

    #[test]
    fn this_machine_reports_its_abi() {
        let abi = landlock_abi();
        println!("Landlock ABI here: {abi}; support: {:?}", kernel_support());
        assert_eq!(abi >= 1, !matches!(kernel_support(), Support::Missing(_)));
    }
}
