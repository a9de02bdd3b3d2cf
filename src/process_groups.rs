//! The process groups claw has started and not yet finished with (Bash commands, background
//! shells, hooks, `!cmd` in custom commands), so that claw's way out, whatever it is, can kill
//! them all. Each group also gets a watchdog that kills it if claw dies, even by SIGKILL.

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

/// Live groups, each with its watchdog (None where one could not be started).
static LIVE: Mutex<BTreeMap<i32, Option<Child>>> = Mutex::new(BTreeMap::new());

/// Notes a process group (its leader's pid) that claw must kill on its way out, and starts its
/// watchdog.
pub fn register(pgid: i32) {
    // pgid 0 or 1 would make killpg hit claw's own group or every process: never record them.
    if pgid <= 1 {
        return;
    }
    let watchdog = watchdog(pgid);
    if let Ok(mut live) = LIVE.lock() {
        live.insert(pgid, watchdog);
    }
}

/// A shell in the group that waits for its stdin, a pipe only claw holds, to close. That happens
/// when claw ends, however it ends; then it kills the group, itself included. The parent-death
/// signal (`die_with_claw`) only reaches claw's own children; this reaches their children too.
fn watchdog(pgid: i32) -> Option<Child> {
    use std::os::unix::process::CommandExt;
    Command::new("sh")
        .arg("-c")
        .arg("read _; kill -KILL 0")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(pgid)
        .spawn()
        .ok()
}

/// The group is gone (killed and reaped) or no longer claw's to kill: stops its watchdog
/// (without letting it fire) and forgets the id.
pub fn forget(pgid: i32) {
    let watchdog = LIVE
        .lock()
        .ok()
        .and_then(|mut live| live.remove(&pgid))
        .flatten();
    if let Some(mut watchdog) = watchdog {
        // Killed before its stdin closes, so it never reaches its `kill`.
        let _ = watchdog.kill();
        let _ = watchdog.wait();
    }
}

/// The groups alive now, for tests and `kill_all`.
pub fn live() -> Vec<i32> {
    LIVE.lock()
        .map(|l| l.keys().copied().collect())
        .unwrap_or_default()
}

/// SIGKILL to every registered group. Safe to call more than once, and from any thread.
pub fn kill_all() {
    kill(&live());
}

fn kill(groups: &[i32]) {
    for &pgid in groups {
        // SAFETY: killpg only sends a signal; every id in the set is the group of a child claw
        // spawned with `process_group(0)` and is removed once that group is dead and reaped, so
        // it cannot name someone else's group. A stale id fails with ESRCH.
        unsafe {
            libc::killpg(pgid, libc::SIGKILL);
        }
    }
}

/// Registers a group for as long as the value lives, for callers that wait for their child:
/// `release` once it finished forgets the group (what it left running may stay); dropping the
/// value without that (the caller was cancelled mid-run) kills the group.
pub struct Registration(i32);

impl Registration {
    pub fn new(pgid: i32) -> Self {
        register(pgid);
        Registration(pgid)
    }

    /// The child finished: forget its group without killing it.
    pub fn release(self) {
        forget(self.0);
        std::mem::forget(self);
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        kill(&[self.0]);
        forget(self.0);
    }
}

/// Makes the child get SIGKILL when the thread that spawned it ends (Linux's parent-death
/// signal). Spawn only from threads that live as long as claw (tokio's worker threads, the main
/// thread) or that wait for the child: a blocking-pool thread that exits early would take the
/// child with it.
pub fn die_with_claw(command: &mut std::process::Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: getpid is async-signal-safe; read before the fork, in the parent.
        let parent = unsafe { libc::getpid() };
        // SAFETY: the closure runs between fork and exec and calls only prctl, getppid and
        // raise, which are async-signal-safe; it allocates nothing and takes no locks.
        unsafe {
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // claw died between the fork and the prctl: the signal will never come.
                if libc::getppid() != parent {
                    libc::raise(libc::SIGKILL);
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = command;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn alive(pid: i32) -> bool {
        // Zombies count as gone: read the state from /proc.
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| {
                s.rsplit(')')
                    .next()
                    .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
            })
            .unwrap_or(false)
    }

    #[test]
    fn registered_groups_are_killed_and_forgotten_ones_spared() {
        use std::os::unix::process::CommandExt;
        let spawn = || {
            std::process::Command::new("sleep")
                .arg("30")
                .process_group(0)
                .spawn()
                .unwrap()
        };
        let (mut doomed, mut spared) = (spawn(), spawn());
        let (doomed_pid, spared_pid) = (doomed.id() as i32, spared.id() as i32);
        register(doomed_pid);
        register(spared_pid);
        forget(spared_pid);
        assert!(live().contains(&doomed_pid) && !live().contains(&spared_pid));
        // Not `kill_all`: other tests in this process have groups of their own.
        kill(
            &live()
                .into_iter()
                .filter(|&g| g == doomed_pid)
                .collect::<Vec<_>>(),
        );
        let status = doomed.wait().unwrap();
        forget(doomed_pid);
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(9)
        );
        assert!(alive(spared_pid), "a forgotten group is left alone");
        spared.kill().unwrap();
        spared.wait().unwrap();
    }

    #[test]
    fn a_dropped_registration_kills_its_group_and_a_released_one_does_not() {
        use std::os::unix::process::CommandExt;
        let spawn = || {
            std::process::Command::new("sleep")
                .arg("32")
                .process_group(0)
                .spawn()
                .unwrap()
        };
        let (mut cancelled, mut finished) = (spawn(), spawn());
        drop(Registration::new(cancelled.id() as i32));
        Registration::new(finished.id() as i32).release();
        let status = cancelled.wait().unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(9)
        );
        assert!(alive(finished.id() as i32));
        assert!(!live().contains(&(finished.id() as i32)));
        finished.kill().unwrap();
        finished.wait().unwrap();
    }

    #[test]
    fn registration_lasts_as_long_as_its_value_and_odd_ids_are_refused() {
        {
            let _r = Registration::new(999_999_001);
            assert!(live().contains(&999_999_001));
        }
        assert!(!live().contains(&999_999_001));
        register(0);
        register(1);
        assert!(!live().contains(&0) && !live().contains(&1));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_child_dies_with_the_thread_that_spawned_it() {
        let pid = std::thread::spawn(|| {
            let mut command = std::process::Command::new("sleep");
            command.arg("31");
            die_with_claw(&mut command);
            command.spawn().unwrap().id() as i32
        })
        .join()
        .unwrap();
        // The spawning thread has ended: the kernel sends SIGKILL to its child.
        let deadline = Instant::now() + Duration::from_secs(10);
        while alive(pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!alive(pid), "sleep outlived the thread that spawned it");
    }
}
