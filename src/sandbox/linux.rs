//! Confinement on Linux. Before fork, in claw, the Landlock ruleset is built (the path fds
//! opened, the rules added) and the seccomp program assembled; between fork and exec the child
//! only makes three system calls (no_new_privs, landlock_restrict_self, seccomp), because a
//! forked child of a multi-threaded process may do nothing that allocates or locks.

use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;

use landlock::{
    ABI, AccessFs, AccessNet, BitFlags, Ruleset, RulesetAttr, RulesetCreatedAttr,
    path_beneath_rules,
};

use super::{Network, SandboxError, SandboxPolicy, WRITABLE_DEVICES, seccomp, support};

/// Adds the confinement to `cmd`'s pre-exec steps.
pub(super) fn confine(
    cmd: &mut std::process::Command,
    policy: &SandboxPolicy,
) -> Result<(), SandboxError> {
    let ruleset = ruleset(policy)?;
    let filter = match policy.network {
        Network::Off if seccomp::available() => seccomp::network_filter(),
        Network::Off | Network::Allowed => Vec::new(),
    };
    let fd = ruleset.as_raw_fd();
    // SAFETY: the closure runs in the forked child and only makes system calls on memory the
    // closure owns (the ruleset fd, the filter's instructions): nothing allocates, locks, or
    // touches state another thread of the parent might have held at fork.
    unsafe {
        cmd.pre_exec(move || {
            let _owned: &OwnedFd = &ruleset;
            restrict_self(fd, &filter)
        });
    }
    Ok(())
}

/// The write accesses handled (so denied outside the rules): all of Landlock v3's. Reads and
/// execution stay unhandled, so they are allowed everywhere. v5's device ioctls are left out
/// on purpose: terminals and ptys opened by commands would need rules of their own.
fn handled() -> BitFlags<AccessFs> {
    AccessFs::from_write(ABI::V3)
}

/// The ruleset: writes allowed under the writable roots and to the device files, TCP bind and
/// connect handled without any rule (so refused) when the network is off and the ABI has it.
fn ruleset(policy: &SandboxPolicy) -> Result<OwnedFd, SandboxError> {
    let fail = |e: &dyn std::fmt::Display| SandboxError::Rules(e.to_string());
    let mut ruleset = Ruleset::default()
        .handle_access(handled())
        .map_err(|e| fail(&e))?;
    if policy.network == Network::Off && support::landlock_abi() >= 4 {
        ruleset = ruleset
            .handle_access(AccessNet::BindTcp | AccessNet::ConnectTcp)
            .map_err(|e| fail(&e))?;
    }
    let roots = policy.writable_roots();
    let paths = roots
        .iter()
        .map(|p| p.as_path())
        .chain(WRITABLE_DEVICES.iter().map(std::path::Path::new))
        // A root that doesn't exist can't be written anyway (and can't be opened for a rule).
        .filter(|p| p.exists());
    let created = ruleset
        .create()
        .map_err(|e| fail(&e))?
        .add_rules(path_beneath_rules(paths, handled()))
        .map_err(|e| fail(&e))?;
    let fd: Option<OwnedFd> = created.into();
    fd.ok_or_else(|| SandboxError::Rules("the kernel refused to create a Landlock ruleset".into()))
}

/// In the child: no new privileges (required by both), the Landlock domain, then the filter.
fn restrict_self(ruleset: RawFd, filter: &[libc::sock_filter]) -> std::io::Result<()> {
    // SAFETY: plain system calls with integer arguments.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `ruleset` is an open Landlock ruleset fd the closure keeps alive; flags 0.
    if unsafe { libc::syscall(libc::SYS_landlock_restrict_self, ruleset, 0) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    if filter.is_empty() {
        return Ok(());
    }
    let program = libc::sock_fprog {
        // The filter is a dozen instructions; the kernel caps programs at 4096.
        len: filter.len() as u16,
        filter: filter.as_ptr().cast_mut(),
    };
    // SAFETY: `program` points at `filter`, alive for the call; the kernel copies it.
    let installed = unsafe {
        libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER,
            &program as *const libc::sock_fprog,
        )
    };
    if installed != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}
