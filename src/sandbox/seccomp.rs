//! The seccomp filter that cuts the network: `socket()` fails with EPERM for every address
//! family but AF_UNIX and AF_NETLINK (local IPC, interface lists), so TCP, UDP (DNS) and raw
//! sockets are all refused, and `io_uring_setup` too (io_uring can open sockets on its own).

use libc::sock_filter;

#[cfg(target_arch = "x86_64")]
const NATIVE_ARCH: u32 = 0xC000_003E; // AUDIT_ARCH_X86_64: EM_X86_64 | 64-bit | little-endian
#[cfg(target_arch = "aarch64")]
const NATIVE_ARCH: u32 = 0xC000_00B7; // AUDIT_ARCH_AARCH64
/// x32 system calls on x86_64 carry this bit; they'd bypass the numbers checked below.
const X32_SYSCALL_BIT: u32 = 0x4000_0000;
/// Offsets in `struct seccomp_data`: nr (i32), arch (u32), instruction pointer (u64), args.
const OFFSET_NR: u32 = 0;
const OFFSET_ARCH: u32 = 4;
/// The low 32 bits of args[0] (little-endian), the address family for `socket()`.
const OFFSET_ARG0: u32 = 16;

const fn load(offset: u32) -> sock_filter {
    sock_filter {
        code: (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16,
        jt: 0,
        jf: 0,
        k: offset,
    }
}

const fn jump(op: u32, k: u32, jt: u8, jf: u8) -> sock_filter {
    sock_filter {
        code: (libc::BPF_JMP | op | libc::BPF_K) as u16,
        jt,
        jf,
        k,
    }
}

const fn ret(action: u32) -> sock_filter {
    sock_filter {
        code: (libc::BPF_RET | libc::BPF_K) as u16,
        jt: 0,
        jf: 0,
        k: action,
    }
}

/// Whether this kernel and architecture can run the filter.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
pub(super) fn available() -> bool {
    const SECCOMP_GET_ACTION_AVAIL: libc::c_uint = 2;
    let action: u32 = libc::SECCOMP_RET_ERRNO;
    // SAFETY: GET_ACTION_AVAIL only reads the u32 the pointer points to, which lives here.
    let answer = unsafe {
        libc::syscall(
            libc::SYS_seccomp,
            SECCOMP_GET_ACTION_AVAIL,
            0,
            &action as *const u32,
        )
    };
    answer == 0
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
pub(super) fn available() -> bool {
    false
}

/// The program: jump offsets count instructions after the jump (BPF only jumps forward).
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
pub(super) fn network_filter() -> Vec<sock_filter> {
    let deny = libc::SECCOMP_RET_ERRNO | (libc::EPERM as u32 & libc::SECCOMP_RET_DATA);
    vec![
        /* 0 */ load(OFFSET_ARCH),
        // A foreign architecture (32-bit compat calls) has other numbers: kill it (-> 11).
        /* 1 */
        jump(libc::BPF_JEQ, NATIVE_ARCH, 0, 9),
        /* 2 */ load(OFFSET_NR),
        /* 3 */ jump(libc::BPF_JGE, X32_SYSCALL_BIT, 7, 0),
        /* 4 */ jump(libc::BPF_JEQ, libc::SYS_io_uring_setup as u32, 5, 0),
        /* 5 */ jump(libc::BPF_JEQ, libc::SYS_socket as u32, 0, 3),
        /* 6 */ load(OFFSET_ARG0),
        /* 7 */ jump(libc::BPF_JEQ, libc::AF_UNIX as u32, 1, 0),
        /* 8 */ jump(libc::BPF_JEQ, libc::AF_NETLINK as u32, 0, 1),
        /* 9 */ ret(libc::SECCOMP_RET_ALLOW),
        /* 10 */ ret(deny),
        /* 11 */ ret(libc::SECCOMP_RET_KILL_PROCESS),
    ]
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
pub(super) fn network_filter() -> Vec<sock_filter> {
    Vec::new()
}

#[cfg(all(test, any(target_arch = "x86_64", target_arch = "aarch64")))]
mod tests {
    use super::*;

    /// Runs the program on a `seccomp_data` the way the kernel does (the subset of classic
    /// BPF it uses), so a wrong jump offset shows here and not as a mysterious EPERM.
    fn verdict(arch: u32, nr: u32, arg0: u32) -> u32 {
        let program = network_filter();
        let word = |offset: u32| match offset {
            OFFSET_NR => nr,
            OFFSET_ARCH => arch,
            OFFSET_ARG0 => arg0,
            other => panic!("unexpected load at {other}"),
        };
        let (mut pc, mut acc) = (0usize, 0u32);
        loop {
            let i = program[pc];
            let code = u32::from(i.code);
            if code == libc::BPF_LD | libc::BPF_W | libc::BPF_ABS {
                acc = word(i.k);
                pc += 1;
            } else if code == libc::BPF_RET | libc::BPF_K {
                return i.k;
            } else {
                let taken = match code & 0xf0 {
                    op if op == libc::BPF_JEQ => acc == i.k,
                    op if op == libc::BPF_JGE => acc >= i.k,
                    other => panic!("unexpected op {other:#x}"),
                };
                pc += 1 + usize::from(if taken { i.jt } else { i.jf });
            }
        }
    }

    #[test]
    fn the_filter_cuts_ip_sockets_and_keeps_local_ones() {
        let deny = libc::SECCOMP_RET_ERRNO | libc::EPERM as u32;
        let socket = libc::SYS_socket as u32;
        let family = |f: i32| verdict(NATIVE_ARCH, socket, f as u32);
        assert_eq!(family(libc::AF_INET), deny);
        assert_eq!(family(libc::AF_INET6), deny);
        assert_eq!(family(libc::AF_PACKET), deny);
        assert_eq!(family(libc::AF_UNIX), libc::SECCOMP_RET_ALLOW);
        assert_eq!(family(libc::AF_NETLINK), libc::SECCOMP_RET_ALLOW);
        let io_uring = libc::SYS_io_uring_setup as u32;
        assert_eq!(verdict(NATIVE_ARCH, io_uring, 0), deny);
        let write = libc::SYS_write as u32;
        assert_eq!(
            verdict(NATIVE_ARCH, write, libc::AF_INET as u32),
            libc::SECCOMP_RET_ALLOW
        );
        assert_eq!(
            verdict(0x4000_0003, write, 0),
            libc::SECCOMP_RET_KILL_PROCESS
        );
        assert_eq!(
            verdict(NATIVE_ARCH, X32_SYSCALL_BIT | 41, 2),
            libc::SECCOMP_RET_KILL_PROCESS
        );
    }
}
